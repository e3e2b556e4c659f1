"""nn.TransformerDecoderLayer, nn.TransformerDecoder and nn.Transformer against PyTorch
(float64, weights copied from a PyTorch twin): outputs, input and parameter gradients."""
import numpy as np
import pytest

import nn
from autograd import Variable

from .test_attention import _compare, _parameter_grads_match, _torch_kwargs, _twins

torch = pytest.importorskip("torch")

_T, _S, _N, _E = 4, 5, 3, 8


def _masks(rng, batch_first):
    causal = nn.Transformer.generate_square_subsequent_mask(_T, dtype=np.float64)
    return {"tgt_mask": causal, "tgt_is_causal": True,
            "memory_mask": (rng.random((_T, _S)) < 0.3) & (np.arange(_S) > 0),
            "tgt_key_padding_mask": np.arange(_T) >= np.array([[4], [2], [3]]),
            "memory_key_padding_mask": rng.normal(size=(_N, _S))}


def _shape(length, batch_first):
    return (_N, length, _E) if batch_first else (length, _N, _E)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation, batch_first", [("relu", False), ("gelu", True)])
def test_decoder_layer_matches_torch(norm_first, activation, batch_first):
    rng = np.random.default_rng(11)
    kwargs = {"dim_feedforward": 16, "dropout": 0.0, "activation": activation,
              "batch_first": batch_first, "norm_first": norm_first}
    ours, theirs = _twins(kwargs, "TransformerDecoderLayer", (_E, 2))
    masks = _masks(rng, batch_first)
    _compare(lambda t, m: ours(t, m, **masks), lambda t, m: theirs(t, m, **_torch_kwargs(masks)),
             [rng.normal(size=_shape(_T, batch_first)), rng.normal(size=_shape(_S, batch_first))],
             rng)
    _parameter_grads_match(ours, theirs)


def test_decoder_layer_unbatched_matches_torch():
    rng = np.random.default_rng(12)
    ours, theirs = _twins({"dim_feedforward": 16, "dropout": 0.0}, "TransformerDecoderLayer",
                          (_E, 2))
    _compare(ours, theirs, [rng.normal(size=(_T, _E)), rng.normal(size=(_S, _E))], rng)


def test_decoder_layer_dropout_only_in_training():
    rng = np.random.default_rng(13)
    ours, theirs = _twins({"dim_feedforward": 16, "dropout": 0.5}, "TransformerDecoderLayer",
                          (_E, 2))
    tgt, memory = rng.normal(size=(_T, _N, _E)), rng.normal(size=(_S, _N, _E))
    ours.eval()
    theirs.eval()
    evaluated = ours(tgt, memory).data
    with torch.no_grad():
        expected = theirs(torch.tensor(tgt), torch.tensor(memory)).numpy()
    np.testing.assert_allclose(evaluated, expected, rtol=1e-10, atol=1e-10)
    ours.train()
    np.random.seed(0)
    assert not np.allclose(ours(tgt, memory).data, evaluated)


def test_decoder_stacks_independent_copies_as_torch():
    rng = np.random.default_rng(14)
    kwargs = dict(dim_feedforward=16, dropout=0.0, dtype=np.float64)
    ours = nn.TransformerDecoder(nn.TransformerDecoderLayer(_E, 2, **kwargs), 2,
                                 norm=nn.LayerNorm(_E).double())
    layer = torch.nn.TransformerDecoderLayer(_E, 2, 16, 0.0, dtype=torch.float64)
    theirs = torch.nn.TransformerDecoder(layer, 2, norm=torch.nn.LayerNorm(
        _E, dtype=torch.float64))
    _load_into(theirs, ours)
    assert ours.layers[0].linear1.weight is not ours.layers[1].linear1.weight
    masks = _masks(rng, False)
    _compare(lambda t, m: ours(t, m, **masks), lambda t, m: theirs(t, m, **_torch_kwargs(masks)),
             [rng.normal(size=(_T, _N, _E)), rng.normal(size=(_S, _N, _E))], rng)
    _parameter_grads_match(ours, theirs)


def _load_into(theirs, ours):
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict({name: torch.tensor(value) for name, value in state.items()})


@pytest.mark.parametrize("batch_first, norm_first", [(False, False), (True, True)])
def test_transformer_matches_torch(batch_first, norm_first):
    rng = np.random.default_rng(15)
    kwargs = dict(d_model=_E, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
                  dim_feedforward=16, dropout=0.0, batch_first=batch_first,
                  norm_first=norm_first)
    ours = nn.Transformer(**kwargs, dtype=np.float64)
    theirs = torch.nn.Transformer(**kwargs, dtype=torch.float64)
    _load_into(theirs, ours)
    masks = {"src_key_padding_mask": np.arange(_S) >= np.array([[5], [3], [4]]),
             "tgt_mask": nn.Transformer.generate_square_subsequent_mask(_T, dtype=np.float64),
             "memory_key_padding_mask": np.arange(_S) >= np.array([[5], [3], [4]])}
    _compare(lambda s, t: ours(s, t, **masks), lambda s, t: theirs(s, t, **_torch_kwargs(masks)),
             [rng.normal(size=_shape(_S, batch_first)), rng.normal(size=_shape(_T, batch_first))],
             rng)
    _parameter_grads_match(ours, theirs)


