"""RandAugment and AugMix: the picked operation's image (RandAugment) and the chain mix
(AugMix) at fixed draws against the sublayers' own outputs and Keras' formula, how often
each operation is picked, inference as the identity, the gradient to the images, config,
and refusals that name the argument."""
import itertools

import numpy as np
import pytest

from autograd.testing import assert_gradients_match
from nn.keras.layers.policy_augmentation import _RAND_AUGMENT, AugMix, RandAugment

from ._augmentation_reference import Fixed

IMAGES = np.round(np.random.default_rng(0).uniform(0, 255, (2, 6, 5, 3)))


class _Picks(Fixed):
    """Fixed draws, and uniform draws of one value (a pick) from `picks` in turn."""

    def __init__(self, picks, *draws):
        super().__init__(*draws)
        self.picks = itertools.cycle(picks)

    def uniform(self, low=0.0, high=1.0, size=None):
        if size == 1 or isinstance(size, int) and size == self.ops:
            return np.array([next(self.picks) for _ in range(size)])
        return self._next(low, high, size)


def _policy(layer, generator):
    layer.generator = generator
    for name in layer._names:
        getattr(layer, name).generator = generator
    return layer


@pytest.mark.parametrize("k", [0, 3, 9, 10])
def test_rand_augment_applies_the_picked_operation(k):
    draws = [0.3, 0.6]  # every draw of every operation (one per image)
    generator = _Picks([(k + 0.5) / 11], draws)
    generator.ops = 1
    y = _policy(RandAugment(num_ops=1, factor=0.5), generator)(IMAGES, training=True).data
    alone = getattr(RandAugment(factor=0.5), _RAND_AUGMENT[k])
    alone.generator = Fixed(draws)
    np.testing.assert_allclose(y, alone(IMAGES, training=True).data, atol=1e-9)


def test_rand_augment_picks_each_operation_equally_often():
    layer = RandAugment(num_ops=3, seed=0)
    rng = np.random.default_rng(0)
    picks = np.concatenate([layer._choices(rng, 3, 11) for _ in range(2000)])
    counts = np.bincount(picks, minlength=11)
    assert counts.min() > 450 and counts.max() < 640  # 6000 / 11 = 545 each


def test_aug_mix_mixes_its_chains_with_the_drawn_weights():
    # Dirichlet weights (0.2, 0.8), Beta share 0.25; chain 1: shear then none, chain 2:
    # auto-contrast twice
    names = AugMix(num_chains=2, chain_depth=2, all_ops=False)._names
    pick = {name: (i + 0.5) / (len(names) + 1) for i, name in enumerate(names)}
    layer = AugMix(num_chains=2, chain_depth=2, all_ops=False, value_range=(10, 240))
    generator = _Picks([pick["random_shear"], 0.999, pick["auto_contrast"],
                        pick["auto_contrast"]], [0.2, 0.8], 0.25, [0.7, 0.2], [0.1, 0.3],
                       [0.4, 0.1])
    generator.dirichlet = lambda alphas: generator._next(alphas)
    generator.ops = None
    y = _policy(layer, generator)(IMAGES, training=True).data
    shear = layer.random_shear
    shear.generator = Fixed([0.7, 0.2], [0.1, 0.3], [0.4, 0.1])
    sheared = shear(IMAGES, training=True).data
    contrasted = layer.auto_contrast(layer.auto_contrast(IMAGES)).data
    expected = np.clip(0.25 * IMAGES + 0.75 * (0.2 * sheared + 0.8 * contrasted), 10, 240)
    np.testing.assert_allclose(y, expected, atol=1e-9)


def test_inference_config_and_the_gradient():
    for layer in (RandAugment(), AugMix()):
        np.testing.assert_array_equal(layer(IMAGES, training=False).data, IMAGES)
        assert type(layer)(**layer.get_config()).get_config() == layer.get_config()
    generator = _Picks([0.5 / 11], [0.3, 0.6])  # the shear
    generator.ops = 1
    layer = _policy(RandAugment(num_ops=1), generator)
    assert_gradients_match(lambda x: layer(x, training=True), IMAGES[:1] / 50, order=1)


@pytest.mark.parametrize("make, words", [
    (lambda: RandAugment(num_ops=-1), "RandAugment: num_ops must be"),
    (lambda: RandAugment(factor=1.5), "factor must be a number in"),
    (lambda: RandAugment(interpolation="bicubic"), "interpolation must be one of"),
    (lambda: AugMix(num_chains=0), "AugMix: num_chains must be"),
    (lambda: AugMix(alpha=0), "alpha must be a positive number")])
def test_refusals_name_the_argument(make, words):
    with pytest.raises(ValueError, match=words):
        make()
