"""nn.Module: registration order, dotted names, state_dict, modes, freezing, devices and
printing."""
import os
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import Parameter, Variable
from nn.module import StateDictKeyError

from .._helpers import ROOT
from ._helpers import Block, assert_same_state, snapshot

# ----- registration -----

def test_parameters_come_in_assignment_order_with_dotted_names():
    names = [name for name, _ in Block().named_parameters()]
    assert names == ["zeta", "mid", "alpha.weight", "alpha.bias", "layers.0.weight",
                     "layers.0.bias", "layers.2.weight", "layers.2.bias"]


def test_state_dict_holds_parameters_then_buffers_then_children():
    assert list(Block().state_dict()) == [
        "zeta", "mid", "running", "alpha.weight", "alpha.bias", "layers.0.weight",
        "layers.0.bias", "layers.2.weight", "layers.2.bias"]


def test_parameters_match_named_parameters_and_skip_none():
    model = Block()
    model.layers[0].bias = None
    assert [id(p) for p in model.parameters()] == [id(p) for _, p in model.named_parameters()]
    assert "layers.0.bias" not in dict(model.named_parameters())
    assert "layers.0.bias" not in model.state_dict()


def test_shared_parameter_is_listed_once():
    model = nn.Module()
    model.a = nn.Linear(2, 2)
    model.b = nn.Linear(2, 2)
    model.b.weight = model.a.weight
    assert [n for n, _ in model.named_parameters()] == ["a.weight", "a.bias", "b.bias"]


def test_unnamed_walks_list_what_the_named_ones_list_in_their_order():
    # parameters(), buffers() and modules() walk without names (faster): shared modules,
    # shared parameters, a module held at two places and None entries included
    model = Block()
    shared = nn.Linear(2, 2)
    model.first, model.again = shared, nn.Sequential(nn.ReLU(), shared)
    model.tied = nn.Linear(2, 2)
    model.tied.weight = model.alpha.weight
    model.layers[0].bias = None
    model.register_buffer("none_yet", None)
    assert [id(p) for p in model.parameters()] == [id(p) for _, p in model.named_parameters()]
    assert [id(b) for b in model.buffers()] == [id(b) for _, b in model.named_buffers()]
    assert [id(m) for m in model.modules()] == [id(m) for _, m in model.named_modules()]
    assert [id(p) for p in model.parameters(recurse=False)] == [
        id(p) for _, p in model.named_parameters(recurse=False)]


def test_a_subclass_naming_its_own_parameters_decides_what_parameters_gives():
    class OnlyWeights(nn.Linear):
        def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
            return ((n, p) for n, p in super().named_parameters(prefix, recurse)
                    if n.endswith("weight"))

    layer = OnlyWeights(2, 2)
    assert [id(p) for p in layer.parameters()] == [id(layer.weight)]


def test_a_subclass_walking_its_own_modules_decides_what_parameters_and_buffers_give():
    class HiddenHead(nn.Module):  # its walk leaves out `head` (PyTorch's parameters follow)
        def __init__(self):
            super().__init__()
            self.body, self.head = nn.BatchNorm1d(2), nn.BatchNorm1d(2)

        def named_modules(self, prefix="", remove_duplicate=True):
            return ((n, m) for n, m in super().named_modules(prefix, remove_duplicate)
                    if not n.endswith("head"))

    model = HiddenHead()
    assert [id(p) for p in model.parameters()] == [id(p) for _, p in model.named_parameters()]
    assert [id(b) for b in model.buffers()] == [id(b) for _, b in model.named_buffers()]
    assert len(list(model.parameters())) == 2


def test_children_and_modules():
    model = Block()
    assert [n for n, _ in model.named_children()] == ["alpha", "layers"]
    assert [type(m).__name__ for m in model.children()] == ["Linear", "ModuleList"]
    names = [n for n, _ in model.named_modules()]
    assert names == ["", "alpha", "layers", "layers.0", "layers.1", "layers.2"]
    assert next(model.modules()) is model


def test_reassigning_keeps_position_and_changing_kind_moves_registry():
    model = Block()
    model.zeta = Parameter(np.zeros((2, 3), np.float32))
    assert [n for n, _ in model.named_parameters()][0] == "zeta"
    with pytest.raises(TypeError, match="cannot assign the module"):  # (PyTorch's rule)
        model.mid = nn.ReLU()
    del model.mid
    model.mid = nn.ReLU()
    assert "mid" not in dict(model.named_parameters())
    assert "mid" in dict(model.named_children())


