"""An array held in a file, known by its .npy header before its data is read.

A weights file is checked against the model before it costs memory: each array's header
(shape, dtype) is compared with the parameter or buffer it goes to, and its data read only
once they agree (Module.load_state_dict does so through `read_stored`), so a file cannot
make a load allocate more than the model holds, whatever its headers claim or its
compression hides (deflate inflates up to about 1000:1).

Where no parameter of the model vouches for an array's size (a layer not built yet, which
takes its shape from the file; an array a load hook may rename or reshape; a checkpoint's
or an optimizer's arrays) a rule bounds it instead: such arrays may inflate, together, to
at most UNVOUCHED_RATIO times the file's size on disk, or UNVOUCHED_FLOOR bytes where that
is more. rungrad writes its files uncompressed (1:1), and trained float weights compress
barely (about 1.1:1), so only a file whose data is mostly one repeated value meets it: build
the model first (call it on an input), or save the file uncompressed.
"""
import math

UNVOUCHED_RATIO = 16
UNVOUCHED_FLOOR = 64 << 20  # bytes


class StoredArray:
    """An array of a file: `shape`, `dtype` (and `ndim`, `size`, `nbytes`) from its header,
    checked against its zip entry; `read()` reads its data once (the array, cached)."""

    def __init__(self, name, shape, dtype, load, budget):
        self.name, self.shape, self.dtype = name, tuple(shape), dtype
        self._load, self._budget, self._array = load, budget, None

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def nbytes(self):
        return self.size * self.dtype.itemsize

    def read(self, vouched=False):
        """The array. vouched: the caller has matched the header with an array of the
        model's (the size is the model's); otherwise it counts against the file's budget."""
        if self._array is None:
            if not vouched:
                self._budget.spend(self.name, self.nbytes)
            self._array = self._load()
        return self._array

    def __repr__(self):
        return f"StoredArray({self.name!r}, shape={self.shape}, dtype={self.dtype})"


class TooCompressed(ValueError):
    """An array beyond the budget of its file (see the top)."""


class ReadBudget:
    """How many bytes a file's unvouched arrays may inflate to (see the module docstring)."""

    def __init__(self, file_size):
        self.file_size = file_size
        self.limit = max(UNVOUCHED_FLOOR, UNVOUCHED_RATIO * file_size)
        self.spent = 0

    def spend(self, name, nbytes):
        if self.spent + nbytes > self.limit:
            raise TooCompressed(
                f"member {name!r} would inflate to {nbytes} bytes: with the arrays read before "
                f"it, more than the {self.limit} bytes allowed for arrays no built parameter "
                f"of the model vouches for ({UNVOUCHED_RATIO} times the file's "
                f"{self.file_size} bytes, at least {UNVOUCHED_FLOOR}), far beyond what "
                "weights compress to. Save the file uncompressed; weights loaded into a "
                "built model (call it on an input first) are checked against its parameters "
                "instead")
        self.spent += nbytes


def read_stored(value, vouched=False):
    """`value`, read where it is a StoredArray (see StoredArray.read); else as it is."""
    return value.read(vouched) if isinstance(value, StoredArray) else value


def read_all_stored(state_dict, model_arrays):
    """Read, in place, each StoredArray of `state_dict`: vouched where `model_arrays`
    ({name: array}) holds an array of its name and shape. For code that works on the values
    themselves before any check (load hooks)."""
    for key, value in state_dict.items():
        if isinstance(value, StoredArray):
            held = model_arrays.get(key)
            state_dict[key] = value.read(held is not None and tuple(held.shape) == value.shape)
    return state_dict


__all__ = ["StoredArray", "ReadBudget", "TooCompressed", "read_stored", "read_all_stored"]
