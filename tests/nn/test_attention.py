"""Attention against PyTorch (float64): F.scaled_dot_product_attention,
nn.MultiheadAttention (weights copied from a PyTorch twin) and nn.TransformerEncoderLayer."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable

torch = pytest.importorskip("torch")


def _compare(ours_fn, theirs_fn, arrays, rng, tol=1e-10):
    """Run both on `arrays` (float64), back-propagate the same random cotangents through
    every output; assert equal outputs and input gradients. Returns our input Variables."""
    xs = [Variable(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ys, yts = _as_tuple(ours_fn(*xs)), _as_tuple(theirs_fn(*ts))
    assert len(ys) == len(yts)
    loss, loss_t = 0, 0
    for y, yt in zip(ys, yts):
        if y is None:
            assert yt is None
            continue
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=tol, atol=tol)
        g = rng.normal(size=y.shape)
        loss = loss + (y * Variable(g)).sum()
        loss_t = loss_t + (yt * torch.tensor(g)).sum()
    loss.backward()
    loss_t.backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=tol, atol=tol)
    return xs


def _as_tuple(y):
    return tuple(y) if isinstance(y, tuple) else (y,)


def _torch_kwargs(kwargs):
    return {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


# ----- F.scaled_dot_product_attention -----
@settings(max_examples=25, deadline=None)
@given(batch=st.lists(st.integers(1, 3), max_size=2), length=st.integers(1, 4),
       source=st.integers(1, 4), e=st.integers(1, 4), ev=st.integers(1, 3),
       mask=st.sampled_from(["none", "bool", "float", "causal"]),
       scale=st.sampled_from([None, 0.7]),
       seed=st.integers(0, 2 ** 16))
def test_sdpa_matches_torch(batch, length, source, e, ev, mask, scale, seed):
    rng = np.random.default_rng(seed)
    batch = tuple(batch)
    arrays = [rng.normal(size=batch + (length, e)), rng.normal(size=batch + (source, e)),
              rng.normal(size=batch + (source, ev))]
    kwargs = {"scale": scale}
    if mask == "bool":  # rows with nothing to attend to included: PyTorch gives them zeros
        kwargs["attn_mask"] = rng.random((length, source)) < 0.6
    elif mask == "float":
        kwargs["attn_mask"] = rng.normal(size=batch[-1:] + (length, source))
    elif mask == "causal":
        kwargs["is_causal"] = True
    _compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kwargs),
             lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(
                 q, k, v, **_torch_kwargs(kwargs)), arrays, rng)


def test_sdpa_float_mask_variable_gets_torchs_gradient():
    rng = np.random.default_rng(1)
    arrays = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 2)),
              rng.normal(size=(3, 5))]
    _compare(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
             lambda q, k, v, m: torch.nn.functional.scaled_dot_product_attention(
                 q, k, v, attn_mask=m), arrays, rng)


def test_sdpa_second_order_gradients():
    rng = np.random.default_rng(2)
    q, k, v = rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    mask = np.tril(np.ones((2, 4), bool))
    ag.gradgradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                     q, k, v)


def test_sdpa_dropout_is_on_when_training_and_off_in_test_mode():
    rng = np.random.default_rng(3)
    q, k, v = (rng.normal(size=(4, 6, 3)) for _ in range(3))
    plain = F.scaled_dot_product_attention(q, k, v).data
    np.random.seed(0)
    dropped = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).data
    assert not np.allclose(dropped, plain)
    with ag.test_mode():
        np.testing.assert_array_equal(
            F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).data, plain)
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).data,
                                  np.zeros_like(plain))


@pytest.mark.parametrize("args, kwargs, message", [
    (((2, 3), (4, 5), (4, 5)), {}, "same last axis"),
    (((2, 3), (4, 3), (5, 3)), {}, "same length"),
    (((3,), (4, 3), (4, 3)), {}, "at least 2-D"),
    (((2, 2, 3), (3, 4, 3), (3, 4, 3)), {}, "batch"),
    (((2, 3), (4, 3), (4, 3)), {"attn_mask": np.ones((3, 4), bool)}, "attn_mask of shape"),
    (((2, 3), (4, 3), (4, 3)), {"attn_mask": np.ones((2, 4), int)}, "boolean or floating"),
    # an integer Variable was added to the scores as if it were a float mask
    (((2, 3), (4, 3), (4, 3)), {"attn_mask": Variable(np.ones((2, 4), int))},
     "boolean or floating"),
    # a mask with more batch axes than the scores broadcast the output to (2, 2, 3)
    (((2, 3), (4, 3), (4, 3)), {"attn_mask": np.ones((2, 2, 4), bool)},
     r"attn_mask of shape \(2, 2, 4\) does not broadcast to the scores' shape \(2, 4\)"),
    (((2, 3), (4, 3), (4, 3)), {"attn_mask": np.zeros((2, 2, 4))}, "scores' shape"),
    (((2, 3), (4, 3), (4, 3)), {"attn_mask": np.ones((2, 4), bool), "is_causal": True},
     "not both"),
    (((2, 3), (4, 3), (4, 3)), {"dropout_p": 1.5}, "dropout_p"),
])
def test_sdpa_errors_name_the_problem(args, kwargs, message):
    arrays = [np.zeros(shape) for shape in args]
    with pytest.raises(ValueError if "boolean" not in message else TypeError, match=message):
        F.scaled_dot_product_attention(*arrays, **kwargs)


def test_sdpa_mask_may_take_the_keys_batch_axes():
    """The scores' shape is the query's and the key's batch axes broadcast together: a mask
    of the key's batch fits them, as in PyTorch."""
    rng = np.random.default_rng(7)
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(5, 2))]
    mask = rng.random((2, 3, 5)) < 0.7
    _compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
             lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(
                 q, k, v, attn_mask=torch.tensor(mask)), arrays, rng)