def test_deleting_an_attribute_unregisters_it():
    model = Block()
    del model.mid
    del model.alpha
    assert "mid" not in dict(model.named_parameters())
    assert "alpha" not in dict(model.named_children())


def test_plain_variable_cannot_replace_a_parameter():
    model = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="weight"):
        model.weight = Variable(np.ones((3, 2)))


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.w = Parameter(np.ones(2))

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_register_parameter_and_buffer_validate_names_and_types():
    model = nn.Module()
    with pytest.raises(KeyError, match="without '.'"):
        model.register_parameter("a.b", Parameter(np.ones(1)))
    with pytest.raises(TypeError, match="Parameter or None"):
        model.register_parameter("w", np.ones(1))
    with pytest.raises(TypeError, match="must be numeric"):
        model.register_buffer("b", np.array(["x"]))


def test_non_persistent_buffer_is_not_saved():
    model = nn.Module()
    model.register_buffer("kept", np.zeros(2))
    model.register_buffer("scratch", np.zeros(2), persistent=False)
    assert list(model.state_dict()) == ["kept"]
    assert [n for n, _ in model.named_buffers()] == ["kept", "scratch"]


def test_assigning_to_a_buffer_name_updates_the_buffer():
    model = nn.Module()
    model.register_buffer("mean", np.zeros(3))
    model.mean = np.ones(3)
    np.testing.assert_array_equal(model.state_dict()["mean"], np.ones(3))


def test_parameter_order_is_the_same_under_different_hash_seeds():
    code = ("import nn, numpy as np\n"
            "from autograd import Parameter\n"
            "class M(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        for name in ['q', 'b', 'zz', 'a', 'm', 'c1', 'x']:\n"
            "            setattr(self, name, Parameter(np.zeros(1)))\n"
            "        self.sub = nn.Linear(2, 2)\n"
            "print(','.join(n for n, _ in M().named_parameters()))\n")
    outputs = set()
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=ROOT)
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True, cwd=ROOT)
        outputs.add(run.stdout.strip())
    assert outputs == {"q,b,zz,a,m,c1,x,sub.weight,sub.bias"}


# ----- state_dict -----

def test_state_dict_is_a_copy():
    model = nn.Linear(2, 3)
    state = model.state_dict()
    state["weight"][...] = 7
    assert not np.any(model.weight.data == 7)


def test_state_dict_round_trip_into_a_fresh_model():
    np.random.seed(0)
    source, target = Block(), Block()
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert_same_state(target, source.state_dict())
    x = np.random.randn(4, 2).astype(np.float32)
    np.testing.assert_array_equal(source(x).data, target(x).data)


def test_load_copies_into_existing_arrays_and_keeps_dtype():
    model = nn.Linear(2, 3)
    weight_array = model.weight.data
    model.load_state_dict({"weight": np.ones((3, 2), np.float64), "bias": np.zeros(3)})
    assert model.weight.data is weight_array
    assert model.weight.dtype == np.float32
    np.testing.assert_array_equal(model.weight.data, 1)


def test_integers_that_do_not_fit_the_buffer_dtype_are_refused_not_wrapped():
    model = nn.Module()
    model.register_buffer("count", np.array([3], np.int32))
    with pytest.raises(ValueError, match=r"'count' holds values from 1099511627776 to "
                                         r"1099511627776.*int32"):
        model.load_state_dict({"count": np.array([2 ** 40], np.int64)})
    np.testing.assert_array_equal(model.count, [3])
    model.load_state_dict({"count": np.array([-7], np.int64)})  # in range: loads
    np.testing.assert_array_equal(model.count, [-7])


def test_float64_values_beyond_float32_are_refused_not_made_inf(tmp_path):
    model = nn.Sequential(nn.Linear(2, 3))
    before = model[0].weight.data.copy()
    huge = {k: np.full(v.shape, 1e300) for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match=r"'0.weight' holds values up to 1e\+300.*float32"):
        model.load_state_dict(huge)
    np.savez(tmp_path / "huge.npz", **huge)
    with pytest.raises(ValueError, match="would load as inf"):
        model.load_weights(tmp_path / "huge.npz")
    np.testing.assert_array_equal(model[0].weight.data, before)
    fits = {k: np.full(v.shape, 1e30) for k, v in model.state_dict().items()}
    fits["0.bias"][0] = np.inf  # (an inf that was saved loads as inf)
    model.load_state_dict(fits)
    assert model[0].bias.data[0] == np.inf and model[0].weight.dtype == np.float32


