"""CuPy's ElementwiseKernel and ReductionKernel for fake_cupy: the kernels' C bodies run.

rungrad's fused kernels (autograd/cuda_kernels.py) are C source that only a GPU compiles.
So that CI runs that very source, this stand-in reads it: the parameter lists as CuPy does
(type placeholders such as T bound from the arguments, `raw` arrays indexed by the flat index
`i`, outputs allocated when not given), and the body's statements as C expressions, turned
into NumPy calls by a small recursive-descent parser (C's precedence, `?:`, casts, integer
`/` and `%` truncating toward zero). Each statement runs on whole arrays at once: no body
here reads an output written for another element, so that is the same as CuPy's one thread
per element. A kernel CuPy would refuse (two dtypes bound to one placeholder, a NumPy array
among device ones) is refused here too.
"""
import re

import numpy as np

_TOKEN = re.compile(r"\s*(?:(\d+\.\d*(?:[eE][-+]?\d+)?f?|\d+)|([A-Za-z_]\w*)|"
                    r"(\|\||&&|==|!=|<=|>=|[-+*/%<>?:()\[\],!]))")
_MATH = {"exp": np.exp, "tanh": np.tanh, "log": np.log, "sqrt": np.sqrt, "abs": np.abs,
         "max": np.maximum, "min": np.minimum}
_BINARY = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]


def _tokens(text):
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SyntaxError(f"fake kernel: cannot read {text[position:]!r}")
        tokens.append(match.group(match.lastindex))
        position = match.end()
    return tokens


class _Expression:
    """A C expression as a function of a namespace of arrays (values) and types (casts)."""

    def __init__(self, text, types):
        self.tokens, self.at, self.types = _tokens(text), 0, types
        self.evaluate = self._ternary()
        if self.at != len(self.tokens):
            raise SyntaxError(f"fake kernel: unread {self.tokens[self.at:]} in {text!r}")

    def _peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, expected=None):
        token = self._peek()
        if expected is not None and token != expected:
            raise SyntaxError(f"fake kernel: expected {expected!r}, got {token!r}")
        self.at += 1
        return token

    def _ternary(self):
        condition = self._binary(0)
        if self._peek() != "?":
            return condition
        self._take("?")
        chosen = self._ternary()
        self._take(":")
        other = self._ternary()
        return lambda ns: np.where(condition(ns), chosen(ns), other(ns))

    def _binary(self, level):
        if level == len(_BINARY):
            return self._unary()
        left = self._binary(level + 1)
        while self._peek() in _BINARY[level]:
            operator = self._take()
            right = self._binary(level + 1)
            left = _combine(operator, left, right)
        return left

    def _unary(self):
        token = self._peek()
        if token in ("-", "!", "+"):
            self._take()
            operand = self._unary()
            return {"-": lambda ns: -operand(ns), "+": operand,
                    "!": lambda ns: np.logical_not(operand(ns))}[token]
        if token == "(" and self.tokens[self.at + 1:self.at + 3] in (
                [name, ")"] for name in self.types):  # a cast: (T)x
            self._take("(")
            name = self._take()
            self._take(")")
            operand = self._unary()
            return lambda ns: _cast(operand(ns), ns[name])
        return self._postfix()

    def _postfix(self):
        primary = self._primary()
        if self._peek() != "[":
            return primary
        self._take("[")
        index = self._ternary()
        self._take("]")
        return lambda ns: primary(ns).ravel()[index(ns)]  # (raw: C-order flat index)

    def _primary(self):
        token = self._take()
        if token == "(":
            inner = self._ternary()
            self._take(")")
            return inner
        if token[0].isdigit():
            value = float(token.rstrip("f")) if "." in token else int(token)
            return lambda ns: value
        if self._peek() == "(":
            self._take("(")
            arguments = [self._ternary()]
            while self._peek() == ",":
                self._take(",")
                arguments.append(self._ternary())
            self._take(")")
            function = _MATH[token]
            return lambda ns: function(*[a(ns) for a in arguments])
        return lambda ns: ns[token]


def _combine(operator, left, right):
    functions = {"||": np.logical_or, "&&": np.logical_and, "==": np.equal, "!=": np.not_equal,
                 "<": np.less, ">": np.greater, "<=": np.less_equal, ">=": np.greater_equal,
                 "+": np.add, "-": np.subtract, "*": np.multiply, "/": _divide,
                 "%": np.fmod}  # (C's %: the sign of the dividend)
    function = functions[operator]
    return lambda ns: function(left(ns), right(ns))


def _integral(*values):
    return all(np.asarray(v).dtype.kind in "iub" for v in values)


def _divide(a, b):
    """C's `/`: integers truncate toward zero."""
    if not _integral(a, b):
        return np.true_divide(a, b)
    quotient = np.floor_divide(a, b)
    return quotient + ((np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))


def _cast(value, dtype):
    return np.asarray(value).astype(dtype)


def _parameters(text):
    """CuPy's parameter list: [(name, type name, raw)] from e.g. "raw T x, int64 n"."""
    found = []
    for part in text.split(","):
        words = part.split()
        raw = words[0] == "raw"
        type_name, name = words[-2], words[-1]
        found.append((name, type_name, raw))
    return found


