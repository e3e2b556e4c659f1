"""DeZero's loader methods, named: the book's readers call them on a rungrad loader."""
from autograd.lazy import DeZeroName


class BookLoaderNames:
    """Class attributes for DeZero's DataLoader/SeqDataLoader methods, each an
    AttributeError that says what rungrad's loaders do instead."""

    to_gpu = DeZeroName("autograd.cuda.to_gpu(x) on each batch (model.to_gpu() moves the "
                        "model)")
    to_cpu = DeZeroName("autograd.cuda.to_cpu(x) on each batch")
    next = DeZeroName("next(iter(loader)): a loader is iterable, as PyTorch's, not an "
                      "iterator")
    reset = DeZeroName("not needed: each `for` over the loader is a new pass (epoch), "
                       "reshuffled when shuffle=True")
