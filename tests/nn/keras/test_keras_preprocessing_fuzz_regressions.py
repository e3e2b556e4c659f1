"""Regressions found by fuzzing the Keras preprocessing layers against Keras 3.15.1."""
import numpy as np
import pytest

import nn.keras as keras


@pytest.mark.parametrize("layer_name", ["IntegerLookup", "StringLookup"])
@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count"])
def test_padded_vectors_too_short_for_the_oov_indices_are_refused(layer_name, output_mode):
    # max_tokens=2 with 3 OOV indices: an OOV token's index (up to 2) lies past the padded
    # vector; the call used to fail with NumPy's raw IndexError (Keras' bincount silently
    # drops it)
    with pytest.raises(ValueError, match="too short for num_oov_indices=3"):
        getattr(keras.layers, layer_name)(output_mode=output_mode, num_oov_indices=3,
                                          max_tokens=2, pad_to_max_tokens=True)


def test_padded_vectors_that_hold_the_oov_indices_encode_as_keras():
    # Keras 3.15.1: IntegerLookup(output_mode="multi_hot", num_oov_indices=2, max_tokens=3,
    # pad_to_max_tokens=True, vocabulary=[7]) on [[7], [2], [3]]
    layer = keras.layers.IntegerLookup(output_mode="multi_hot", num_oov_indices=2,
                                       max_tokens=3, pad_to_max_tokens=True, vocabulary=[7])
    out = np.asarray(layer(np.array([[7], [2], [3]])).data)
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
