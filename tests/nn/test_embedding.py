"""embedding and the Embedding layer: lookup of any index shape, accumulated gradients for
repeated indices, PyTorch parity, float32 N(0, 1) weights, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import arrays, shapes

from ._helpers import assert_close, copy_weights


@given(data=st.data(), rows=st.integers(1, 5), dim=st.integers(1, 3),
       index_shape=shapes(max_dims=3, max_side=4))
def test_embedding_lookup_and_gradients(data, rows, dim, index_shape):
    weight = data.draw(arrays((rows, dim)))
    indices = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, rows - 1)))
    y = F.embedding(indices, weight)
    np.testing.assert_array_equal(y.data, weight[indices])
    gradcheck(F.embedding, indices, weight)  # the integer indices must get no gradient
    gradgradcheck(lambda w: F.embedding(indices, w), weight, mode="fast")


def test_repeated_indices_accumulate():
    weight = Variable(np.zeros((4, 2)))
    y = F.embedding(np.array([[1, 3, 1], [1, 0, 3]]), weight)
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(weight.grad.data, [[1, 1], [3, 3], [0, 0], [2, 2]])


def test_embedding_layer_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Embedding(7, 3), torch.nn.Embedding(7, 3)
    copy_weights(ours, theirs)
    indices = np.array([[0, 6, 2, 2], [5, 5, 5, 1]])
    y, yt = ours(indices), theirs(torch.tensor(indices))
    assert_close(y, yt)
    gy = np.random.default_rng(0).standard_normal(y.shape).astype(np.float32)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(ours.weight.grad, theirs.weight.grad)


def test_embedding_layer_weights():
    np.random.seed(0)
    layer = nn.Embedding(1000, 20)
    assert list(layer.state_dict()) == ["weight"]
    weight = layer.weight.data
    assert weight.shape == (1000, 20) and weight.dtype == np.float32
    assert abs(weight.mean()) < 0.02 and abs(weight.std() - 1) < 0.02  # N(0, 1)
    assert layer(np.array([3])).dtype == np.float32


def test_embedding_errors():
    weight = np.zeros((5, 2))
    with pytest.raises(IndexError, match=r"embedding: index 5 is out of range for 5 embeddings"):
        F.embedding(np.array([0, 5]), weight)
    with pytest.raises(IndexError, match=r"embedding: index -1 is out of range"):
        F.embedding(np.array([-1]), weight)
    with pytest.raises(TypeError, match="embedding: indices must be integers, got dtype float64"):
        F.embedding(np.array([0.0]), weight)
    with pytest.raises(ValueError, match=r"embedding: expected a weight of shape "
                                         r"\(num_embeddings, embedding_dim\), got \(5,\)"):
        F.embedding(np.array([0]), np.zeros(5))
    with pytest.raises(ValueError,
                       match="Embedding: embedding_dim must be a positive integer, got 0"):
        nn.Embedding(3, 0)


@given(data=st.data(), rows=st.integers(1, 5), dim=st.integers(1, 3),
       index_shape=shapes(max_dims=3, max_side=4))
def test_padding_idx_gets_no_gradient_like_torch(data, rows, dim, index_shape):
    torch = pytest.importorskip("torch")
    weight = data.draw(arrays((rows, dim)))
    indices = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, rows - 1)))
    padding_idx = data.draw(st.integers(-rows, rows - 1))
    wv, wt = Variable(weight), torch.tensor(weight, requires_grad=True)
    y = F.embedding(indices, wv, padding_idx=padding_idx)
    yt = torch.nn.functional.embedding(torch.tensor(indices), wt, padding_idx=padding_idx)
    assert_close(y, yt, tol=0)
    gy = data.draw(arrays(y.shape))
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(wv.grad, wt.grad, tol=1e-12)
    gradgradcheck(lambda w: F.embedding(indices, w, padding_idx=padding_idx), weight,
                  mode="fast")


def test_embedding_layer_padding_row_starts_at_zero_and_stays_there():
    torch = pytest.importorskip("torch")
    layer = nn.Embedding(6, 3, padding_idx=-2)
    assert layer.padding_idx == 4 and repr(layer) == repr(torch.nn.Embedding(6, 3, padding_idx=4))
    np.testing.assert_array_equal(layer.weight.data[4], 0)
    layer(np.array([[4, 1, 4]])).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.data[4], 0)
    assert layer.weight.grad.data[1].tolist() == [1, 1, 1]


def test_padding_idx_errors():
    with pytest.raises(ValueError, match=r"Embedding: padding_idx 6 is out of range for 6 "):
        nn.Embedding(6, 3, padding_idx=6)
    with pytest.raises(TypeError, match=r"embedding: padding_idx must be an int or None"):
        F.embedding(np.array([0]), np.zeros((2, 2)), padding_idx=0.5)


def test_from_pretrained_copies_the_table_and_freezes_it_as_torch():
    torch = pytest.importorskip("torch")
    table = np.random.default_rng(0).normal(size=(5, 3))
    ours = nn.Embedding.from_pretrained(table, padding_idx=1)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table), padding_idx=1)
    idx = np.array([[0, 1, 4], [2, 2, 3]])
    np.testing.assert_array_equal(ours(idx).data, theirs(torch.tensor(idx)).numpy())
    assert ours.weight.dtype == np.float64 and not ours.weight.requires_grad
    assert ours.weight.data is not table
    trained = nn.Embedding.from_pretrained(table, freeze=False)
    trained(idx).sum().backward()
    assert trained.weight.grad is not None
    with pytest.raises(ValueError, match="2-D float array"):
        nn.Embedding.from_pretrained(np.arange(5))


def test_from_pretrained_draws_nothing():
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    nn.Embedding.from_pretrained(np.ones((4, 2)))
    assert np.random.rand() == expected


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_max_norm_scales_the_picked_rows_in_place_as_torch(norm_type):
    rng = np.random.default_rng(3)
    table = rng.standard_normal((6, 3)) * 2
    layer = nn.Embedding(6, 3, max_norm=1.0, norm_type=norm_type, _weight=table.copy())
    indices = np.array([[0, 2, 2], [5, 0, 1]])
    y = layer(indices)
    norms = np.linalg.norm(table, ord=norm_type, axis=1)
    expected = table.copy()
    for row in np.unique(indices):
        if norms[row] > 1.0:
            expected[row] *= 1.0 / (norms[row] + 1e-7)
    np.testing.assert_allclose(layer.weight.data, expected, rtol=1e-12)  # row 3, 4 untouched
    np.testing.assert_allclose(y.data, expected[indices], rtol=1e-12)
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Embedding(6, 3, max_norm=1.0, norm_type=norm_type,
                                _weight=torch.tensor(table.copy()))
    theirs(torch.tensor(indices))
    assert_close(layer.weight, theirs.weight, tol=1e-12)


def test_max_norm_changes_the_table_so_an_earlier_use_cannot_backpropagate():
    weight = Variable(np.full((3, 2), 5.0))
    earlier = (weight * weight).sum()  # saved the table's values
    F.embedding(np.array([1]), weight, max_norm=1.0)
    np.testing.assert_allclose(np.linalg.norm(weight.data[1]), 1.0, rtol=1e-6)
    with pytest.raises(RuntimeError, match="modified"):
        earlier.backward()


def test_scale_grad_by_freq_divides_each_row_by_its_picks_as_torch():
    rng = np.random.default_rng(4)
    indices = np.array([[1, 3, 1], [1, 0, 4]])
    weight = Variable(rng.standard_normal((5, 2)))
    gy = rng.standard_normal((2, 3, 2))
    F.embedding(indices, weight, padding_idx=4, scale_grad_by_freq=True).backward(gy)
    expected = np.zeros((5, 2))
    np.add.at(expected, indices, gy)
    expected /= np.maximum(np.bincount(indices.ravel(), minlength=5), 1)[:, None]
    expected[4] = 0
    np.testing.assert_allclose(weight.grad.data, expected, rtol=1e-12)
    torch = pytest.importorskip("torch")
    wt = torch.tensor(weight.data, requires_grad=True)
    torch.nn.functional.embedding(torch.tensor(indices), wt, padding_idx=4,
                                  scale_grad_by_freq=True).backward(torch.tensor(gy))
    assert_close(weight.grad, wt.grad, tol=1e-12)


def test_second_order_gradients_with_options_match_torch():
    import autograd as ag
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    table, r = rng.standard_normal((4, 2)), rng.standard_normal((2, 3, 2))
    indices = np.array([[0, 0, 1], [2, 0, 1]])  # row 0 picked three times
    for options in ({"scale_grad_by_freq": True}, {"padding_idx": 1},
                    {"scale_grad_by_freq": True, "padding_idx": 2}):
        w = Variable(table.copy())
        y = F.embedding(indices, w, **options)
        (g,) = ag.grad((F.tanh(y) * Variable(r)).sum(), w, create_graph=True)
        (gg,) = ag.grad((g * g).sum(), w)
        wt = torch.tensor(table.copy(), requires_grad=True)
        yt = torch.nn.functional.embedding(torch.tensor(indices), wt, **options)
        (gt,) = torch.autograd.grad((torch.tanh(yt) * torch.tensor(r)).sum(), wt,
                                    create_graph=True)
        (ggt,) = torch.autograd.grad((gt * gt).sum(), wt)
        assert_close(g, gt, tol=1e-12)
        assert_close(gg, ggt, tol=1e-10)


def test_a_table_looked_up_twice_with_max_norm_backpropagates_as_torch():
    torch = pytest.importorskip("torch")
    table = np.random.default_rng(6).standard_normal((10, 4)) * 3
    for max_norm in (100.0, 1.0):  # nothing rescaled, then rows rescaled at each lookup
        layer = nn.Embedding(10, 4, max_norm=max_norm, _weight=table.copy())
        theirs = torch.nn.Embedding(10, 4, max_norm=max_norm, _weight=torch.tensor(table))
        h = layer(np.array([1, 2])) * layer(np.array([2, 4]))
        h.sum().backward()
        ht = theirs(torch.tensor([1, 2])) * theirs(torch.tensor([2, 4]))
        ht.sum().backward()
        assert_close(layer.weight.grad, theirs.weight.grad, tol=1e-12)
        assert_close(layer.weight, theirs.weight, tol=1e-12)


def test_sparse_is_taken_with_a_dense_gradient_and_the_options_survive_saving(tmp_path):
    layer = nn.Embedding(4, 2, max_norm=2.0, scale_grad_by_freq=True)
    with pytest.warns(UserWarning, match="sparse=True gives a dense gradient"):
        F.embedding(np.array([0]), Variable(np.ones((2, 2))), sparse=True)
    model = nn.Sequential(layer)
    model.save(tmp_path / "embedding.rgm")
    loaded = nn.load_model(tmp_path / "embedding.rgm")[0]
    assert (loaded.max_norm, loaded.norm_type, loaded.scale_grad_by_freq) == (2.0, 2.0, True)
    frozen = nn.Embedding.from_pretrained(np.ones((3, 2), np.float32), max_norm=1.0)
    assert not frozen.weight.requires_grad and frozen.max_norm == 1.0
    assert "max_norm=1.0" in repr(frozen)


@pytest.mark.parametrize("options", [dict(scale_grad_by_freq=True), dict(max_norm=1.0),
                                     dict(max_norm=0.5, norm_type=1.0)])
def test_a_captured_step_replays_max_norm_and_scale_grad_by_freq(options):
    """max_norm's renorm (in place, outside the graph) is a replayable call: each replay
    rescales the rows its own batch picks, as the eager step does (it was refused)."""
    import autograd as ag
    import optim
    batches = [np.random.default_rng(i).integers(0, 6, (2, 3)) for i in range(6)]
    tables = []
    for captured in (False, True):
        np.random.seed(0)
        layer = nn.Embedding(6, 2, **options)
        optimizer = optim.SGD(layer.parameters(), lr=0.5)

        def step(x, layer=layer, optimizer=optimizer):  # (rows grow: renormed when looked up)
            optimizer.zero_grad()
            (layer(x) * np.array([-1.0, 2.0], np.float32)).sum().backward()
            optimizer.step()
        step = ag.capture(step) if captured else step
        for x in batches:
            step(x)
            tables.append(layer.weight.data.copy())
        assert not captured or step.replays == len(batches) - 2
    eager, replayed = tables[:len(batches)], tables[len(batches):]
    np.testing.assert_allclose(replayed, eager, rtol=1e-6)
    assert not np.allclose(eager[-1], eager[-2])  # (each step moved the table)


def test_a_float16_table_s_gradient_sums_repeats_in_float32():
    """Its sums stopped growing at 2048 (6000 lookups of one row gave 2048)."""
    index = np.zeros(6000, np.int64)
    weight = Variable(np.ones((4, 3), np.float16))
    F.embedding(index, weight).sum().backward()
    assert weight.grad.dtype == np.float16
    np.testing.assert_array_equal(weight.grad.data[0], 6000)
    bag = nn.EmbeddingBag(4, 3, mode="sum").half()
    bag(index[None]).sum().backward()
    np.testing.assert_array_equal(bag.weight.grad.data[0], 6000)


def test_a_given_table_of_another_shape_is_refused_as_pytorch_refuses_it():
    """(Embedding(5, 3, _weight=4x2) was built, its repr saying (5, 3).)"""
    with pytest.raises(ValueError, match=r"Embedding: _weight of shape \(4, 2\) does not "
                                         r"match \(num_embeddings, embedding_dim\) = \(5, 3\)"):
        nn.Embedding(5, 3, _weight=np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"EmbeddingBag: _weight of shape \(4, 2\)"):
        nn.EmbeddingBag(5, 3, _weight=np.zeros((4, 2)))
    assert nn.Embedding(4, 2, _weight=np.ones((4, 2))).weight.shape == (4, 2)
