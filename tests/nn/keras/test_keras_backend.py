"""keras.backend: Keras 3.15's exports, the same objects as keras.config's and
keras.utils', and get_uid / is_float_dtype / is_int_dtype / result_type with the values
Keras 3.15 gives (written down from real Keras on its torch backend)."""
import re
import threading

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import backend, config

KERAS_NAMES = ["backend", "clear_session", "epsilon", "floatx", "get_uid",
               "image_data_format", "is_float_dtype", "is_int_dtype", "is_keras_tensor",
               "result_type", "set_epsilon", "set_floatx", "set_image_data_format",
               "standardize_dtype"]

# result_type(row, column) in Keras 3.15, upper triangle: each row starts at its own column.
# "int" and "float" are Python's int and float (weakly typed scalars); b is bool, i8 int8,
# u8 uint8, f16 float16, bf16 bfloat16 and so on.
COLUMNS = "int float b i8 i16 i32 i64 u8 u16 u32 u64 f16 bf16 f32 f64".split()
PROMOTIONS = """
int   i32  f32  i32  i8   i16  i32  i32  u8   u16  u32  u32  f16  bf16 f32  f32
float f32  f32  f32  f32  f32  f32  f32  f32  f32  f32  f16  bf16 f32  f32
b     b    i8   i16  i32  i32  u8   u16  u32  u32  f16  bf16 f32  f32
i8    i8   i16  i32  i32  i16  i32  i32  f32  f16  bf16 f32  f32
i16   i16  i32  i32  i16  i32  i32  f32  f16  bf16 f32  f32
i32   i32  i32  i32  i32  i32  f32  f16  bf16 f32  f32
i64   i32  i32  i32  i32  f32  f16  bf16 f32  f32
u8    u8   u16  u32  u32  f16  bf16 f32  f32
u16   u16  u32  u32  f16  bf16 f32  f32
u32   u32  u32  f16  bf16 f32  f32
u64   u32  f16  bf16 f32  f32
f16   f16  f32  f32  f32
bf16  bf16 f32  f32
f32   f32  f32
f64   f32
"""
PYTHON_SCALARS = {"int": int, "float": float}
_KINDS = {"b": "bool", "i": "int", "u": "uint", "f": "float", "bf": "bfloat"}


def _dtype(code):
    if code in PYTHON_SCALARS:
        return PYTHON_SCALARS[code]
    kind, bits = re.fullmatch(r"([a-z]+)(\d*)", code).groups()
    return _KINDS[kind] + bits


def _pairs():
    for line in PROMOTIONS.strip().splitlines():
        row, *results = line.split()
        for column, expected in zip(COLUMNS[COLUMNS.index(row):], results):
            yield _dtype(row), _dtype(column), _dtype(expected)


@pytest.fixture(autouse=True)
def _restored():
    yield
    config.set_floatx("float32")
    keras.utils.clear_session()


def test_exports_keras_names_as_the_same_objects_as_config_and_utils():
    assert sorted(backend.__all__) == KERAS_NAMES
    assert keras.backend is backend
    for name in ("floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
                 "set_image_data_format", "backend"):
        assert getattr(backend, name) is getattr(config, name)
    for name in ("clear_session", "standardize_dtype", "is_keras_tensor"):
        assert getattr(backend, name) is getattr(keras.utils, name)


def test_result_type_pairs_are_keras_in_either_order():
    pairs = list(_pairs())
    assert len(pairs) == len(COLUMNS) * (len(COLUMNS) + 1) // 2
    for a, b, expected in pairs:
        assert backend.result_type(a, b) == expected, (a, b)
        assert backend.result_type(b, a) == expected, (b, a)


@pytest.mark.parametrize("dtype, expected", [
    (int, "int32"), (float, "float32"), (bool, "bool"), ("int8", "int8"),
    ("int64", "int32"), ("uint64", "uint32"), ("float16", "float16"),
    ("float64", "float32"), (None, "float32"), (np.float64, "float32"),
    (np.dtype("uint16"), "uint16"), ("complex64", "complex64"), ("string", "string"),
])
def test_result_type_of_one_dtype_is_keras(dtype, expected):
    assert backend.result_type(dtype) == expected


def test_result_type_of_several_and_of_none_is_keras():
    assert backend.result_type() == "float32"
    assert backend.result_type(None, "int8") == "float32"
    assert backend.result_type("int8", "uint8", "float16") == "float16"
    assert backend.result_type(int, float, "bool") == "float32"
    assert backend.result_type("int8", int, float) == "float32"
    assert backend.result_type("complex64", "float32") == "complex64"
    assert backend.result_type("complex64", int) == "complex64"


@pytest.mark.parametrize("floatx, expected", [
    ("float16", ["int16", "float16", "float16", "float16", "uint8", "int16", "float32",
                 "float16", "float16"]),
    ("float64", ["int32", "float32", "float32", "float32", "uint8", "int32", "float32",
                 "float32", "float16"]),
])
def test_python_scalars_take_floatx_width_as_in_keras(floatx, expected):
    config.set_floatx(floatx)
    cases = [(int,), (float,), (int, float), ("int8", float), ("uint8", int), (bool, int),
             ("float64",), (None,), ("float16", float)]
    assert [backend.result_type(*case) for case in cases] == expected


def test_result_type_refuses_what_keras_refuses():
    with pytest.raises(ValueError, match="not a valid dtype for Keras type promotion"):
        backend.result_type("string", "float32")
    with pytest.raises(ValueError, match="not a valid dtype for Keras type promotion"):
        backend.result_type("string", int)
    with pytest.raises(ValueError, match="Invalid dtype"):
        backend.result_type("foo")


@pytest.mark.parametrize("dtype, is_float, is_int", [
    ("float16", True, False), ("bfloat16", True, False), ("float64", True, False),
    ("int8", False, True), ("uint64", False, True), ("bool", False, False),
    ("complex64", False, False), ("string", False, False), (int, False, True),
    (float, True, False), (bool, False, False), (None, True, False),
])
def test_float_and_int_predicates_are_keras(dtype, is_float, is_int):
    assert backend.is_float_dtype(dtype) is is_float
    assert backend.is_int_dtype(dtype) is is_int


def test_get_uid_counts_per_prefix_per_thread_until_clear_session():
    assert [backend.get_uid("dense"), backend.get_uid("dense"), backend.get_uid(),
            backend.get_uid("x")] == [1, 2, 1, 1]
    out = []
    thread = threading.Thread(target=lambda: out.append(backend.get_uid("dense")))
    thread.start()
    thread.join()
    assert out == [1]
    backend.clear_session()
    assert backend.get_uid("dense") == 1
