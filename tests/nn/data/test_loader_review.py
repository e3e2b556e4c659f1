"""DataLoader, collate and friends on what a review found: overridden __getitem__ is read,
what cannot be batched is refused by name, and the loader's settings are fixed once made
(PyTorch's rules)."""
import numpy as np
import pytest

from nn import data as rd
from nn.keras.utils import pad_sequences, to_categorical


class _Doubled(rd.TensorDataset):
    """A per-sample augmentation written in __getitem__."""

    def __getitem__(self, i):
        x, y = super().__getitem__(i)
        return x * 2, y


class _Shifted(rd.Subset):
    def __getitem__(self, i):
        x, y = super().__getitem__(i)
        return x + 100, y


def _xs(loader):
    return [b[0].tolist() for b in loader]


def test_an_overridden_getitem_is_what_the_loader_reads():
    # (the loader sliced the parent's rows with get_batch and skipped the override)
    doubled = _Doubled(np.arange(4), np.arange(4))
    assert _xs(rd.DataLoader(doubled, batch_size=2)) == [[0, 2], [4, 6]]
    assert _xs(rd.DataLoader(rd.Subset(doubled, [3, 2, 1]), batch_size=2)) == [[6, 4], [2]]
    shifted = _Shifted(rd.TensorDataset(np.arange(4), np.arange(4)), [0, 1, 2])
    assert _xs(rd.DataLoader(shifted, batch_size=2)) == [[100, 101], [102]]
    plain = rd.Subset(rd.TensorDataset(np.arange(4.0)), [2, 0])  # (still sliced whole)
    assert _xs(rd.DataLoader(plain, batch_size=2)) == [[2.0, 0.0]]


@pytest.mark.parametrize("samples, words", [
    ([(1, 2), (1, None)], "sample 1 at position 1 of the samples: None"),
    ([1, "a"], "sample 1 at the samples: a str"),
    ([{1, 2}, {1, 2}], "sample 0 at the samples: a set"),
    ([np.ones(2), {"a": 1}], "sample 1 at the samples: a dict"),
    ([np.array("ab"), np.array("c")], "arrays of dtype <U2"),
])
def test_what_cannot_be_batched_is_refused_by_name(samples, words):
    # (NumPy made object or string arrays of them, which failed far from here)
    with pytest.raises(TypeError, match=f"DataLoader: cannot collate {words}"):
        rd.default_collate(samples)


def test_a_loaders_dataset_batch_size_and_drop_last_are_fixed_once_made():
    loader = rd.DataLoader(rd.TensorDataset(np.arange(10)), batch_size=3)
    passing = iter(loader)
    next(passing)
    for name, value in (("dataset", rd.TensorDataset(np.arange(4))), ("batch_size", 5),
                        ("drop_last", True)):
        with pytest.raises(ValueError, match=f"the {name} attribute should not be set"):
            setattr(loader, name, value)
    assert [len(b[0]) for b in passing] == [3, 3, 1]  # (the pass went on unharmed)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got "
                                         "drop_last='False'"):
        rd.DataLoader(rd.TensorDataset(np.arange(4)), batch_size=3, drop_last="False")


def test_weights_near_the_float_limit_draw_and_2d_subset_indices_are_refused():
    assert set(rd.WeightedRandomSampler([1e308, 1e308], 20, generator=None)) <= {0, 1}
    with pytest.raises(ValueError, match=r"Subset: indices must be one-dimensional, got "
                                         r"shape \(2, 2\)"):
        rd.Subset(rd.TensorDataset(np.arange(10)), [[0, 1], [2, 3]])


def test_pad_sequences_refuses_what_would_wrap_or_not_fit_and_to_categorical_takes_bools():
    with pytest.raises(OverflowError, match="sequence 0 holds 1099511627776, outside int32"):
        pad_sequences([[2 ** 40]])
    with pytest.raises(ValueError, match="the padding value 'x' does not fit dtype int32"):
        pad_sequences([[1], [2, 3]], value="x")
    with pytest.raises(ValueError, match="maxlen must be an integer >= 0, got -1"):
        pad_sequences([[1, 2]], maxlen=-1)
    assert pad_sequences([["a", "b"], ["c"]], dtype=object, value="-").tolist() == [
        ["a", "b"], ["-", "c"]]
    np.testing.assert_array_equal(to_categorical([True, False]), [[0, 1], [1, 0]])


