"""The output shapes a subclassed model's summary shows: each layer it holds (a list's or
dict's in its place) as the model's first call left it, batch size included, as Keras shows
the shapes its layers were built for ((2, 3) after model(x) on a batch of 2, still after
later calls on other batches). Only the first call records (forward hooks for its length),
so training's calls pay one attribute read each."""
import contextlib

_UNSET = object()


@contextlib.contextmanager
def recording_output_shapes(layers, shapes):
    """Within it, each call of a layer of `layers` ((key, layer)) not yet in `shapes` puts its
    output's shape there (a list of them for several outputs): its first call's. The
    layers' own hooks are left as they were."""
    held = [(layer, vars(layer).get("_call_hooks", _UNSET)) for _, layer in layers]
    handles = [layer.register_forward_hook(_recorder(key, shapes)) for key, layer in layers]
    try:
        yield shapes
    finally:
        for handle in handles:
            handle.remove()
        for layer, hooks in held:  # (a registry made for this call only: gone again)
            if hooks is _UNSET:
                vars(layer).pop("_call_hooks", None)
            else:
                object.__setattr__(layer, "_call_hooks", hooks)


def _recorder(key, shapes):
    def record(layer, args, output):
        shapes.setdefault(key, output_shape(output))
    return record


def output_shape(output):
    """An output's shape as a tuple; a list of them for a tuple or list of outputs."""
    if isinstance(output, (tuple, list)):
        return [output_shape(one) for one in output]
    shape = getattr(output, "shape", None)
    return None if shape is None else tuple(shape)


__all__ = ["recording_output_shapes", "output_shape"]
