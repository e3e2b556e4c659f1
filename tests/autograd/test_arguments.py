"""The argument checks autograd, nn and optim share: one rule, one message shape."""
import numpy as np
import pytest

from autograd.arguments import as_list, nonnegative_int, positive_int


@pytest.mark.parametrize("good", [1, 3, np.int64(3), 3.0, np.float32(2)])
def test_whole_positive_numbers_pass_as_ints(good):
    value = positive_int(good, "size", "Layer")
    assert value == int(good) and type(value) is int


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, None, "3", float("inf"), float("nan"), [3]])
def test_anything_else_names_the_caller_and_the_argument(bad):
    with pytest.raises(ValueError) as info:
        positive_int(bad, "size", "Layer", hint=" (a hint)")
    assert str(info.value) == f"Layer: size must be a positive integer, got {bad!r} (a hint)"


def test_a_count_may_be_zero_but_not_negative():
    assert nonnegative_int(0, "epochs", "fit") == 0
    with pytest.raises(ValueError, match=r"^fit: epochs must be an integer >= 0, got -1$"):
        nonnegative_int(-1, "epochs", "fit")


def test_as_list_keeps_one_item_whole():
    array = np.zeros(3)
    assert as_list((1, 2)) == [1, 2] and as_list([1]) == [1]
    assert len(as_list(array)) == 1 and as_list(array)[0] is array
