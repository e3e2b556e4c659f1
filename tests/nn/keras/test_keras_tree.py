"""keras.tree: Keras 3's nested-structure utilities with its documented rules."""
import collections

import pytest

import nn.keras as keras

tree = keras.tree
P = collections.namedtuple("P", ["y", "x"])
S = {"b": [1, None, (2, 3)], "a": P(4, {"z": 5, "c": 6}),
     "o": collections.OrderedDict([("q", 7), ("p", 8)])}


def test_flatten_sorts_dict_keys_keeps_ordered_dicts_and_none():
    assert tree.flatten(S) == [4, 6, 5, 1, None, 2, 3, 7, 8]
    assert tree.flatten(None) == [None] and tree.flatten(1) == [1]
    assert tree.flatten({100: "world!", 6: "Hello"}) == ["Hello", "world!"]
    assert tree.flatten("ab") == ["ab"]


def test_is_nested():
    assert tree.is_nested([1]) and tree.is_nested(P(1, 2)) and tree.is_nested({})
    assert not tree.is_nested(None) and not tree.is_nested("ab") and not tree.is_nested(3)


def test_flatten_with_path():
    assert tree.flatten_with_path([{"foo": 42}]) == [((0, "foo"), 42)]
    assert tree.flatten_with_path(S)[:3] == [(("a", 0), 4), (("a", 1, "c"), 6),
                                             (("a", 1, "z"), 5)]


def test_pack_sequence_as_inverts_flatten_and_keeps_key_order():
    packed = tree.pack_sequence_as(S, tree.flatten(S))
    assert packed == S and list(packed) == ["b", "a", "o"]
    assert type(packed["a"]) is P and type(packed["o"]) is collections.OrderedDict
    assert tree.pack_sequence_as({"key3": "", "key1": "", "key2": ""}, [1, 2, 3]) == \
        {"key3": 3, "key1": 1, "key2": 2}
    with pytest.raises(ValueError, match="2 leaves"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(TypeError, match="flat_sequence"):
        tree.pack_sequence_as([1], 5)


def test_map_structure():
    assert tree.map_structure(lambda v: v ** 2, [[1], [2], [3]]) == [[1], [4], [9]]
    assert tree.map_structure(lambda v: v * 2, P(1, 2)) == P(2, 4)
    assert tree.map_structure(lambda a, b: a + b, {"x": 1, "y": 2}, {"y": 3, "x": 4}) == \
        {"x": 5, "y": 5}
    assert tree.map_structure(lambda v: v, [1, None], none_is_leaf=False) == [1, None]
    assert tree.map_structure(str, [None]) == ["None"]
    with pytest.raises(ValueError, match="same nested structure"):
        tree.map_structure(lambda a, b: a, [1, 2], (1, 2))
    with pytest.raises(TypeError, match="callable"):
        tree.map_structure(3, [1])


def test_map_structure_up_to():
    assert tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2]]) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]]) == \
        ["[1, 1]", ["2", "2"]]
    with pytest.raises(ValueError, match="shallow_structure"):
        tree.map_structure_up_to([None, [None, None]], str, [[1, 1], 2])


def test_assert_same_structure_and_paths():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure([1, None], [1, 2])
    tree.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))
    Q = collections.namedtuple("P", ["y", "x"])
    for a, b in [([0, 1], (0, 1)), (P(0, 1), Q(0, 1)), ({"a": 1}, {"b": 1}), ([1, [2]], [1, 2])]:
        with pytest.raises(ValueError, match="same nested structure"):
            tree.assert_same_structure(a, b)
    with pytest.warns(DeprecationWarning):
        tree.assert_same_structure([1], [2], check_types=True)
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(P(0, 1), Q(2, 3))
    with pytest.raises(ValueError, match=r"missing in `a`:\n\{\(2,\)\}"):
        tree.assert_same_paths([0, 1], [0, 1, 2])


def test_traverse_and_map_to_none():
    seen = []
    assert tree.traverse(seen.append, [(1, 2), [3], {"a": 4}]) == [(1, 2), [3], {"a": 4}]
    assert seen == [[(1, 2), [3], {"a": 4}], (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    seen.clear()
    tree.traverse(seen.append, [(1, 2), [3], {"a": 4}], top_down=False)
    assert seen == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, [(1, 2), [3], {"a": 4}]]
    replaced = tree.traverse(lambda t: tree.MAP_TO_NONE if t == (2, 3) else None, S)
    assert replaced["b"] == [1, None, None]


def test_lists_to_tuples_and_map_shape_structure():
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))
    got = tree.map_shape_structure(lambda t: ("S", t), {"a": (None, 3), "b": [(2,), [4, 5]]})
    assert got == {"a": ("S", (None, 3)), "b": [("S", (2,)), ("S", [4, 5])]}


def test_unsortable_keys_are_refused():
    with pytest.raises(TypeError, match="sortable"):
        tree.flatten({1: 0, "a": 1})
