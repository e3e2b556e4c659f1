"""nn.Buffer (PyTorch 2's): assigning one registers a buffer, persistent or not, the module
holding the plain array; reassignment, state_dict and load_state_dict as register_buffer's;
PyTorch's refusals (before super().__init__(), over a parameter, submodule or attribute)."""
import numpy as np
import pytest

import nn
from autograd import Parameter, Variable

torch = pytest.importorskip("torch")


class Holder(nn.Module):
    def __init__(self, persistent=True):
        super().__init__()
        self.mean = nn.Buffer(np.zeros(3, np.float32))
        self.count = nn.Buffer(np.array(0), persistent=persistent)
        self.weight = Parameter(np.ones(2, np.float32))


def test_assignment_registers_a_buffer_like_torch():
    ours, theirs = Holder(persistent=False), torch.nn.Module()
    theirs.mean = torch.nn.Buffer(torch.zeros(3))
    theirs.count = torch.nn.Buffer(torch.tensor(0), persistent=False)
    assert [name for name, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    theirs.weight = torch.nn.Parameter(torch.ones(2))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "mean"]
    assert type(ours.mean) is np.ndarray and ours.mean.dtype == np.float32
    assert list(Holder().state_dict()) == ["weight", "mean", "count"]


def test_reassigning_a_buffer_changes_its_persistence_and_value():
    module = Holder()
    module.count = nn.Buffer(np.array(5), persistent=False)
    assert module.count == 5 and "count" not in module.state_dict()
    module.count = np.array(6)  # a plain array keeps the buffer as it is
    assert module.count == 6 and "count" not in module.state_dict()
    module.count = nn.Buffer(np.array(7))
    assert module.state_dict()["count"] == 7


def test_buffers_load_and_move_as_registered_ones():
    module = Holder()
    module.load_state_dict({"mean": np.ones(3, np.float32), "count": np.array(4),
                            "weight": np.zeros(2, np.float32)})
    np.testing.assert_array_equal(module.mean, 1.0)
    assert module.double().mean.dtype == np.float64


def test_buffer_takes_a_variables_array_and_defaults_to_empty():
    array = np.arange(3.0)
    assert nn.Buffer(Variable(array)).data is array
    empty = nn.Buffer()
    assert empty.data.shape == (0,) and empty.data.dtype == np.float32 and empty.persistent
    np.testing.assert_array_equal(np.asarray(nn.Buffer(array)), array)
    assert repr(nn.Buffer(np.zeros(2), persistent=False)) == \
        "Buffer(array([0., 0.]), persistent=False)"


class Early(nn.Module):
    def __init__(self):
        self.x = nn.Buffer(np.zeros(1))
        super().__init__()


def test_refusals_name_what_is_wrong():
    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\) before assigning the "
                                             "Buffer 'x'"):
        Early()
    module = Holder()
    with pytest.raises(TypeError, match="cannot assign Buffer to parameter 'weight'"):
        module.weight = nn.Buffer(np.zeros(2))
    module.child = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign Buffer to submodule 'child'"):
        module.child = nn.Buffer(np.zeros(2))
    module.plain = 3
    with pytest.raises(KeyError, match="attribute 'plain' already exists"):
        module.plain = nn.Buffer(np.zeros(2))
    with pytest.raises(TypeError, match="buffer 'text' must be numeric"):
        module.text = nn.Buffer(np.array(["a"]))
