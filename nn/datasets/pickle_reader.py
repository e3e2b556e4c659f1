"""A pickle read as data, never run: its opcodes (parsed by pickletools.genops, which
executes nothing) build only None, bools, ints, floats, str, bytes, lists, tuples, dicts
and NumPy arrays.

A pickle names the callables that rebuild its objects (GLOBAL, STACK_GLOBAL) and calls them
(REDUCE, BUILD): that is how a crafted file runs code (os.system via REDUCE). Here the only
names accepted are NumPy's own array reconstruction (ACCEPTED_GLOBALS), each carried out by
this module on checked arguments, never by calling what the file names; any other name, and
any opcode that makes class instances (INST, OBJ, NEWOBJ, extensions, persistent ids,
out-of-band buffers), raises RefusedPickle naming the file and what it asked for.

What it builds is checked as data: an object array's list holds exactly its item count
(NumPy would read past a short one), dict keys are strings, bytes or numbers, nesting stops
at _MAX_DEPTH levels, a global never called or a bare dtype is refused, and protocol 0's
numbers are read only in the forms pickle.load reads alike.

Python 2's str (STRING, BINSTRING, SHORT_BINSTRING) is decoded as pickle.load's `encoding`
decodes it: 'ASCII' (its default), 'latin1', or 'bytes' to keep it bytes.
"""
import io
import math
import pickletools
import re

import numpy as np

_RECONSTRUCT = "numpy.multiarray._reconstruct"
_FROMBUFFER = "numpy.numeric._frombuffer"
# {(module, name) a pickle may name: what this reader does for it}. NumPy 1 spells its
# modules numpy.core, NumPy 2 numpy._core; protocol 2 writes Python 3's bytes as
# _codecs.encode(text, 'latin1'), and b'' (an empty array's data) as bytes(); protocol 5
# writes a plain array as _frombuffer.
ACCEPTED_GLOBALS = {
    ("numpy", "ndarray"): "numpy.ndarray",
    ("numpy", "dtype"): "numpy.dtype",
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy.core.numeric", "_frombuffer"): _FROMBUFFER,
    ("numpy._core.numeric", "_frombuffer"): _FROMBUFFER,
    ("_codecs", "encode"): "_codecs.encode",
    ("__builtin__", "bytes"): "bytes",
    ("builtins", "bytes"): "bytes",
}
ENCODINGS = ("ASCII", "latin1", "bytes")
# 'u1', '<f8', 'O8', 'S5': bools, numbers, bytes, text and objects (no structured, void,
# datetime or NumPy 2's StringDType 'T', whose data are not plain bytes or our objects)
_TYPESTR = re.compile(r"[<>|=]?[?biufcSUO]\d*")
_MAX_DEPTH = 100  # (containers inside containers: a dataset's files nest two or three deep)
_KEY_TYPES = (str, bytes, int, float, bool, type(None))  # (flat: hashing a deep tuple crashes)
_SCALARS = frozenset(_KEY_TYPES)


class RefusedPickle(ValueError):
    """A pickle that asks for more than data (see the top), or is malformed; the message
    names the file."""


_STOP = object()  # (what the STOP opcode's handler returns)
_END = object()  # (an iterator's end, in _check_data)


class _Global:
    """An accepted global, as the file named it: only REDUCE (or _reconstruct) uses it."""

    def __init__(self, role):
        self.role = role


def read_pickle(data, source, encoding="ASCII"):
    """The object the pickle `data` (bytes) holds, built as data (see the top); `source`
    names the file in errors."""
    if encoding not in ENCODINGS:
        raise ValueError(f"read_pickle: encoding must be one of {ENCODINGS}, got {encoding!r}")
    return _Reader(source, encoding).run(data)