def test_sdpa_of_empty_features_averages_the_values_as_torch():
    """E = 0: every score is an empty dot product (0), so each query averages the values;
    the default scale 1/sqrt(0) raised ZeroDivisionError."""
    rng = np.random.default_rng(8)
    arrays = [rng.normal(size=(2, 3, 0)), rng.normal(size=(2, 5, 0)), rng.normal(size=(2, 5, 3))]
    _compare(F.scaled_dot_product_attention, torch.nn.functional.scaled_dot_product_attention,
             arrays, rng)


# ----- nn.MultiheadAttention -----
def _twins(module_kwargs, cls="MultiheadAttention", args=(8, 2)):
    ours = getattr(nn, cls)(*args, dtype=np.float64, **module_kwargs)
    theirs = getattr(torch.nn, cls)(*args, dtype=torch.float64, **module_kwargs)
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    for name, value in theirs.state_dict().items():
        assert state[name].shape == tuple(value.shape), name
    theirs.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return ours, theirs


def _parameter_grads_match(ours, theirs, tol=1e-10):
    theirs_params = dict(theirs.named_parameters())
    for name, param in ours.named_parameters():
        np.testing.assert_allclose(param.grad.data, theirs_params[name].grad.numpy(),
                                   rtol=tol, atol=tol, err_msg=name)


_L, _S, _N = 4, 5, 3
_MASKS = {
    "bool_attn": lambda rng: {"attn_mask": rng.random((_L, _S)) < 0.3},
    "float_attn_per_head": lambda rng: {"attn_mask": rng.normal(size=(_N * 2, _L, _S))},
    "bool_padding": lambda rng: {"key_padding_mask": np.arange(_S) >= np.array([[5], [3], [4]])},
    "float_padding": lambda rng: {"key_padding_mask": rng.normal(size=(_N, _S))},
    "both": lambda rng: {"attn_mask": np.triu(np.ones((_L, _S), bool), 1),
                         "key_padding_mask": np.arange(_S) >= np.array([[5], [3], [4]]),
                         "is_causal": True},
}


