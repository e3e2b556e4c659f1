"""nn.init's `generator=` (PyTorch's keyword, a NumPy Generator or RandomState here): the
numbers come from it, the same for the same seed, and NumPy's global generator is left
alone; anything else is refused by name."""
import math

import numpy as np
import pytest

from nn import init

FILLS = {  # name -> a call taking the generator
    "uniform_": lambda w, g: init.uniform_(w, -2.0, 3.0, generator=g),
    "normal_": lambda w, g: init.normal_(w, 1.0, 0.5, generator=g),
    "trunc_normal_": lambda w, g: init.trunc_normal_(w, 0.0, 1.0, -1.0, 1.5, generator=g),
    "xavier_uniform_": lambda w, g: init.xavier_uniform_(w, 2.0, generator=g),
    "xavier_normal_": lambda w, g: init.xavier_normal_(w, generator=g),
    "kaiming_uniform_": lambda w, g: init.kaiming_uniform_(w, math.sqrt(5), generator=g),
    "kaiming_normal_": lambda w, g: init.kaiming_normal_(w, mode="fan_out",
                                                         nonlinearity="relu", generator=g),
    "orthogonal_": lambda w, g: init.orthogonal_(w, 1.5, generator=g),
    "sparse_": lambda w, g: init.sparse_(w, 0.5, 1.0, generator=g),
}


def _global_draws():
    """The global generator's next numbers, its state put back."""
    state = np.random.get_state()
    draws = np.random.random(4)
    np.random.set_state(state)
    return draws


@pytest.mark.parametrize("name", list(FILLS))
@pytest.mark.parametrize("kind", [np.random.default_rng, np.random.RandomState])
def test_a_generator_gives_the_numbers_and_leaves_the_global_one_alone(name, kind):
    np.random.seed(0)
    before = _global_draws()
    first, second = np.zeros((6, 5)), np.zeros((6, 5))
    assert FILLS[name](first, kind(11)) is first
    FILLS[name](second, kind(11))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(_global_draws(), before)
    assert np.any(first != 0) and not np.array_equal(first, FILLS[name](np.zeros((6, 5)),
                                                                         kind(12)))


def test_the_numbers_are_the_generators_own():
    drawn = init.uniform_(np.zeros((3, 4)), -1.0, 2.0, generator=np.random.default_rng(5))
    np.testing.assert_array_equal(drawn, np.random.default_rng(5).uniform(-1.0, 2.0, (3, 4)))
    drawn = init.normal_(np.zeros(7, np.float32), 2.0, 3.0, generator=np.random.RandomState(5))
    np.testing.assert_array_equal(drawn, np.random.RandomState(5).normal(2.0, 3.0, 7)
                                  .astype(np.float32))


def test_a_large_fill_draws_the_generators_stream_in_chunks():
    """Chunked fills (over 2**20 elements) give the numbers of one call, from the generator."""
    size = (1 << 20) + 5
    drawn = init.normal_(np.zeros(size), generator=np.random.default_rng(2))
    np.testing.assert_array_equal(drawn, np.random.default_rng(2).normal(0.0, 1.0, size))


@pytest.mark.parametrize("generator", [0, "seed", np.random])
def test_other_generators_are_refused_by_name(generator):
    with pytest.raises(TypeError, match=r"kaiming_uniform_: generator must be a NumPy "
                                        r"Generator \(np.random.default_rng\(seed\)\) or "
                                        r"RandomState, got"):
        init.kaiming_uniform_(np.zeros((2, 2)), generator=generator)


def test_a_torch_generator_is_refused_by_name():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=r"normal_: generator must be a NumPy Generator .* got "
                                        r"torch\..*Generator"):
        init.normal_(np.zeros(3), generator=torch.Generator())