def test_strict_load_names_missing_and_unexpected_keys_and_changes_nothing():
    model = Block()
    before = snapshot(model)
    state = model.state_dict()
    del state["alpha.bias"]
    state["extra.weight"] = np.zeros(2)
    for key in state:
        state[key] = np.zeros_like(state[key])
    with pytest.raises(StateDictKeyError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert "missing key(s): 'alpha.bias'" in message
    assert "unexpected key(s): 'extra.weight'" in message
    assert isinstance(info.value, KeyError)
    assert_same_state(model, before)


def test_shape_mismatch_names_the_key_and_changes_nothing():
    model = Block()
    before = snapshot(model)
    state = {k: np.zeros_like(v) for k, v in model.state_dict().items()}
    state["layers.2.weight"] = np.zeros((2, 5))
    with pytest.raises(ValueError, match=r"'layers.2.weight'.*\(1, 5\).*\(2, 5\)"):
        model.load_state_dict(state)
    assert_same_state(model, before)


def test_non_strict_load_reports_keys_and_loads_the_rest():
    model = nn.Linear(2, 3)
    result = model.load_state_dict({"weight": np.ones((3, 2)), "other": np.ones(1)},
                                   strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(model.weight.data, 1)


def test_non_numeric_value_is_rejected():
    model = nn.Linear(1, 1)
    with pytest.raises(ValueError, match="'bias'"):
        model.load_state_dict({"weight": np.ones((1, 1)), "bias": np.array(["a"])})


def test_loading_builds_an_unbuilt_lazy_layer_from_the_arrays():
    source = nn.Linear(2, 3)
    layer = nn.Linear(3)
    placeholders = list(layer.parameters())
    assert layer.load_state_dict(source.state_dict()) == ([], [])
    assert layer.built and layer.in_features == 2 and list(layer.parameters()) == placeholders
    np.testing.assert_array_equal(layer.weight.data, source.weight.data)
    np.testing.assert_array_equal(layer.bias.data, source.bias.data)


@pytest.mark.parametrize("state, match", [
    ({"weight": np.zeros((4, 2)), "bias": np.zeros(3)}, r"weight of shape \(4, 2\)"),
    ({"weight": np.zeros((3, 2)), "bias": np.zeros(4)}, r"'bias' of shape \(4,\)"),
    ({"weight": np.zeros((3, 2)), "bias": np.array(["a"] * 3)}, "'bias' holds dtype"),
])
def test_a_lazy_layer_that_cannot_take_the_arrays_stays_unbuilt(state, match):
    layer = nn.Linear(3)
    with pytest.raises(ValueError, match=match):
        layer.load_state_dict(state)
    assert not layer.built and layer.in_features is None


def test_a_lazy_layer_missing_some_keys_still_explains_why():
    with pytest.raises(StateDictKeyError, match="not built yet"):
        nn.Linear(3).load_state_dict({"weight": np.zeros((3, 2))})


# ----- modes, gradients, freezing -----

def test_train_and_eval_reach_every_module():
    model = Block()
    assert model.training and all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_clears_every_gradient():
    model = Block()
    model(np.ones((3, 2), np.float32)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_frozen_parameters_get_no_gradient():
    model = Block()
    model.alpha.weight.requires_grad = False
    model.layers.requires_grad_(False)
    model(np.ones((3, 2), np.float32)).sum().backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    assert grads["alpha.weight"] is None and grads["layers.0.weight"] is None
    assert grads["alpha.bias"] is not None and grads["zeta"] is not None


def test_float32_model_gets_float32_gradients():
    model = Block()
    loss = F.mse_loss(model(np.random.randn(5, 2)), np.zeros((5, 1)))
    loss.backward()
    assert loss.dtype == np.float32
    for name, p in model.named_parameters():
        assert p.grad.dtype == np.float32, name


def test_apply_visits_children_first():
    seen = []
    Block().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Linear", "ReLU", "Linear", "ModuleList", "Block"]


def test_to_cpu_keeps_numpy_arrays():
    model = Block()
    assert model.to_cpu() is model
    assert all(type(p.data) is np.ndarray for p in model.parameters())


def test_to_gpu_without_cupy_says_what_is_missing():
    from autograd import cuda
    if cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="CuPy"):
        nn.Linear(2, 2).to_gpu()


def test_forward_must_be_written():
    with pytest.raises(NotImplementedError, match="Module.forward"):
        nn.Module()(1)


# ----- printing and drawing -----

def test_repr_is_nested_like_pytorch():
    model = nn.Module()
    model.fc = nn.Linear(2, 3)
    model.layers = nn.ModuleList([nn.ReLU(), nn.LeakyReLU(0.2)])
    assert repr(model) == (
        "Module(\n"
        "  (fc): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (layers): ModuleList(\n"
        "    (0): ReLU()\n"
        "    (1): LeakyReLU(negative_slope=0.2)\n"
        "  )\n"
        ")")


def test_plot_draws_the_graph_with_parameter_names(tmp_path):
    pytest.importorskip("graphviz")
    from autograd.graph import get_dot_graph
    model = Block()
    model.name_parameters()
    dot = get_dot_graph(model(np.ones((2, 2), np.float32)))
    assert "layers.2.weight" in dot and "alpha.bias" in dot
    import shutil
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot executable is not installed")
    image = model.plot(np.ones((2, 2), np.float32), to_file=tmp_path / "model.svg")
    assert (tmp_path / "model.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert image.path.endswith("model.svg")
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))  # drawing changes nothing
    net.plot(np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32),
             to_file=tmp_path / "net.svg")
    assert np.array_equal(net[1].running_mean, np.zeros(3)) and net[1].num_batches_tracked == 0
    assert all(p.name is None for p in net.parameters())