@pytest.mark.parametrize("module_kwargs, masks, call_kwargs", [
    ({}, None, {}),
    ({"batch_first": True}, "both", {}),
    ({"kdim": 3, "vdim": 5}, "bool_padding", {}),
    ({"add_bias_kv": True, "add_zero_attn": True}, "both", {}),
    ({"bias": False}, "float_attn_per_head", {}),
    ({}, "bool_attn", {"average_attn_weights": False}),
    ({}, "float_padding", {"need_weights": False}),
    ({"batch_first": True}, "bool_padding", {"need_weights": False}),
])
def test_multihead_attention_matches_torch(module_kwargs, masks, call_kwargs):
    rng = np.random.default_rng(4)
    ours, theirs = _twins(module_kwargs)
    kdim, vdim = module_kwargs.get("kdim", 8), module_kwargs.get("vdim", 8)

    def shape(length, size):
        return (_N, length, size) if module_kwargs.get("batch_first") else (length, _N, size)

    arrays = [rng.normal(size=shape(_L, 8)), rng.normal(size=shape(_S, kdim)),
              rng.normal(size=shape(_S, vdim))]
    kwargs = {**(_MASKS[masks](rng) if masks else {}), **call_kwargs}
    _compare(lambda q, k, v: ours(q, k, v, **kwargs),
             lambda q, k, v: theirs(q, k, v, **_torch_kwargs(kwargs)), arrays, rng)
    _parameter_grads_match(ours, theirs)


def test_multihead_attention_unbatched_matches_torch():
    rng = np.random.default_rng(5)
    ours, theirs = _twins({})
    arrays = [rng.normal(size=(_L, 8)), rng.normal(size=(_S, 8)), rng.normal(size=(_S, 8))]
    attn_mask = (rng.random((2, _L, _S)) < 0.3) & (np.arange(_S) > 0)  # no row fully masked
    kwargs = {"key_padding_mask": np.arange(_S) >= 4, "attn_mask": attn_mask,
              "average_attn_weights": False}
    _compare(lambda q, k, v: ours(q, k, v, **kwargs),
             lambda q, k, v: theirs(q, k, v, **_torch_kwargs(kwargs)), arrays, rng)
    _parameter_grads_match(ours, theirs)


def test_multihead_attention_parameters_are_torchs():
    layer = nn.MultiheadAttention(6, 3)
    assert [(name, p.shape) for name, p in layer.named_parameters()] == [
        ("in_proj_weight", (18, 6)), ("in_proj_bias", (18,)), ("out_proj.weight", (6, 6)),
        ("out_proj.bias", (6,))]
    assert layer.in_proj_weight.dtype == np.float32
    np.testing.assert_array_equal(layer.in_proj_bias.data, 0)
    bound = np.sqrt(6 / (6 + 18))  # Xavier-uniform over the stacked (3E, E) matrix
    assert np.abs(layer.in_proj_weight.data).max() <= bound
    separate = nn.MultiheadAttention(6, 2, kdim=4, vdim=5, add_bias_kv=True)
    assert [name for name, _ in separate.named_parameters()] == [
        "q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "bias_k", "bias_v",
        "out_proj.weight", "out_proj.bias"]  # a module's own parameters before its children's


def test_multihead_attention_dropout_follows_train_and_eval():
    rng = np.random.default_rng(6)
    layer = nn.MultiheadAttention(8, 2, dropout=0.5, dtype=np.float64)
    x = rng.normal(size=(_L, _N, 8))
    layer.eval()
    evaluated = layer(x, x, x)[0].data
    layer.train()
    np.random.seed(0)
    assert not np.allclose(layer(x, x, x)[0].data, evaluated)
    dropless = nn.MultiheadAttention(8, 2, dtype=np.float64)
    dropless.load_state_dict(layer.state_dict())
    np.testing.assert_allclose(dropless(x, x, x)[0].data, evaluated, rtol=1e-12)