def test_transformer_initialises_as_torch():
    ours, theirs = nn.Transformer(16, 4, 2, 2, 32), torch.nn.Transformer(16, 4, 2, 2, 32)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    for (name, ours_p), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        if ours_p.ndim > 1:  # Xavier-uniform: within the bound, spread over it
            bound = np.sqrt(6 / sum(ours_p.shape[:2]))
            assert np.abs(ours_p.data).max() <= bound, name
            assert np.abs(ours_p.data).max() > 0.9 * bound, name
        elif np.ptp(theirs_p.detach().numpy()) == 0:  # norms' ones and zeros, attention's
            np.testing.assert_array_equal(ours_p.data, theirs_p.detach().numpy(), err_msg=name)


def test_square_subsequent_mask_is_torchs():
    for size in (1, 2, 5):
        np.testing.assert_array_equal(nn.Transformer.generate_square_subsequent_mask(size),
                                      torch.nn.Transformer.generate_square_subsequent_mask(size))
    assert nn.Transformer.generate_square_subsequent_mask(3).dtype == np.float32


@pytest.mark.parametrize("kwargs", [dict(device="cpu"), dict(device=None, dtype="float64"),
                                    dict(dtype="float32"), dict(device="cpu", dtype="float64")])
def test_square_subsequent_mask_takes_torchs_device_and_dtype(kwargs):
    theirs = torch.nn.Transformer.generate_square_subsequent_mask(
        4, **{k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()})
    for dtype in {kwargs.get("dtype"), str(theirs.dtype)} - {None}:  # NumPy's and torch's
        ours = nn.Transformer.generate_square_subsequent_mask(4, **kwargs | {"dtype": dtype})
        assert ours.dtype == theirs.numpy().dtype
        np.testing.assert_array_equal(ours, theirs.numpy())


def test_transformer_learns_to_copy_a_sequence():
    """A tiny model trained with teacher forcing copies short random sequences (learned
    position embeddings tell it which source step to read)."""
    import optim
    rng = np.random.default_rng(0)
    vocab, length, d = 6, 5, 16
    np.random.seed(0)
    embed, model = nn.Embedding(vocab, d), nn.Transformer(d, 2, 1, 1, 32, dropout=0.0,
                                                          batch_first=True)
    position, head = nn.Embedding(length, d), nn.Linear(d, vocab)
    params = [p for m in (embed, position, model, head) for p in m.parameters()]
    opt = optim.Adam(params, lr=0.01)
    mask = nn.Transformer.generate_square_subsequent_mask(length)

    def logits(src):
        tgt = np.concatenate([np.zeros((len(src), 1), int), src[:, :-1]], axis=1)  # shifted
        at = position(np.arange(length))
        return head(model(embed(src) + at, embed(tgt) + at, tgt_mask=mask))

    for _ in range(150):
        src = rng.integers(1, vocab, (32, length))
        loss = nn.functional.cross_entropy(logits(src).reshape(-1, vocab), src.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    src = rng.integers(1, vocab, (64, length))
    accuracy = (logits(src).data.argmax(-1) == src).mean()
    assert accuracy > 0.9, accuracy


@pytest.mark.parametrize("src, tgt, message", [
    ((5, 3, 8), (4, 2, 8), "batch number of src and tgt must be equal"),
    ((5, 3, 8), (4, 3, 6), r"feature number of src and tgt must be equal to d_model \(8\)"),
    ((5, 3, 8), (4, 8), "batch number"),
])
def test_transformer_errors_name_the_shapes(src, tgt, message):
    model = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(ValueError, match=message):
        model(Variable(np.zeros(src, np.float32)), Variable(np.zeros(tgt, np.float32)))


def test_decoder_errors_name_the_problem():
    with pytest.raises(ValueError, match="TransformerDecoderLayer: activation must be"):
        nn.TransformerDecoderLayer(8, 2, activation="swish")
    with pytest.raises(ValueError, match="num_layers"):
        nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2), 0)


def test_encoder_takes_torchs_nested_tensor_switches():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)
    fast = nn.TransformerEncoder(layer, 1, enable_nested_tensor=True)
    plain = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False, mask_check=False)
    plain.load_state_dict(fast.state_dict())
    x = np.random.default_rng(0).normal(size=(_T, _N, 8)).astype(np.float32)
    np.testing.assert_array_equal(fast(x).data, plain(x).data)