def test_plot_refuses_a_graph_past_max_nodes_before_dot_runs(tmp_path, monkeypatch):
    import autograd.graph as graph

    def run(*args, **kwargs):
        raise AssertionError("dot was started")
    monkeypatch.setattr(graph.subprocess, "run", run)
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    with pytest.raises(RuntimeError, match=r"Sequential\.plot: the graph has \d+ nodes, over "
                                           r"the limit of 3 "):
        net.plot(np.ones((4, 2), np.float32), to_file=tmp_path / "net.svg", max_nodes=3)
    assert np.array_equal(net[1].running_mean, np.zeros(3))  # put back all the same


@pytest.mark.parametrize("options, error, message", [
    ({"to_file": "model.txt"}, ValueError, "cannot draw to model.txt"),
    ({"to_file": 3}, TypeError, "to_file must be a file name"),
    ({"to_file": "no_such_folder/model.png"}, FileNotFoundError, "folder .*no_such_folder' for"),
    ({"max_nodes": -1}, ValueError, "max_nodes is a number of nodes, 0 or more"),
    ({"max_nodes": "many"}, TypeError, "max_nodes is a number of nodes")])
def test_plot_names_itself_in_its_errors_before_the_forward_runs(options, error, message,
                                                                  monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    net = nn.Sequential(nn.Linear(2, 3))
    net.register_forward_hook(lambda *args: pytest.fail("the forward ran"))
    with pytest.raises(error, match=rf"^Sequential\.plot: {message}"):
        net.plot(np.ones((4, 2), np.float32), **options)


def test_plot_puts_back_a_stateful_layers_states_and_a_layers_own_generator(tmp_path):
    # a stateful RNN's carried states and a seeded Dropout's generator moved on with the
    # drawing's forward, so later outputs differed from a model never drawn
    from nn.keras import layers
    x = np.random.default_rng(0).normal(size=(2, 4, 2)).astype(np.float32)
    model = nn.Sequential([layers.SimpleRNN(3, stateful=True)])
    model.predict(x, verbose=0)
    states = [np.array(s).copy() for s in model[0].states]
    with pytest.raises(RuntimeError, match="over the limit of 3"):  # (refused: no dot run)
        model.plot(x, to_file=tmp_path / "rnn.svg", max_nodes=3)
    assert all(np.array_equal(a, np.array(b)) for a, b in zip(states, model[0].states))

    def dropout():
        made = nn.Sequential([layers.Dropout(0.5, seed=1)])
        made.train()
        return made
    ones = Variable(np.ones((1, 8)))
    plain, drawn = dropout(), dropout()
    with pytest.raises(RuntimeError, match="over the limit of 1"):
        drawn.plot(ones, to_file=tmp_path / "dropout.svg", max_nodes=1)
    assert np.array_equal(plain(ones).data, drawn(ones).data)


def test_deepcopy_gives_an_independent_model_with_the_same_structure():
    import copy
    model = Block()
    clone = copy.deepcopy(model)
    assert list(clone.state_dict()) == list(model.state_dict())
    clone.alpha.weight.data[...] = 0
    assert np.any(model.alpha.weight.data != 0)
    assert clone.layers[0] is not model.layers[0]


def test_name_parameters_keeps_names_the_user_gave():
    model = nn.Linear(2, 2)
    model.weight.name = "W"
    model.name_parameters()
    assert (model.weight.name, model.bias.name) == ("W", "bias")


def test_load_state_dict_takes_pytorch_tensors():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Linear(3, 2)
    ours = nn.Linear(3, 2)
    ours.load_state_dict(theirs.state_dict())
    np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy())
    assert ours.weight.dtype == np.float32