@pytest.mark.parametrize("build, call, message", [
    (lambda: nn.MultiheadAttention(6, 4), None, "divisible"),
    (lambda: nn.MultiheadAttention(8, 2), lambda m: m(np.zeros((3, 2, 8)), np.zeros((3, 2, 8)),
                                                      np.zeros((3, 2, 7))), "last axes"),
    (lambda: nn.MultiheadAttention(8, 2), lambda m: m(np.zeros((3, 2, 8)), np.zeros((4, 2, 8)),
                                                      np.zeros((3, 2, 8))), "same length"),
    (lambda: nn.MultiheadAttention(8, 2), lambda m: m(np.zeros((3, 8)), np.zeros((3, 2, 8)),
                                                      np.zeros((3, 2, 8))), "all 2-D"),
    (lambda: nn.MultiheadAttention(8, 2), lambda m: m(*[np.zeros((3, 2, 8))] * 3,
                                                      attn_mask=np.zeros((3, 4))), "attn_mask"),
    (lambda: nn.MultiheadAttention(8, 2), lambda m: m(*[np.zeros((3, 2, 8))] * 3,
                                                      key_padding_mask=np.zeros((3, 2), bool)),
     "key_padding_mask"),
    (lambda: nn.MultiheadAttention(8, 2), lambda m: m(*[np.zeros((3, 2, 8))] * 3,
                                                      is_causal=True), "causal attn_mask"),
    # an unbatched call's padding mask is (S,), which the message called (N, S)
    (lambda: nn.MultiheadAttention(8, 2), lambda m: m(*[np.zeros((3, 8))] * 3,
                                                      key_padding_mask=np.zeros((1, 3), bool)),
     r"key_padding_mask of shape \(1, 3\) does not fit: expected \(3,\) \(S,\), unbatched"),
])
def test_multihead_attention_errors_name_the_problem(build, call, message):
    with pytest.raises(ValueError, match=message):
        call(build())


# ----- nn.TransformerEncoderLayer -----
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation, batch_first", [("relu", False), ("gelu", True)])
def test_transformer_encoder_layer_matches_torch(norm_first, activation, batch_first):
    rng = np.random.default_rng(7)
    kwargs = {"dim_feedforward": 16, "dropout": 0.0, "activation": activation,
              "batch_first": batch_first, "norm_first": norm_first}
    ours, theirs = _twins(kwargs, "TransformerEncoderLayer", (8, 2))
    shape = (_N, _L, 8) if batch_first else (_L, _N, 8)
    masks = {"src_mask": np.triu(np.ones((_L, _L), bool), 1), "is_causal": True,
             "src_key_padding_mask": np.arange(_L) >= np.array([[4], [2], [3]])}
    _compare(lambda x: ours(x, **masks), lambda x: theirs(x, **_torch_kwargs(masks)),
             [rng.normal(size=shape)], rng)
    _parameter_grads_match(ours, theirs)


@pytest.mark.parametrize("block", ["TransformerEncoderLayer", "TransformerDecoderLayer"])
def test_transformer_blocks_have_torchs_defaults_and_names(block):
    ours, theirs = getattr(nn, block)(8, 2), getattr(torch.nn, block)(8, 2)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert ours.linear1.out_features == 2048 and ours.dropout.p == 0.1
    assert not ours.norm_first and not ours.self_attn.batch_first
    assert all(p.dtype == np.float32 for p in ours.parameters())


def test_transformer_encoder_layer_dropout_only_in_training():
    rng = np.random.default_rng(8)
    ours, theirs = _twins({"dim_feedforward": 16, "dropout": 0.5}, "TransformerEncoderLayer",
                          (8, 2))
    x = rng.normal(size=(_L, _N, 8))
    ours.eval()
    theirs.eval()
    evaluated = ours(x).data
    with torch.no_grad():
        np.testing.assert_allclose(evaluated, theirs(torch.tensor(x)).numpy(), rtol=1e-10,
                                   atol=1e-10)
    ours.train()
    np.random.seed(0)
    assert not np.allclose(ours(x).data, evaluated)


def test_transformer_encoder_layer_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="activation must be 'relu', 'gelu'"):
        nn.TransformerEncoderLayer(8, 2, activation="swish")