class _Reader:
    """The pickle machine's stack, marks and memo, one handler per opcode accepted."""

    def __init__(self, source, encoding):
        self.source, self.encoding = source, encoding
        self.stack, self.marks, self.memo = [], [], {}

    def run(self, data):
        data = bytes(data)
        stream, handlers = io.BytesIO(data), {}
        try:
            pos = 0
            while pos < len(data):
                code = data[pos]
                if code in _SMALL_INTS and pos + 5 <= len(data):  # (the bulk of a file of
                    pos = _read_ints(data, pos, self.stack)  # sequences: read inline)
                    continue
                opcode, arg, pos_next = _decode(stream, data, pos)
                handler = handlers.get(code)
                if handler is None:
                    handler = handlers[code] = self._handler(opcode, pos)
                self.pos = pos
                if handler(arg) is _STOP:
                    return self._result()
                pos = pos_next
        except RefusedPickle:
            raise
        except (ValueError, TypeError, IndexError, KeyError, UnicodeError, MemoryError,
                OverflowError, RuntimeError) as exc:  # (the last three: NumPy on huge shapes)
            raise self.refuse(f"a malformed pickle ({type(exc).__name__}: {exc})") from None
        raise self.refuse("a pickle that ends without its STOP opcode")

    def _handler(self, opcode, pos):
        if opcode.name == "STOP":
            return lambda arg: _STOP
        handler = getattr(self, "op_" + opcode.name, None)
        if handler is None:
            raise self.refuse(f"opcode {opcode.name} at byte {pos} (it builds objects other "
                              "than data)")
        return handler

    def refuse(self, what):
        return RefusedPickle(f"{self.source}: refused to read {what}; nothing in it was run")

    def _result(self):
        if self.marks or len(self.stack) != 1:
            raise self.refuse("a pickle that does not end with one value")
        self._check_data(self.stack[0])
        return self.stack[0]

    def _check_data(self, value):
        """Refuse a value holding anything but data (a global not called, a bare dtype) or
        nested deeper than _MAX_DEPTH: each container's height measured once, without
        recursion (shared containers by their real height; a container inside itself, as
        pickle allows, adds nothing)."""
        heights, path = {}, set()
        stack = [self._frame(value, path)] if self._contents(value) is not None else []
        while stack:
            frame = stack[-1]
            child = next(frame[1], _END)
            if child is _END:  # (all its contents measured: its own height)
                stack.pop()
                path.discard(id(frame[0]))
                height = heights[id(frame[0])] = frame[2] + 1
                if height > _MAX_DEPTH:
                    raise self.refuse(f"data nested deeper than {_MAX_DEPTH} levels")
                if stack:
                    stack[-1][2] = max(stack[-1][2], height)
            elif id(child) in heights:
                frame[2] = max(frame[2], heights[id(child)])
            elif id(child) not in path and self._contents(child) is not None:
                stack.append(self._frame(child, path))

    def _frame(self, container, path):
        """[container, an iterator of what it holds to walk, the height below so far]."""
        path.add(id(container))
        items = self._contents(container)
        # (a list of plain scalars, as a sequence of word ids: one pass in C, nothing to walk)
        walked = () if set(map(type, items)) <= _SCALARS else items
        return [container, iter(walked), 0]

    def _contents(self, value):
        """What a container holds (an object array's items, a dict's keys and values); None
        for a value that holds nothing; a global or dtype refused."""
        if isinstance(value, (_Global, np.dtype)):
            raise self.refuse(f"a value holding a {type(value).__name__} (only data is read)")
        if isinstance(value, np.ndarray):
            return value.ravel().tolist() if value.dtype.hasobject else None
        if isinstance(value, dict):
            return [*value.keys(), *value.values()]
        return value if isinstance(value, (list, tuple)) else None

    # ----- the stack, marks and memo -----
    def pop_mark(self):
        items, self.stack = self.stack, self.marks.pop()
        return items

    def op_PROTO(self, arg):
        pass

    def op_FRAME(self, arg):
        pass  # (frames only group opcodes: genops reads through them)

    def op_MARK(self, arg):
        self.marks.append(self.stack)
        self.stack = []

    def op_POP(self, arg):
        if self.stack:
            self.stack.pop()
        else:
            self.pop_mark()

    def op_POP_MARK(self, arg):
        self.pop_mark()

    def op_DUP(self, arg):
        self.stack.append(self.stack[-1])

    def op_PUT(self, arg):
        self.memo[arg] = self.stack[-1]

    op_BINPUT = op_LONG_BINPUT = op_PUT

    def op_MEMOIZE(self, arg):
        self.memo[len(self.memo)] = self.stack[-1]

    def op_GET(self, arg):
        self.stack.append(self.memo[arg])

    op_BINGET = op_LONG_BINGET = op_GET

    # ----- values -----
    def push(self, arg):
        self.stack.append(arg)

    op_INT = op_BININT = op_BININT1 = op_BININT2 = op_LONG = op_LONG1 = op_LONG4 = push
    op_FLOAT = op_BINFLOAT = push
    op_UNICODE = op_BINUNICODE = op_SHORT_BINUNICODE = op_BINUNICODE8 = push
    op_BINBYTES = op_SHORT_BINBYTES = op_BINBYTES8 = op_BYTEARRAY8 = push

    def op_NONE(self, arg):
        self.push(None)

    def op_NEWTRUE(self, arg):
        self.push(True)

    def op_NEWFALSE(self, arg):
        self.push(False)

    def op_STRING(self, arg):
        """Python 2's str: genops gives it as text, byte for byte (latin-1)."""
        raw = arg.encode("latin-1")
        self.push(raw if self.encoding == "bytes" else raw.decode(self.encoding))

    op_BINSTRING = op_SHORT_BINSTRING = op_STRING

    # ----- containers -----
    def op_EMPTY_LIST(self, arg):
        self.push([])

    def op_LIST(self, arg):
        self.push(self.pop_mark())

    def op_APPEND(self, arg):
        value = self.stack.pop()
        self._list().append(value)

    def op_APPENDS(self, arg):
        items = self.pop_mark()
        self._list().extend(items)

    def _list(self):
        if not isinstance(self.stack[-1], list):
            raise self.refuse(f"an append to a {type(self.stack[-1]).__name__} at byte "
                              f"{self.pos}")
        return self.stack[-1]

    def op_EMPTY_TUPLE(self, arg):
        self.push(())

    def op_TUPLE(self, arg):
        self.push(tuple(self.pop_mark()))

    def op_TUPLE1(self, arg):
        self._tuple_of_last(1)

    def op_TUPLE2(self, arg):
        self._tuple_of_last(2)

    def op_TUPLE3(self, arg):
        self._tuple_of_last(3)

    def _tuple_of_last(self, count):
        if len(self.stack) < count:
            raise self.refuse(f"a tuple of {count} items from a stack of {len(self.stack)} "
                              f"at byte {self.pos}")
        self.stack[-count:] = [tuple(self.stack[-count:])]

    def op_EMPTY_DICT(self, arg):
        self.push({})

    def op_DICT(self, arg):
        self.push(dict(self._pairs(self.pop_mark())))

    def op_SETITEM(self, arg):
        value = self.stack.pop()
        key = self.stack.pop()
        self._dict().update(self._pairs([key, value]))

    def op_SETITEMS(self, arg):
        items = self.pop_mark()
        self._dict().update(self._pairs(items))

    def _pairs(self, items):
        """(key, value) pairs of alternating `items`: an even count, flat keys."""
        if len(items) % 2 or not all(isinstance(k, _KEY_TYPES) for k in items[::2]):
            raise self.refuse(f"dict items at byte {self.pos} (an odd count, or keys that "
                              "are not strings, bytes or numbers)")
        return zip(items[::2], items[1::2])

    def _dict(self):
        if not isinstance(self.stack[-1], dict):
            raise self.refuse(f"an item set on a {type(self.stack[-1]).__name__} at byte "
                              f"{self.pos}")
        return self.stack[-1]

    # ----- NumPy's arrays: the accepted globals -----
    def op_GLOBAL(self, arg):
        module, _, name = arg.partition(" ")
        self._global(module, name)

    def op_STACK_GLOBAL(self, arg):
        name = self.stack.pop()
        module = self.stack.pop()
        if not (isinstance(module, str) and isinstance(name, str)):
            raise self.refuse(f"a global named by non-strings at byte {self.pos}")
        self._global(module, name)

    def _global(self, module, name):
        role = ACCEPTED_GLOBALS.get((module, name))
        if role is None:
            raise self.refuse(f"the global {module}.{name} at byte {self.pos} (only NumPy's "
                              "array reconstruction is accepted)")
        self.push(_Global(role))

    def op_REDUCE(self, arg):
        args = self.stack.pop()
        func = self.stack.pop()
        role = func.role if isinstance(func, _Global) else None
        build = _REDUCERS.get(role)
        if build is None or not isinstance(args, tuple):
            raise self.refuse(f"a call of {role or type(func).__name__} at byte {self.pos}")
        self.push(build(self, *args))

    def op_BUILD(self, arg):
        state = self.stack.pop()
        target = self.stack[-1]
        if isinstance(target, np.dtype):
            target.__setstate__(self._dtype_state(target, state))  # (our copy: see _dtype)
        elif isinstance(target, np.ndarray):
            self._set_array_state(target, state)
        else:
            raise self.refuse(f"a state set on a {type(target).__name__} at byte {self.pos}")

    def _dtype(self, typestr, align=False, copy=True):
        """numpy.dtype(typestr, align, copy), always a copy: BUILD then sets its byte order
        and size without touching NumPy's shared dtypes."""
        if isinstance(typestr, bytes):
            typestr = typestr.decode("latin-1")
        if not (isinstance(typestr, str) and _TYPESTR.fullmatch(typestr)):
            raise self.refuse(f"a dtype {_brief(typestr)} at byte {self.pos} (only simple dtypes "
                              "are read)")
        return np.dtype(typestr, bool(align), True)

    def _dtype_state(self, dtype, state):
        """A dtype's state, accepted only where it is what NumPy itself writes for `dtype` in
        that byte order: its flags tell NumPy whether the data are object pointers, so a
        forged one would let raw bytes be taken for pointers."""
        order = state[1] if isinstance(state, tuple) and len(state) > 1 else None
        order = order.decode("latin-1") if isinstance(order, bytes) else order
        if order in ("<", ">", "|", "="):
            state = (state[0], order) + state[2:]
            if state == dtype.newbyteorder(order).__reduce__()[2]:
                return state
        raise self.refuse(f"a dtype state {_brief(state)} at byte {self.pos} (not NumPy's own for "
                          f"{dtype.str}; only simple dtypes are read)")

    def _reconstruct(self, cls, shape, typecode):
        """numpy's _reconstruct(ndarray, shape, typecode): an empty array BUILD fills."""
        if not (isinstance(cls, _Global) and cls.role == "numpy.ndarray"):
            raise self.refuse(f"an array of another class than numpy.ndarray at byte "
                              f"{self.pos}")
        return np.empty((0,), np.int8)

    def _set_array_state(self, array, state):
        """ndarray.__setstate__ on a checked state ([version,] shape, dtype, is_fortran,
        data): an object dtype takes a list of what this reader built, any other dtype
        bytes (or Python 2's str as text)."""
        parts = state[1:] if isinstance(state, tuple) and len(state) == 5 else state
        if not (isinstance(parts, tuple) and len(parts) == 4 and _is_shape(parts[0])
                and isinstance(parts[1], np.dtype) and parts[1].fields is None):
            raise self.refuse(f"an array state at byte {self.pos} (not NumPy's)")
        data, is_object = parts[3], parts[1].hasobject
        if not isinstance(data, list if is_object else (bytes, bytearray, str)):
            raise self.refuse(f"array data of type {type(data).__name__} for dtype "
                              f"{parts[1]} at byte {self.pos}")
        if parts[1].itemsize == 0 and math.prod(parts[0]):  # (S0, U0: any count, in no
            raise self.refuse(f"an array of {math.prod(parts[0])} items of no size "  # bytes)
                              f"({parts[1]}) at byte {self.pos}")
        if is_object and len(data) != math.prod(parts[0]):  # (NumPy reads past a short
            raise self.refuse(f"an object array of shape {parts[0]} given {len(data)} "  # list)
                              f"items at byte {self.pos}")
        array.__setstate__(state)

    def _frombuffer(self, buffer, dtype, shape, order):
        """numpy's _frombuffer(buffer, dtype, shape, order) (protocol 5): a read-only view of
        the bytes, as pickle.load gives (a copy per call would let a file that names one
        buffer many times ask for many times its size)."""
        if not (isinstance(buffer, (bytes, bytearray)) and isinstance(dtype, np.dtype)
                and not dtype.hasobject and _is_shape(shape) and order in ("C", "F")):
            raise self.refuse(f"an array from a buffer at byte {self.pos} (not NumPy's)")
        return np.frombuffer(buffer, dtype).reshape(shape, order=order)

    def _encode(self, text, encoding):
        """_codecs.encode(text, 'latin1'): how protocol 2 writes Python 3's bytes."""
        if not (isinstance(text, str) and encoding in ("latin1", "latin-1")):
            raise self.refuse(f"_codecs.encode({_brief(text)}, {_brief(encoding)}) at byte "
                              f"{self.pos}")
        return text.encode("latin-1")

    def _empty_bytes(self):
        """bytes(): how protocol 2 writes b''."""
        return b""


