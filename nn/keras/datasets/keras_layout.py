"""nn.datasets' arrays as Keras' load_data() returns them."""
import numpy as np


def keras_split(split, labels_shape):
    """((x_train, y_train), (x_test, y_test)) from nn.datasets' channels-first uint8 pairs:
    images channels-last ((n, h, w) for one channel), labels uint8 of `labels_shape(n)`."""
    return tuple((_channels_last(x), np.asarray(y, np.uint8).reshape(labels_shape(len(y))))
                 for x, y in split)


def _channels_last(x):
    return x[:, 0] if x.shape[1] == 1 else np.ascontiguousarray(x.transpose(0, 2, 3, 1))