def test_multihead_attention_float_mask_variable_gets_torchs_gradient():
    rng = np.random.default_rng(9)
    ours, theirs = _twins({"add_bias_kv": True, "batch_first": True})
    arrays = [rng.normal(size=(_N, _S, 8)), rng.normal(size=(_L, _S))]  # x, attn_mask
    _compare(lambda x, m: ours(x[:, :_L], x, x, attn_mask=m),
             lambda x, m: theirs(x[:, :_L], x, x, attn_mask=m), arrays, rng)
    _parameter_grads_match(ours, theirs)


def test_transformer_encoder_stacks_independent_copies_as_torch():
    rng = np.random.default_rng(3)
    kwargs = dict(dim_feedforward=16, dropout=0.0, dtype=np.float64)
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, **kwargs), 2,
                                 norm=nn.LayerNorm(8).double())
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, 0.0, dtype=torch.float64)
    theirs = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(
        8, dtype=torch.float64), enable_nested_tensor=False)
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    assert ours.layers[0].linear1.weight is not ours.layers[1].linear1.weight
    mask = {"src_key_padding_mask": np.arange(_L) >= np.array([[4], [2], [3]])}
    _compare(lambda x: ours(x, **mask), lambda x: theirs(x, **_torch_kwargs(mask)),
             [rng.normal(size=(_L, _N, 8))], rng)
    _parameter_grads_match(ours, theirs)


def test_grouped_query_attention_repeats_each_key_and_value_head_for_its_queries():
    """enable_gqa (PyTorch's): 6 query heads over 2 key/value heads, each serving 3 in a
    row; the same as the heads repeated by hand, values and gradients alike."""
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(s) for s in ((2, 6, 4, 8), (2, 2, 5, 8), (2, 2, 5, 3)))
    g = rng.standard_normal((2, 6, 4, 3))
    grouped = [Variable(a) for a in (q, k, v)]
    out = F.scaled_dot_product_attention(*grouped, is_causal=True, enable_gqa=True)
    out.backward(g)
    repeated = [Variable(q)] + [Variable(np.repeat(a, 3, axis=-3)) for a in (k, v)]
    expected = F.scaled_dot_product_attention(*repeated, is_causal=True)
    expected.backward(g)
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-12)
    np.testing.assert_allclose(grouped[0].grad.data, repeated[0].grad.data, rtol=1e-12)
    for mine, by_hand in zip(grouped[1:], repeated[1:]):
        summed = by_hand.grad.data.reshape(2, 2, 3, *by_hand.shape[-2:]).sum(axis=2)
        np.testing.assert_allclose(mine.grad.data, summed, rtol=1e-12)
    with pytest.raises(ValueError, match="a divisor of the query's"):
        F.scaled_dot_product_attention(Variable(q), Variable(k[:, :1].repeat(4, axis=1)),
                                       Variable(v[:, :1].repeat(4, axis=1)), enable_gqa=True)


def test_float16_attention_scores_in_float32_as_pytorch():
    """The scores were rounded to float16 before the softmax: 0.025 off at q, k of scale 4
    (PyTorch: 0.001)."""
    rng = np.random.default_rng(0)
    q, k, v = [(rng.normal(size=(1, 2, 64, 32)) * s).astype(np.float16) for s in (4, 4, 1)]
    exact = F.scaled_dot_product_attention(*[Variable(a.astype(np.float64)) for a in (q, k, v)])
    mask = rng.random((64, 64)) > 0.3
    for attn_mask in (None, mask, np.where(mask, 0.0, -np.inf).astype(np.float16)):
        found = F.scaled_dot_product_attention(Variable(q), Variable(k), Variable(v),
                                               attn_mask=attn_mask)
        expected = exact if attn_mask is None else F.scaled_dot_product_attention(
            *[Variable(a.astype(np.float64)) for a in (q, k, v)], attn_mask=mask)
        assert found.dtype == np.float16
        assert np.abs(found.data - expected.data).max() < 5e-3
