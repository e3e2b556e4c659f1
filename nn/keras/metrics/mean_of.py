"""The common shape of Keras' mean-valued metric classes: the mean of one function's values
per sample, with a few options that are the function's keyword arguments."""
from .reduction import MeanMetricWrapper


class MeanOf(MeanMetricWrapper):
    """Keras' metric class of one function (`function`, Keras' order (y_true, y_pred,
    **options)); the options are kept as attributes and make its config with name and
    dtype. Subclasses write __init__ with Keras' argument order and call `_start`."""

    function = None

    def _start(self, name, dtype, **options):
        super().__init__(type(self).function, name=name, dtype=dtype, **options)
        self._options = tuple(options)
        for key, value in options.items():
            setattr(self, key, value)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype,
                **{key: getattr(self, key) for key in self._options}}


__all__ = ["MeanOf"]
