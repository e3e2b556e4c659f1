"""Keras 3's `keras.tree`: utilities for nested structures of lists, tuples, namedtuples,
dicts and deques, with Keras' documented rules:
- a dict's values are taken in the order of its sorted keys (an OrderedDict's in its own
  order), and structures rebuilt keep the key order they had;
- None is a leaf, as are strings and arrays;
- list, tuple, each namedtuple class and deque are different structures; dict, OrderedDict
  and defaultdict with the same keys are the same one.
A path is the tuple of indices and keys leading to a leaf (a namedtuple's are indices).
"""
import collections
from collections.abc import Iterable

from autograd.user_warnings import user_warning

_SEQUENCES = (list, tuple, collections.deque)


class MAP_TO_NONE:  # noqa: N801 (Keras' name)
    """What `traverse`'s function returns to put None in place of a sub-structure."""


def is_nested(structure):
    """Whether `structure` is a list, tuple, namedtuple, dict or deque (not a leaf)."""
    return isinstance(structure, (*_SEQUENCES, dict))


def _keys(structure):
    """The keys (or indices) of a nested structure's children, in flattening order."""
    if isinstance(structure, dict):
        if isinstance(structure, collections.OrderedDict):
            return list(structure)
        try:
            return sorted(structure)
        except TypeError:
            raise TypeError(f"keras.tree: the keys of a dict must be sortable (its values "
                            f"are taken in sorted key order), got {list(structure)!r}") from None
    return list(range(len(structure)))


def _children(structure):
    return [structure[k] for k in _keys(structure)] if isinstance(structure, dict) \
        else list(structure)


def _rebuilt(structure, values):
    """A structure of `structure`'s kind (and key order) holding `values`, given in
    flattening order."""
    if isinstance(structure, dict):
        by_key = dict(zip(_keys(structure), values))
        items = [(k, by_key[k]) for k in structure]
        if isinstance(structure, collections.defaultdict):
            return type(structure)(structure.default_factory, items)
        return type(structure)(items)
    if isinstance(structure, collections.deque):
        return collections.deque(values, maxlen=structure.maxlen)
    if _is_namedtuple(structure):
        return type(structure)(*values)
    return type(structure)(values)


def _is_namedtuple(structure):
    return isinstance(structure, tuple) and hasattr(type(structure), "_fields")


def flatten(structure):
    """The leaves of `structure`, depth first, as a list (a leaf alone: [leaf])."""
    return [leaf for _, leaf in flatten_with_path(structure)]


def flatten_with_path(structure):
    """The (path, leaf) pairs of `structure`, in flatten's order."""
    if not is_nested(structure):
        return [((), structure)]
    return [((key, *path), leaf)
            for key, child in zip(_keys(structure), _children(structure))
            for path, leaf in flatten_with_path(child)]


def pack_sequence_as(structure, flat_sequence):
    """The leaves of `flat_sequence` put in `structure`'s places (flatten's inverse)."""
    if not isinstance(flat_sequence, Iterable) or isinstance(flat_sequence, (str, bytes)):
        raise TypeError(f"keras.tree.pack_sequence_as: flat_sequence must be a sequence, "
                        f"got {type(flat_sequence).__name__}")
    flat = list(flat_sequence)
    needed = len(flatten(structure))
    if len(flat) != needed:
        raise ValueError(f"keras.tree.pack_sequence_as: the structure holds {needed} leaves, "
                         f"flat_sequence has {len(flat)}")
    leaves = iter(flat)
    return _map_one(lambda _: next(leaves), structure)


def _map_one(func, structure):
    if not is_nested(structure):
        return func(structure)
    return _rebuilt(structure, [_map_one(func, c) for c in _children(structure)])


def assert_same_structure(a, b, check_types=None):
    """Raise a ValueError, naming the first difference, unless `a` and `b` are nested the
    same way (see the module's rules). check_types is deprecated and ignored, as Keras'."""
    if check_types is not None:
        user_warning("keras.tree.assert_same_structure: check_types is deprecated and has "
                     "no effect (assert_same_paths is the looser check)",
                     DeprecationWarning)
    problem = _difference(a, b, ())
    if problem:
        raise ValueError(f"The two structures don't have the same nested structure: {problem}")