def _bind(parameters, values, kernel):
    """The types of the placeholders (single capital letters) from the arrays given."""
    types = {}
    for (name, type_name, _), value in zip(parameters, values):
        if type_name in _SPECIFIC or value is None or np.ndim(value) == 0 and not hasattr(
                value, "_host"):
            continue
        dtype = _host_of(value).dtype
        if types.setdefault(type_name, dtype) != dtype:
            raise TypeError(f"{kernel}: type is mismatched: {name} is {dtype}, "
                            f"{type_name} is {types[type_name]}")
    for (_, type_name, _), value in zip(parameters, values):  # scalars alone
        if type_name not in _SPECIFIC and type_name not in types and value is not None:
            types[type_name] = np.asarray(_host_of(value)).dtype
    return types


_SPECIFIC = {name: np.dtype(name) for name in ("int64", "int32", "float32", "float64", "bool")}


def _host_of(value):
    return value._host if hasattr(value, "_host") else value


def _refuse_host_arrays(values, kernel):
    for value in values:
        if isinstance(value, np.ndarray):
            raise TypeError(f"{kernel}: Unsupported type {type(value)}")


class _Kernel:
    """What both kinds share: parameters, types, the namespace the body reads."""

    def __init__(self, in_params, out_params, name):
        self.inputs, self.outputs = _parameters(in_params), _parameters(out_params)
        self.name = name

    def _namespace(self, args):
        from . import fake_cupy
        fake_cupy._operation(self.name)
        given = list(args) + [None] * (len(self.inputs) + len(self.outputs) - len(args))
        _refuse_host_arrays(given, self.name)
        parameters = self.inputs + self.outputs
        types = {**_SPECIFIC, **_bind(parameters, given, self.name)}
        shape = np.broadcast_shapes(*[np.shape(_host_of(v)) for (_, _, raw), v in
                                      zip(parameters, given) if v is not None and not raw])
        namespace = dict(types, i=np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape))
        for (name, type_name, raw), value in zip(self.inputs, given):
            value = _host_of(value)
            namespace[name] = value if raw or np.ndim(value) else types[type_name].type(value)
        return namespace, given[len(self.inputs):], shape, types


class ElementwiseKernel(_Kernel):
    """cupy.ElementwiseKernel(in_params, out_params, operation, name)."""

    def __init__(self, in_params, out_params, operation, name="kernel", **options):
        super().__init__(in_params, out_params, name)
        self.statements = [s.strip() for s in operation.split(";") if s.strip()]

    def __call__(self, *args, size=None):
        from . import fake_cupy
        namespace, outputs, shape, types = self._namespace(args)
        arrays = []
        for (name, type_name, _), value in zip(self.outputs, outputs):
            if value is None:
                value = fake_cupy.ndarray(np.zeros(shape, types[type_name]))
            arrays.append(value)
            namespace[name] = np.broadcast_to(value._host, shape).copy()
        declared = {name: types[type_name] for name, type_name, _ in self.outputs}
        for statement in self.statements:
            self._run(statement, namespace, declared, types)
        for (name, _, _), value in zip(self.outputs, arrays):
            value._host[...] = namespace[name]
        return arrays[0] if len(arrays) == 1 else tuple(arrays)

    def _run(self, statement, namespace, declared, types):
        match = re.fullmatch(r"(?:([A-Za-z_]\w*)\s+)?([A-Za-z_]\w*)\s*([-+*/]?=)\s*(.+)",
                             statement, re.S)
        if match is None:
            raise SyntaxError(f"{self.name}: cannot run {statement!r}")
        type_name, target, operator, text = match.groups()
        if type_name is not None:
            declared[target] = types[type_name]
        value = _Expression(text, types).evaluate(namespace)
        if operator != "=":
            value = _combine(operator[0], lambda ns: ns[target], lambda ns: value)(namespace)
        namespace[target] = _cast(value, declared[target])


class ReductionKernel(_Kernel):
    """cupy.ReductionKernel(in_params, out_params, map_expr, reduce_expr, post_map_expr,
    identity, name): sums only (`a + b`, `y = a`), as rungrad's kernels use."""

    def __init__(self, in_params, out_params, map_expr, reduce_expr, post_map_expr,
                 identity, name="reduce_kernel", **options):
        if reduce_expr.replace(" ", "") != "a+b" or post_map_expr.replace(" ", "") != "y=a":
            raise NotImplementedError("fake ReductionKernel: sums only")
        super().__init__(in_params, out_params, name)
        self.map_expr = map_expr

    def __call__(self, *args, axis=None, keepdims=False):
        from . import fake_cupy
        namespace, _, shape, types = self._namespace(args)
        mapped = np.broadcast_to(_Expression(self.map_expr, types).evaluate(namespace), shape)
        out_type = types[self.outputs[0][1]]
        total = np.sum(mapped.astype(out_type), axis=axis, keepdims=keepdims, dtype=out_type)
        return fake_cupy.ndarray(np.asarray(total))