def test_random_split_and_train_test_split_name_bad_lengths():
    data = rd.TensorDataset(np.arange(10))
    with pytest.raises(TypeError, match="random_split: lengths must be numbers .*got 'a'"):
        rd.random_split(data, ["a", "b"])
    # (PyTorch refuses these too; the message said they did not sum to 1)
    with pytest.raises(ValueError, match="the fractions sum to 1.0000000000000002, a rounding "
                                         "above 1"):
        rd.random_split(data, [0.05] * 20)
    from nn.datasets import digits
    with pytest.raises(ValueError, match="test_size must be a fraction in \\[0, 1\\), got "
                                         "'0.2'"):
        digits(test_size="0.2")


def test_a_fill_integer_images_cannot_hold_and_a_scalar_sequence_are_refused_by_name():
    images = np.full((1, 4, 4), 9, np.uint8)
    for fill in (0.5, -1, 256):  # (0.5 became 0 and -1 became 255, silently)
        with pytest.raises(ValueError, match=f"RandomShift: the value {fill} cannot be held by "
                                             "uint8 images"):
            rd.RandomShift(2, fill=fill, seed=0)(images)
    assert rd.RandomShift(1, fill=3, seed=0)(images).dtype == np.uint8
    with pytest.raises(ValueError, match="SequenceLoader: data must be a sequence .* got the "
                                         "scalar 3.0"):
        rd.SequenceLoader(np.float32(3))


def test_pytorchs_checks_on_the_loaders_options():
    data = rd.TensorDataset(np.ones((4, 2)))
    for options, message in ((dict(persistent_workers=True), "persistent_workers option could "
                              r"only be specified in multiprocessing \(num_workers > 0\)"),
                             (dict(prefetch_factor=2), "prefetch_factor option could only"),
                             (dict(timeout=-1), "timeout option should be non-negative")):
        with pytest.raises(ValueError, match=message):
            rd.DataLoader(data, **options)


def test_a_fraction_that_leaves_a_split_empty_is_warned_of_as_pytorch():
    with pytest.warns(UserWarning, match="the split at index 1 has 0 samples"):
        sizes = [len(part) for part in rd.random_split(range(1), [0.5, 0.5], seed=0)]
    assert sizes == [1, 0]


def test_keras_small_habits():
    import nn.keras as keras
    with pytest.raises(ValueError, match="must be a list of sequences .*item 0 is the single"):
        keras.utils.pad_sequences([1, 2])
    from nn.training.sample_weights import checked_class_weight
    assert checked_class_weight({"0": 2.0, 1: 1.0}, "fit") == {0: 2.0, 1: 1.0}  # (Keras 3's)


def test_the_plain_transforms_take_variables_and_name_bad_input():
    from autograd import Variable
    values = Variable(np.ones((2, 3)))
    np.testing.assert_array_equal(rd.Normalize(0.5, 0.25)(values), np.full((2, 3), 2.0))
    assert rd.Flatten()(values).shape == (2, 3) and rd.ToFloat()(values).dtype == np.float32
    assert rd.OneHot(3)(Variable(np.array([0, 2]))).shape == (2, 3)
    with pytest.raises(TypeError, match=r"OneHot\(3\): labels must be integers"):
        rd.OneHot(3)(np.array(["a"]))
    with pytest.raises(ValueError, match="Flatten: expects a batch of samples"):
        rd.Flatten()(np.ones(()))
    for high in (0.5, 300):
        with pytest.raises(ValueError, match=f"SaltAndPepperNoise: the value {float(high)} "
                                             "cannot be held by uint8 images"):
            rd.SaltAndPepperNoise(1.0, low=0, high=high, seed=0)(np.zeros((1, 4), np.uint8))