_BININT1, _BININT2, _BININT = b"KMJ"
_SMALL_INTS = frozenset(b"KMJ")


def _read_ints(data, pos, stack):
    """Push the ints of the run of BININT1, BININT2 and BININT opcodes at `pos` (a list's
    batch of items; at least one, whole: pos + 5 <= len(data)); the position after the run.
    The last bytes are left to _decode, which reads a truncated argument as an error."""
    end = len(data) - 5
    while pos <= end:
        code = data[pos]
        if code == _BININT1:
            stack.append(data[pos + 1])
            pos += 2
        elif code == _BININT2:
            stack.append(data[pos + 1] | data[pos + 2] << 8)
            pos += 3
        elif code == _BININT:
            stack.append(int.from_bytes(data[pos + 1:pos + 5], "little", signed=True))
            pos += 5
        else:
            break
    return pos


def _decode(stream, data, pos):
    """(the opcode at `pos`, its argument, the position after it), read as genops reads
    them (pickletools' own argument readers: nothing is run)."""
    opcode = pickletools.code2op.get(chr(data[pos]))
    if opcode is None:
        raise ValueError(f"no opcode {data[pos]:#04x} at byte {pos}")
    if opcode.arg is None:
        return opcode, None, pos + 1
    if opcode.name in _TEXT_NUMBERS:
        _check_number_text(opcode.name, data[pos + 1:data.find(b"\n", pos + 1)], pos)
    stream.seek(pos + 1)
    return opcode, opcode.arg.reader(stream), stream.tell()


