"""What `nn.functional` shows: its functions, not the files they live in.

Python binds each submodule's name on its package when the file loads, so `F.im2col` and
`F.pooling` were modules and calling them a TypeError. Here the package hides every submodule
whose name is not a public function (the files stay importable by their full names,
`from nn.functional.pooling import MaxPool2d`), and a DeZero name that rungrad spells
differently gets an AttributeError that names the rungrad function.
"""
import sys
import types

# DeZero's F names -> what the same thing is in rungrad (see docs/coming_from_dezero.md).
DEZERO_NAMES = {
    "softmax_cross_entropy": "rungrad's F.cross_entropy",
    "softmax_cross_entropy_simple": "rungrad's F.cross_entropy",
    "sigmoid_cross_entropy": "rungrad's F.binary_cross_entropy_with_logits",
    "mean_squared_error": "rungrad's F.mse_loss",
    "softmax_simple": "rungrad's F.softmax",
    "sigmoid_simple": "rungrad's F.sigmoid",
    "linear_simple": "rungrad's F.linear",
    "conv2d_simple": "rungrad's F.conv2d",
    "pooling": "rungrad's F.max_pool2d",
    "pooling_simple": "rungrad's F.max_pool2d",
    "average_pooling": "rungrad's F.avg_pool2d",
    "embed_id": "rungrad's F.embedding",
    "batch_nrom": "rungrad's F.batch_norm",
    "deconv2d": "rungrad's F.conv_transpose2d (weight (in, out/groups, kH, kW), as DeZero's)",
    "flatten": "ag.flatten(x, 1) (the batch axis kept, as DeZero's F.flatten; ag.flatten(x) "
               "flattens it too) or the layer nn.Flatten()",
    "average": "ag.mean",
    "get_conv_outsize": "(input_size + 2 * pad - kernel_size) // stride + 1, written out (a "
                        "layer's output shape: model.summary(), or a call)",
}
# DeZero also keeps the tensor ops in F; rungrad keeps them in autograd.
AUTOGRAD_OPS = ("sum", "mean", "reshape", "transpose", "matmul", "exp", "log", "sin", "cos",
                "sqrt", "get_item", "broadcast_to", "sum_to", "max", "min", "clip",
                "expand_dims", "concatenate", "stack")


class _FunctionsOnly(types.ModuleType):
    """A package whose submodules, as they load, do not bind their names on it."""

    def __setattr__(self, name, value):
        if _is_submodule(self, name, value):
            return  # the import system binding a submodule that loaded (it is in sys.modules)
        super().__setattr__(name, value)


def show_functions_only(package):
    """Drop the submodule names already bound on `package` and keep later ones off it."""
    module = sys.modules[package]
    for name, value in list(vars(module).items()):
        if _is_submodule(module, name, value):
            delattr(module, name)
    module.__class__ = _FunctionsOnly


def _is_submodule(package, name, value):
    return isinstance(value, types.ModuleType) and value.__name__ == f"{package.__name__}.{name}"


def missing_name(package, name):
    """The AttributeError for `package.name`, with a hint when it is a DeZero name."""
    message = f"module {package!r} has no attribute {name!r}"
    if name in DEZERO_NAMES:
        message += f": DeZero's F.{name} is {DEZERO_NAMES[name]}"
    elif name in AUTOGRAD_OPS:
        message += f": tensor ops live in autograd (import autograd as ag; ag.{name})"
    else:
        return AttributeError(message)
    return AttributeError(message + " (see docs/coming_from_dezero.md)")
