"""The end that DenseNet, Xception and the Inceptions share, as Keras builds it: with the
top, global average pooling ('avg_pool') and the 'predictions' Dense; headless, the
features as they are or pooled over space."""
from .. import layers
from .arguments import classifier, pooled, validate_activation


def global_pool_top(x, include_top, pooling, classes, classifier_activation, weights,
                    pool_names=None, top_pool_name="avg_pool"):
    """(N, H, W, C) features -> (N, classes) with the top, else (N, C) pooled or the
    features; pool_names: the headless pooling layers' names where Keras names them
    (DenseNet's 'avg_pool' / 'max_pool'), else Keras' automatic ones; top_pool_name: the
    top's pooling layer's (None: automatic, as MobileNetV2's and NASNet's)."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        validate_activation(classifier_activation, weights)
        return classifier(x, classes, classifier_activation)
    return pooled(x, pooling, names=pool_names or (None, None))

__all__ = ["global_pool_top"]