# protocol 0's numbers as text: pickletools reads them with int() and float(), which take
# forms pickle.load reads otherwise ('010' is 8 to it) or refuses ('1_0', ' 1.5')
_TEXT_NUMBERS = {"INT": re.compile(rb"0|0[01]|-?[1-9][0-9]*"),
                 "LONG": re.compile(rb"-?(0|[1-9][0-9]*)L?"),
                 "FLOAT": re.compile(rb"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?"
                                     rb"|[-+]?(inf|nan)")}


def _check_number_text(name, text, pos):
    if not _TEXT_NUMBERS[name].fullmatch(text):
        raise ValueError(f"{name} {text[:40]!r} at byte {pos} is not a number as pickle "
                         "writes one")


def _brief(value):
    """A file's value for an error message: a short str or bytes as itself, else its type
    (and length): never the repr of a large or deeply nested value."""
    if isinstance(value, (str, bytes)) and len(value) <= 40:
        return repr(value)
    size = f" of length {len(value)}" if isinstance(value, (str, bytes, list, tuple)) else ""
    return f"a {type(value).__name__}{size}"


def _is_shape(shape):
    return isinstance(shape, tuple) and all(isinstance(n, int) and n >= 0 for n in shape)


_REDUCERS = {"numpy.dtype": _Reader._dtype, _RECONSTRUCT: _Reader._reconstruct,
             _FROMBUFFER: _Reader._frombuffer, "_codecs.encode": _Reader._encode,
             "bytes": _Reader._empty_bytes}

__all__ = ["read_pickle", "RefusedPickle", "ACCEPTED_GLOBALS", "ENCODINGS"]