def test_registering_over_an_attribute_of_another_kind_is_refused():
    layer = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="'weight' already exists"):
        layer.register_buffer("weight", np.zeros(2))
    with pytest.raises(KeyError, match="'forward' already exists"):
        layer.register_buffer("forward", np.zeros(2))
    with pytest.raises(KeyError, match="'bias' already exists"):
        layer.add_module("bias", nn.ReLU())
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    layer.register_parameter("bias", None)  # the same kind: replaced, as PyTorch


def test_train_takes_a_boolean_only():
    with pytest.raises(ValueError, match="mode must be True or False"):
        nn.Linear(2, 2).train("False")


class _Mixed(nn.Module):
    """A layer of each kind that keeps float32 parameters or buffers by default."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(5, 3)
        self.lstm = nn.LSTM(3, 4, batch_first=True)
        self.norm = nn.LayerNorm(4)
        self.batch = nn.BatchNorm1d(4)
        self.head = nn.Linear(6)  # sized at the first call

    def forward(self, tokens, extra):
        h = self.lstm(self.embed(tokens))[0][:, -1]
        return self.head(ag.concatenate([self.batch(self.norm(h)), extra], axis=1))


def test_double_converts_parameters_gradients_and_float_buffers_and_computes_in_float64():
    np.random.seed(0)
    model = _Mixed().double()
    states = dict(model.named_parameters()) | dict(model.named_buffers())
    assert {name: a.dtype for name, a in states.items() if name != "batch.num_batches_tracked"
            } == {name: np.float64 for name in states if name != "batch.num_batches_tracked"}
    assert model.batch.num_batches_tracked.dtype.kind == "i"
    tokens = np.array([[1, 2, 3], [4, 0, 1]])
    extra = np.random.default_rng(0).normal(size=(2, 2))
    out = model(tokens, extra)
    assert out.dtype == np.float64 and model.head.weight.dtype == np.float64
    model.eval()  # (batch statistics in train mode couple the rows)
    assert ag.gradcheck(lambda e: model(tokens, e), extra)
    model.float()
    assert model.lstm.weight_ih_l0.dtype == np.float32
    assert model(tokens, extra.astype(np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="dtype must be a floating-point type, got int64"):
        model.to(np.int64)


def test_plain_attributes_may_come_before_super_init_parameters_may_not():
    """PyTorch's rule (the PyTorch book's MyModel sets its sizes first)."""
    class Model(nn.Module):
        def __init__(self, size):
            self.size = size
            super().__init__()
            self.layer = nn.Linear(size, 1)

    model = Model(3)
    assert model.size == 3 and len(list(model.parameters())) == 2

    class Early(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(2, 1)
            super().__init__()

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) before assigning "
                                             r"the Linear 'layer'"):
        Early()


def test_a_pytorch_models_named_parameters_load_and_bfloat16_is_named():
    torch = pytest.importorskip("torch")
    source, model = torch.nn.Linear(3, 2), nn.Linear(3, 2)
    model.load_state_dict(dict(source.named_parameters()))  # (they require grad)
    np.testing.assert_array_equal(model.weight.data, source.weight.detach().numpy())
    halves = {k: v.to(torch.bfloat16) for k, v in source.state_dict().items()}
    with pytest.raises(ValueError, match="'weight' cannot become a NumPy array.*bfloat16"):
        model.load_state_dict(halves)


def test_training_set_before_super_init_is_named():
    """training is a property here (per-thread test mode): before Module.__init__ it has no
    state to write, so it is named, as a parameter or module is."""
    class Early(nn.Module):
        def __init__(self):
            self.training = False
            super().__init__()

    with pytest.raises(AttributeError, match="before assigning the bool 'training'"):
        Early()


def test_a_layer_held_twice_is_one_child_and_apply_visits_it_once():
    """PyTorch's rule: children and apply skip a module met before (an initialization or a
    scaling applied to a shared layer runs once), while the model still runs it twice."""
    shared = nn.Linear(1, 1)
    shared.weight.data[...] = 1
    model = nn.Sequential(shared, nn.ReLU(), shared)

    def double(module):
        if isinstance(module, nn.Linear):
            module.weight.data *= 2
    model.apply(double)
    assert shared.weight.data.item() == 2.0
    assert len(list(model.children())) == 2 and len(model) == 3


def test_a_parameter_cannot_become_a_module_and_a_list_is_no_state_dict():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign the module ReLU to parameter 'weight'"):
        layer.weight = nn.ReLU()
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    with pytest.raises(TypeError, match="expected a dict-like state_dict .name -> array., got "
                                        "list"):
        layer.load_state_dict([("weight", np.ones((2, 2)))])


def test_a_multi_line_extra_repr_is_indented_under_its_module():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.ReLU()

        def extra_repr(self):
            return "a=1,\nb=2"
    assert repr(Two()) == "Two(\n  a=1,\n  b=2\n  (inner): ReLU()\n)"


def test_get_submodule_parameter_and_buffer_follow_dotted_paths_as_torchs():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Sequential(nn.Linear(3, 1)))
    assert model.get_submodule("") is model and model.get_submodule("2.0") is model[2][0]
    assert model.get_parameter("2.0.weight") is model[2][0].weight
    assert model.get_buffer("1.running_mean") is model[1].running_mean
    with pytest.raises(AttributeError, match="has no submodule '5' .in '2.5'"):
        model.get_submodule("2.5")
    with pytest.raises(AttributeError, match="Linear at '0' has no buffer 'weight'"):
        model.get_buffer("0.weight")
    with pytest.raises(AttributeError, match="has no parameter 'nope'"):
        model.get_parameter("0.nope")


def test_to_takes_a_torch_device_and_an_arrays_dtype():
    torch = pytest.importorskip("torch")
    layer = nn.Linear(2, 2)
    assert layer.to(torch.device("cpu")) is layer and layer.weight.dtype == np.float32
    layer.to(np.zeros(1, np.float64))
    assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64
    layer.to(torch.zeros(1, dtype=torch.float32))
    assert layer.weight.dtype == np.float32


def test_forward_hooks_take_prepend_with_kwargs_and_always_call_as_torchs():
    """The same hooks on rungrad's and PyTorch's Linear run in the same order, see the same
    keyword arguments, and an always_call hook runs (output None) when forward raises."""
    torch = pytest.importorskip("torch")

    def events(linear, x, bad):
        seen = []
        layer = linear(2, 2)
        layer.register_forward_pre_hook(lambda m, a: seen.append("pre"))
        layer.register_forward_pre_hook(lambda m, a, k: seen.append(("first pre", k)),
                                        prepend=True, with_kwargs=True)
        layer.register_forward_hook(lambda m, a, o: seen.append("hook"))
        layer.register_forward_hook(lambda m, a, k, o: seen.append("first hook"), prepend=True,
                                    with_kwargs=True)
        layer.register_forward_hook(lambda m, a, o: seen.append(("always", o is None)),
                                    always_call=True)
        layer(x)
        with pytest.raises(Exception):  # noqa: B017 (each library's own error)
            layer(bad)
        return seen
    ours = events(nn.Linear, np.ones((1, 2), np.float32), np.ones((1, 3), np.float32))
    assert ours == events(torch.nn.Linear, torch.ones(1, 2), torch.ones(1, 3))
    assert ours[-1] == ("always", True)

    layer = nn.Linear(2, 2)
    layer.register_forward_pre_hook(lambda m, a, k: 3, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"returns None or \(args, kwargs\), got int"):
        layer(np.ones((1, 2), np.float32))


def test_load_state_dict_assign_takes_the_arrays_themselves_as_torchs():
    torch = pytest.importorskip("torch")
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    state = {key: np.full(value.shape, 0.5) if value.dtype.kind == "f" else value
             for key, value in model.state_dict().items()}
    model.load_state_dict(state, assign=True)
    assert model[0].weight.data is state["0.weight"]
    assert model[1].running_var is state["1.running_var"]
    assert optimizer.param_groups[0]["params"][0] is model[0].weight  # (the same Parameter)
    twin = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, assign=True)
    assert [str(a.dtype) for a in model.state_dict().values()] == [
        str(t.numpy().dtype) for t in twin.state_dict().values()]
    model(np.ones((4, 3))).sum().backward()
    optimizer.step()
    assert model[0].weight.dtype == np.float64 and model[0].weight.grad.dtype == np.float64


def test_load_state_dict_assign_refuses_integers_for_a_parameter():
    model = nn.Linear(2, 2)
    before = model.weight.data.copy()
    with pytest.raises(TypeError, match="parameter 'weight' would hold an array of dtype int64"):
        model.load_state_dict({"weight": np.ones((2, 2), np.int64), "bias": np.zeros(2)},
                              assign=True)
    np.testing.assert_array_equal(model.weight.data, before)  # (nothing written)
    frozen = np.ones((2, 2), np.float32)
    frozen.flags.writeable = False
    model.load_state_dict({"weight": frozen, "bias": np.zeros(2, np.float32)}, assign=True)
    assert model.weight.data.flags.writeable  # (a copy: an optimizer writes into it)


def test_pytorch_keywords_of_the_traversal_and_state_dict():
    """state_dict(prefix=, keep_vars=, destination=), remove_duplicate=False,
    register_module and set_submodule, as PyTorch's (a custom module calling
    super().state_dict(prefix=...) raised TypeError)."""
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 2))
    model[1].weight = nn.Parameter(np.ones((2, 3), np.float32))
    model.tie = model[0]  # a child held twice
    assert list(model.state_dict(prefix="m.")) == [f"m.{k}" for k in model.state_dict()]
    kept = model.state_dict(keep_vars=True)
    assert kept["0.weight"] is model[0].weight and kept["tie.weight"] is model[0].weight
    into = {"other": 1}
    assert model.state_dict(destination=into) is into and "0.bias" in into
    names = [name for name, _ in model.named_parameters(remove_duplicate=False)]
    assert names.count("tie.weight") == 1 and len(names) == 6
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "0", "1", "tie"]
    model.register_module("extra", nn.ReLU())
    model.set_submodule("extra", nn.Tanh())
    assert isinstance(model.extra, nn.Tanh)
    with pytest.raises(AttributeError, match="no submodule 'missing'"):
        model.set_submodule("missing.layer", nn.Tanh())


def test_module_list_pop_and_sequential_addition():
    a, b, c = nn.Linear(1, 1), nn.Linear(1, 1), nn.Linear(1, 1)
    layers = nn.ModuleList([a, b, c])
    assert layers.pop(1) is b and list(layers) == [a, c] and list(layers._modules) == ["0", "1"]
    assert layers.pop() is c and len(layers) == 1
    first, second = nn.Sequential(a, nn.ReLU()), nn.Sequential(b)
    joined = first + second
    assert list(joined) == [a, first[1], b] and len(first) == 2
    first += second
    assert list(first) == [a, first[1], b]


def test_train_and_eval_call_a_childs_own_train_as_pytorch_does():
    # a backbone keeping its BatchNorm frozen in its train(): the flags were set directly,
    # so the frozen statistics went on moving
    class Backbone(nn.Module):
        def __init__(self):
            super().__init__()
            self.bn = nn.BatchNorm1d(4)

        def train(self, mode=True):
            super().train(mode)
            self.bn.eval()
            return self

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone, self.head = Backbone(), nn.Linear(4, 2)

    net = Net().train()
    assert (net.training, net.head.training, net.backbone.bn.training) == (True, True, False)
    net.backbone.bn(np.ones((3, 4), np.float32) * 5)
    assert np.array_equal(net.backbone.bn.running_mean, np.zeros(4))


def test_a_state_dict_cast_to_float_loads_its_whole_numbers_into_integer_buffers():
    source = nn.BatchNorm1d(3)
    source(np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32))
    state = {key: np.asarray(value, np.float32) for key, value in source.state_dict().items()}
    target = nn.BatchNorm1d(3)
    target.load_state_dict(state)  # (PyTorch copies with a cast)
    assert target.num_batches_tracked == 1 and target.num_batches_tracked.dtype == np.int64
    state["num_batches_tracked"] = np.array(1.5, np.float32)
    with pytest.raises(ValueError, match="float value 1.5 is no whole number"):
        target.load_state_dict(state)


def test_load_errors_are_runtime_errors_too_and_ported_device_calls_are_taken():
    model = nn.Linear(2, 3)
    with pytest.raises(RuntimeError, match="unexpected"):  # (PyTorch raises RuntimeError)
        model.load_state_dict({**model.state_dict(), "extra": np.ones(1)})
    with pytest.raises(RuntimeError, match="shape mismatch for 'weight'"):
        model.load_state_dict({**model.state_dict(), "weight": np.ones((2, 2))})
    assert model.to("cpu", non_blocking=True) is model and model.cpu() is model


def test_state_dict_hooks_see_the_whole_prefix():
    model, seen = nn.Sequential(nn.Linear(1, 1)), []
    model[0].register_state_dict_pre_hook(lambda module, prefix, keep_vars: seen.append(prefix))
    model[0].register_state_dict_post_hook(
        lambda module, state, prefix, meta: seen.append(prefix))
    assert list(model.state_dict(prefix="model.")) == ["model.0.weight", "model.0.bias"]
    assert seen == ["model.0.", "model.0."]


def test_extra_state_goes_into_the_state_dict_and_back_as_pytorchs():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.steps, self.linear = 0, nn.Linear(2, 2)

        def get_extra_state(self):
            return {"steps": self.steps}

        def set_extra_state(self, state):
            self.steps = state["steps"]

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.counter = Counter()

    source, target = Outer(), Outer()
    source.counter.steps = 41
    state = source.state_dict()
    assert state["counter._extra_state"] == {"steps": 41}
    target.load_state_dict(state)
    assert target.counter.steps == 41
    del state["counter._extra_state"]
    with pytest.raises(RuntimeError, match="missing key.*'counter._extra_state'"):
        target.load_state_dict(state)
    with pytest.raises(TypeError, match="'counter._extra_state' holds a dict"):
        source.save_weights("unused.npz")  # (refused before any file is written)
    with pytest.raises(RuntimeError, match="override it"):
        nn.Linear(2, 2).get_extra_state()


def test_a_childs_own_state_dict_shapes_the_parents_as_pytorchs():
    class WithoutBias(nn.Linear):
        def state_dict(self, *, destination=None, prefix="", keep_vars=False):
            state = super().state_dict(destination=destination, prefix=prefix,
                                       keep_vars=keep_vars)
            state.pop(prefix + "bias")
            return state

    class Parent(nn.Module):
        def __init__(self):
            super().__init__()
            self.child, self.plain = WithoutBias(2, 2), nn.Linear(2, 1)

    parent = Parent()
    assert list(parent.state_dict()) == ["child.weight", "plain.weight", "plain.bias"]
    assert list(parent.state_dict(prefix="m.")) == ["m.child.weight", "m.plain.weight",
                                                    "m.plain.bias"]
    assert parent.state_dict(keep_vars=True)["plain.weight"] is parent.plain.weight


def test_a_shared_module_with_extra_state_loads_its_own_state_dict():
    class Held(nn.Module):
        def get_extra_state(self):
            return {"k": 1}

        def set_extra_state(self, state):
            self.got = state

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = self.b = Held()
            self.linear = nn.Linear(1, 1)

    net = Net()
    assert list(net.state_dict()) == ["a._extra_state", "b._extra_state", "linear.weight",
                                      "linear.bias"]
    net.load_state_dict(net.state_dict())
    net.register_state_dict_pre_hook(lambda module, prefix, keep_vars: None)
    net.load_state_dict(net.state_dict())  # (with a hook: the same keys)
    state = {k: np.asarray(v, np.float64) for k, v in nn.BatchNorm1d(2).state_dict().items()}
    state["num_batches_tracked"] = np.array(2.0 ** 63)  # (rounds to int64's max + 1)
    with pytest.raises(ValueError, match="do not fit its dtype int64"):
        nn.BatchNorm1d(2).load_state_dict(state)


def test_a_layer_replaced_in_the_registry_is_the_one_forward_runs():
    """PyTorch's layer-replacement idiom wrote into _modules: forward kept the old layer
    while parameters(), state_dict() and the optimizer saw the new one."""
    import copy
    import pickle
    net = _OneLayer()
    for name, _ in list(net.named_children()):
        net._modules[name] = nn.Linear(4, 7)
    assert net(np.ones((1, 4), np.float32)).shape == (1, 7)
    weight = nn.Parameter(np.zeros((7, 4), np.float32))
    net.fc._parameters["weight"] = weight
    assert net.fc.weight is weight
    del net.fc._parameters["bias"]
    assert not hasattr(net.fc, "bias") and list(net.fc.state_dict()) == ["weight"]
    for copied in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        copied._modules["fc"] = nn.Linear(4, 3)
        assert copied(np.ones((1, 4), np.float32)).shape == (1, 3)
    assert net.fc.out_features == 7


class _OneLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