def _difference(a, b, path):
    """Where and how `a` and `b` first differ in structure, or None."""
    where = f"at path {path}" if path else "at the top"
    if is_nested(a) != is_nested(b):
        return f"{where}, {_kind(a)} and {_kind(b)}"
    if not is_nested(a):
        return None
    if isinstance(a, dict) != isinstance(b, dict) or (
            not isinstance(a, dict) and type(a) is not type(b)):
        return f"{where}, {_kind(a)} and {_kind(b)}"
    if _keys(a) != _keys(b):
        what = "keys" if isinstance(a, dict) else "lengths"
        shown = (_keys(a), _keys(b)) if isinstance(a, dict) else (len(a), len(b))
        return f"{where}, {what} {shown[0]} and {shown[1]}"
    for key, x, y in zip(_keys(a), _children(a), _children(b)):
        problem = _difference(x, y, (*path, key))
        if problem:
            return problem
    return None


def _kind(value):
    return f"a leaf ({type(value).__name__})" if not is_nested(value) \
        else f"a {type(value).__name__}"


def assert_same_paths(a, b):
    """Raise a ValueError naming the paths only one of `a` and `b` has (their kinds of
    containers may differ: list, tuple and namedtuple match)."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        message = "`a` and `b` don't have the same paths."
        if paths_a - paths_b:
            message += f"\nPaths in `a` missing in `b`:\n{paths_a - paths_b}"
        if paths_b - paths_a:
            message += f"\nPaths in `b` missing in `a`:\n{paths_b - paths_a}"
        raise ValueError(message)


def map_structure(func, *structures, none_is_leaf=True):
    """func applied to the leaves of `structures` (nested alike) in turn, in a structure
    like the first; none_is_leaf=False: None stays None, func is not called on it."""
    _check_callable(func, "map_structure")
    if not structures:
        raise TypeError("keras.tree.map_structure: give at least one structure")
    for other in structures[1:]:
        assert_same_structure(structures[0], other)

    def apply(*leaves):
        if not none_is_leaf and leaves[0] is None:
            if any(leaf is not None for leaf in leaves):
                raise ValueError(f"keras.tree.map_structure: some leaves are None, others "
                                 f"are not: {leaves}")
            return None
        return func(*leaves)
    flat = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [apply(*leaves) for leaves in zip(*flat)])


def map_structure_up_to(shallow_structure, func, *structures):
    """func applied to the parts of `structures` at the leaves of `shallow_structure` (the
    structures may nest deeper there), in a structure like shallow_structure."""
    _check_callable(func, "map_structure_up_to")
    if not structures:
        raise TypeError("keras.tree.map_structure_up_to: give at least one structure")
    return _up_to(shallow_structure, func, structures, ())


def _up_to(shallow, func, structures, path):
    if not is_nested(shallow):
        return func(*structures)
    for s in structures:
        if not is_nested(s) or _difference(_emptied(shallow), _emptied(s), path):
            raise ValueError(f"keras.tree.map_structure_up_to: at path {path or 'the top'} "
                             f"the structure is {_kind(s)}, shallow_structure "
                             f"{_kind(shallow)} with {len(shallow)} items")
    parts = zip(*[_children(s) for s in structures])
    return _rebuilt(shallow, [_up_to(child, func, part, (*path, key)) for key, child, part
                              in zip(_keys(shallow), _children(shallow), parts)])


def _emptied(structure):
    """A structure's top level with leaves in place of its children (compared alone)."""
    return _rebuilt(structure, [None] * len(structure))


def traverse(func, structure, top_down=True):
    """Keras' traverse: func called on every sub-structure and leaf, depth first. Top down,
    a result other than None replaces that sub-structure (not entered); bottom up, it
    replaces it after its children were. MAP_TO_NONE as a result puts None there."""
    _check_callable(func, "traverse")

    def visit(node):
        if top_down:
            result = func(node)
            if result is None:
                return _children_visited(node)
        else:
            node = _children_visited(node)
            result = func(node)
            if result is None:
                return node
        return None if result is MAP_TO_NONE else result

    def _children_visited(node):
        return _rebuilt(node, [visit(c) for c in _children(node)]) if is_nested(node) else node
    return visit(structure)


def lists_to_tuples(structure):
    """`structure` with each list (at any depth) made a tuple."""
    return traverse(lambda s: tuple(s) if isinstance(s, list) else None, structure,
                    top_down=False)


def map_shape_structure(func, structure):
    """map_structure where a list or tuple of ints and Nones (a shape) is a leaf."""
    _check_callable(func, "map_shape_structure")
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    return _rebuilt(structure, [map_shape_structure(func, c) for c in _children(structure)])


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value)


def _check_callable(func, who):
    if not callable(func):
        raise TypeError(f"keras.tree.{who}: func must be callable, got {func!r}")


__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
           "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
           "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse"]
