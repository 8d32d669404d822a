"""A checked derivation as a Python module of vectorised NumPy code, with a gradient check.

The module holds `f(...)`, the equation's right-hand side; one function for the derivative
asked for, in the layout the derivation states (its docstring says which); and
`check_gradient()`, which compares that function with central differences of `f` at a random
point. It is printed from the derivation's data: a derivative with at most two axes from its
assembled matrix (`W.T`, `2 (W x - t) xᵀ`), one with three or more from its general entry,
as `np.einsum` over the entry's indices. Every array is 2-D, as in the equation: a column
vector of length D has shape (D, 1), a row vector (1, D), a scalar (1, 1).

Only the generated code needs NumPy; this printer writes text and imports none of it.
Anything it has no NumPy form for raises one DerivgenError naming it, never wrong code.
"""

from __future__ import annotations

import keyword
import re
import string
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sympy
from sympy.matrices.expressions.special import OneMatrix, ZeroMatrix

from derivgen._version import __version__
from derivgen.errors import DerivgenError
from derivgen.model.ops.determinant import cofactor, determinant
from derivgen.model.ops.elementwise import ELEMENTWISE, Applied
from derivgen.model.ops.inverse import inverse_entry
from derivgen.model.ops.reduction import EntrySum
from derivgen.render.printers import to_text
from derivgen.render.prose import arrangement
from derivgen.verify import Checked

_FUNCTIONS = {name: f"np.{name}" for name in ELEMENTWISE if name != "sigma"} | {"sigma": "_sigma"}
_SIGMA = '''

def _sigma(u):
    """The logistic function 1 / (1 + e^(-u)), entry by entry."""
    return 1 / (1 + np.exp(-u))
'''
_WIDTH = 88
_RESERVED = {"f", "np", "check_gradient", "_sigma", "_central_differences", "_random_arguments"}


_ATOMIC = (
    sympy.MatrixSymbol,
    sympy.Symbol,
    sympy.Integer,
    sympy.Transpose,
    sympy.Inverse,
    sympy.Determinant,
    sympy.Trace,
    sympy.Identity,
    sympy.Function,
    Applied,
    EntrySum,
)
"""What prints as a name, a number, a call or `X.T`: no brackets needed around it."""


class NumpyUnsupportedError(DerivgenError):
    """A derivation with a construct --format numpy has no NumPy form for (yet)."""


def _unsupported(what: object) -> NumpyUnsupportedError:
    return NumpyUnsupportedError(f"--format numpy cannot write {what} as NumPy code yet")


@dataclass(frozen=True)
class _Arrays:
    """The equation's inputs: each name's shape, to read sizes from and to index vectors."""

    shapes: Mapping[str, tuple[sympy.Basic, sympy.Basic]]

    def bindings(self, code: str, sizes: Iterable[sympy.Symbol]) -> list[str]:
        """`C = W.shape[0]` for each size the code names."""
        words = set(re.findall(r"\w+", code))
        lines = []
        for size in sorted(sizes, key=str):
            if size.name not in words:
                continue
            found = next(
                ((n, a) for n, shape in self.shapes.items() for a in (0, 1) if shape[a] == size),
                None,
            )
            if found is None:
                raise _unsupported(f"the size {size}, which no argument has")
            lines.append(f"{size.name} = {found[0]}.shape[{found[1]}]")
        return lines


class _MatrixPrinter:
    """A matrix expression of derivgen's results as NumPy, one method per sympy class."""

    def __init__(self, arrays: _Arrays) -> None:
        self.arrays = arrays
        self.uses_sigma = False

    def print(self, expr: sympy.Basic) -> str:
        for cls in type(expr).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method(expr)
        raise _unsupported(f"{type(expr).__name__} ({expr})")

    def _group(self, expr: sympy.Basic) -> str:
        printed = self.print(expr)
        atomic = isinstance(expr, _ATOMIC)
        return printed if atomic and not printed.startswith("-") else f"({printed})"

    def _print_MatrixSymbol(self, expr: sympy.MatrixSymbol) -> str:
        return expr.name

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        if expr.name in self.arrays.shapes:  # a 1x1 input used as a number
            return f"{expr.name}[0, 0]"
        return expr.name

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return str(int(expr))

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"{expr.p} / {expr.q}"

    def _print_Float(self, expr: sympy.Float) -> str:
        return repr(float(expr))

    def _print_MatMul(self, expr: sympy.MatMul) -> str:
        scalars = [a for a in expr.args if not getattr(a, "is_Matrix", False)]
        matrices = [a for a in expr.args if getattr(a, "is_Matrix", False)]
        product = " @ ".join(self._group(m) for m in matrices)
        return self._scaled(scalars, product)

    def _scaled(self, scalars: Sequence[sympy.Basic], product: str) -> str:
        if not scalars:
            return product
        if scalars == [sympy.S.NegativeOne]:
            return f"-{product}"
        factors = " * ".join(self._group(s) for s in scalars)
        return f"{factors} * {product}" if product else factors

    def _print_Mul(self, expr: sympy.Mul) -> str:
        return self._scaled(list(expr.args), "")

    def _print_MatAdd(self, expr: sympy.Basic) -> str:
        out = ""
        for term in expr.args:
            printed = self.print(term)
            if not out:
                out = printed
            elif printed.startswith("-"):
                out += " - " + printed[1:]
            else:
                out += " + " + printed
        return out

    _print_Add = _print_MatAdd

    def _print_Pow(self, expr: sympy.Pow) -> str:
        return f"{self._group(expr.base)} ** {self._group(expr.exp)}"

    def _print_Transpose(self, expr: sympy.Transpose) -> str:
        return f"{self._group(expr.arg)}.T"

    def _print_Inverse(self, expr: sympy.Inverse) -> str:
        return f"np.linalg.inv({self.print(expr.arg)})"

    def _print_MatPow(self, expr: sympy.MatPow) -> str:
        if not expr.exp.is_Integer:
            raise _unsupported(f"the power {expr}")
        return f"np.linalg.matrix_power({self.print(expr.base)}, {int(expr.exp)})"

    def _print_Determinant(self, expr: sympy.Determinant) -> str:
        return f"np.linalg.det({self.print(expr.arg)})"

    def _print_EntrySum(self, expr: EntrySum) -> str:
        return f"np.sum({self.print(expr.arg)}).reshape(1, 1)"

    def _print_Trace(self, expr: sympy.Trace) -> str:
        return f"np.trace({self.print(expr.arg)})"

    def _print_HadamardProduct(self, expr: sympy.HadamardProduct) -> str:
        return " * ".join(self._group(a) for a in expr.args)

    def _print_HadamardPower(self, expr: sympy.HadamardPower) -> str:
        return f"{self._group(expr.base)} ** {self._group(expr.exp)}"

    def _print_KroneckerProduct(self, expr: sympy.KroneckerProduct) -> str:
        printed = self.print(expr.args[0])
        for factor in expr.args[1:]:
            printed = f"np.kron({printed}, {self.print(factor)})"
        return printed

    def _print_DiagMatrix(self, expr: sympy.Basic) -> str:
        return f"np.diagflat({self.print(expr.args[0])})"

    def _print_Identity(self, expr: sympy.Identity) -> str:
        return f"np.eye({self.print(expr.rows)})"

    def _print_OneMatrix(self, expr: OneMatrix) -> str:
        return f"np.ones(({self.print(expr.rows)}, {self.print(expr.cols)}))"

    def _print_ZeroMatrix(self, expr: ZeroMatrix) -> str:
        return f"np.zeros(({self.print(expr.rows)}, {self.print(expr.cols)}))"

    def _print_Applied(self, expr: Applied) -> str:
        return self._function(expr.function, self.print(expr.arg))

    def _print_Function(self, expr: sympy.Function) -> str:
        name = type(expr).__name__
        if name not in _FUNCTIONS or len(expr.args) != 1:
            raise _unsupported(f"the function {name}")
        return self._function(name, self.print(expr.args[0]))

    def _function(self, name: str, argument: str) -> str:
        self.uses_sigma |= name == "sigma"
        return f"{_FUNCTIONS[name]}({argument})"


@dataclass(frozen=True)
class _Term:
    """An array as code, with the index each of its axes runs over."""

    code: str
    indices: tuple[sympy.Symbol, ...]


class _EinsumPrinter:
    """An index formula (the general entry) as NumPy arrays combined by `np.einsum`.

    Each entry `W[j, k]` is the array W over (j, k), a vector's entry the vector's one axis,
    δ_{i,j} the identity over (i, j), an entry of X⁻¹ the inverse; a product is an einsum
    that keeps every index it holds, a sum over k an einsum that drops k. Sums are reduced
    where they stand, so a summation index never meets another of the same name.
    """

    def __init__(self, arrays: _Arrays, matrix: _MatrixPrinter) -> None:
        self.arrays = arrays
        self.matrix = matrix
        self.sizes: dict[sympy.Symbol, sympy.Basic] = {}

    def array(self, expr: sympy.Basic) -> _Term:
        if expr.is_Number:
            return _Term(self.matrix.print(expr), ())
        if isinstance(expr, sympy.Indexed):
            return self._entry(expr)
        if isinstance(expr, sympy.KroneckerDelta):
            i, j = expr.args
            return _Term(f"np.eye({self._size(i)})", (i, j))
        if isinstance(expr, inverse_entry | cofactor | determinant):
            return self._entry_function(expr)
        if isinstance(expr, sympy.Symbol):
            return _Term(self.matrix.print(expr), ())
        if isinstance(expr, sympy.Mul):
            return self.combine([self.array(a) for a in expr.args], None)
        if isinstance(expr, sympy.Add):
            return self._add([self.array(a) for a in expr.args])
        if isinstance(expr, sympy.Pow):
            base, power = self.array(expr.base), self.array(expr.exp)
            if power.indices:
                raise _unsupported(f"the power {expr}")
            return _Term(f"({base.code}) ** ({power.code})", base.indices)
        if isinstance(expr, sympy.Sum):
            return self._sum(expr)
        if isinstance(expr, sympy.Function) and type(expr).__name__ in _FUNCTIONS:
            inner = self.array(expr.args[0])
            return _Term(self.matrix._function(type(expr).__name__, inner.code), inner.indices)
        raise _unsupported(f"{type(expr).__name__} ({expr})")

    def over(self, expr: sympy.Basic, order: tuple[sympy.Symbol, ...]) -> _Term:
        """`expr` as an array over `order`: a product in one einsum straight into that order."""
        if isinstance(expr, sympy.Mul):
            terms = [self.array(a) for a in expr.args]
            if {i for t in terms for i in t.indices} == set(order):
                return self.combine(terms, order)
        return self.broadcast(self.array(expr), order)

    def _entry(self, expr: sympy.Indexed) -> _Term:
        name = str(expr.base.label)
        if name not in self.arrays.shapes or not all(
            isinstance(i, sympy.Symbol) for i in expr.indices
        ):
            raise _unsupported(f"the entry {expr}")
        cols = self.arrays.shapes[name][1]
        if len(expr.indices) == 2:
            return _Term(name, tuple(expr.indices))
        return _Term(f"{name}[:, 0]" if cols == 1 else f"{name}[0, :]", tuple(expr.indices))

    def _axis_sizes(self, expr: sympy.Indexed) -> tuple[sympy.Basic, ...]:
        """The length of each axis an entry's indices run over (a vector's one axis)."""
        rows, cols = self.arrays.shapes.get(str(expr.base.label), (None, None))
        axes = (rows, cols) if len(expr.indices) == 2 else tuple(n for n in (rows, cols) if n != 1)
        return axes if len(axes) == len(expr.indices) else ()

    def _entry_function(self, expr: inverse_entry | cofactor | determinant) -> _Term:
        if expr.spec is not None:
            raise _unsupported(f"the inverse or determinant of an intermediate ({expr.base})")
        name = str(expr.base.label)
        code = {
            inverse_entry: f"np.linalg.inv({name})",
            cofactor: f"np.linalg.det({name}) * np.linalg.inv({name}).T",
            determinant: f"np.linalg.det({name})",
        }[type(expr)]
        return _Term(code, tuple(expr.indices))

    def _size(self, index: sympy.Symbol) -> str:
        if index not in self.sizes:
            raise _unsupported(f"the index {index}, whose range is not known")
        return self.matrix.print(sympy.sympify(self.sizes[index]))

    def _sum(self, expr: sympy.Sum) -> _Term:
        """A sum over whole axes (from 1 to the axis's length), as an einsum that drops its
        indices; a sum over part of an axis is refused."""
        bound = {index for index, _, _ in expr.limits}
        saved = {index: self.sizes.get(index) for index in bound}
        for index, low, high in expr.limits:
            lengths = {
                sympy.sympify(size)
                for entry in expr.function.atoms(sympy.Indexed)
                for at, size in zip(entry.indices, self._axis_sizes(entry), strict=False)
                if at == index
            }
            if low != 1 or not lengths <= {sympy.sympify(high)}:
                raise _unsupported(f"the partial sum {expr}")
            self.sizes[index] = high
        function = expr.function
        factors = list(function.args) if isinstance(function, sympy.Mul) else [function]
        terms = [self.array(t) for t in factors]
        kept = tuple(dict.fromkeys(i for t in terms for i in t.indices if i not in bound))
        summed = self.combine(terms, kept)
        for index, size in saved.items():
            if size is None:
                del self.sizes[index]
            else:
                self.sizes[index] = size
        return summed

    def combine(self, terms: Sequence[_Term], order: tuple[sympy.Symbol, ...] | None) -> _Term:
        """The product of `terms`, keeping every index (in `order`, or as they come)."""
        scalars = [t.code for t in terms if not t.indices]
        arrays = [t for t in terms if t.indices]
        if order is None:
            order = tuple(dict.fromkeys(i for t in arrays for i in t.indices))
        if len(arrays) == 1 and arrays[0].indices == order:
            product = arrays[0].code
        elif arrays:
            product = self._einsum(arrays, order)
        else:
            product = ""
        sign = "-" if "-1" in scalars else ""
        if sign:
            scalars.remove("-1")
        code = " * ".join([*(f"({s})" for s in scalars), *([product] if product else [])])
        code = code or "1"
        return _Term(sign + (f"({code})" if sign and " " in code else code), order)

    def reorder(self, term: _Term, order: tuple[sympy.Symbol, ...]) -> _Term:
        if term.indices == order:
            return term
        return _Term(self._einsum([term], order), order)

    def _add(self, terms: Sequence[_Term]) -> _Term:
        """A sum of terms over the same indices; a number is added as it is (NumPy
        broadcasts it), a term missing an index is repeated along it."""
        order = tuple(dict.fromkeys(i for t in terms for i in t.indices))
        shown = [t.code if not t.indices else self.broadcast(t, order).code for t in terms]
        return _Term(" + ".join(f"({code})" for code in shown), order)

    def broadcast(self, term: _Term, order: tuple[sympy.Symbol, ...]) -> _Term:
        """`term` over `order`: reordered, and repeated along the indices it does not hold."""
        missing = tuple(i for i in order if i not in term.indices)
        if not missing:
            return self.reorder(term, order)
        ones = _Term(f"np.ones(({', '.join(self._size(i) for i in missing)},))", missing)
        pieces = [ones] if not term.indices else [term, ones]
        scale = f"({term.code}) * " if not term.indices else ""
        combined = self.combine(pieces, order)
        return _Term(scale + combined.code, order)

    def _einsum(self, terms: Sequence[_Term], order: tuple[sympy.Symbol, ...]) -> str:
        letters = _letters({i for t in terms for i in t.indices} | set(order))
        inputs = ",".join("".join(letters[i] for i in t.indices) for t in terms)
        output = "".join(letters[i] for i in order)
        operands = ", ".join(t.code for t in terms)
        return f'np.einsum("{inputs}->{output}", {operands})'


def _letters(indices: Iterable[sympy.Symbol]) -> dict[sympy.Symbol, str]:
    """A letter per index: its own name when that is one letter, else a free one."""
    chosen: dict[sympy.Symbol, str] = {}
    taken = {i.name for i in indices if len(i.name) == 1 and i.name in string.ascii_letters}
    spare = (c for c in string.ascii_letters if c not in taken)
    for index in sorted(indices, key=str):
        chosen[index] = index.name if index.name in taken else next(spare)
    return chosen


@dataclass(frozen=True)
class _Layout:
    """How the derivative's array is laid out, for its docstring and for the check."""

    doc: str
    order: tuple[sympy.Symbol | None, ...]
    """The index each axis of the array runs over; None for an axis of length 1."""
    full: tuple[sympy.Symbol | None, ...]
    """The same for the central differences' array: the output's axes, then the variable's."""


def _variable(derived: object) -> sympy.MatrixSymbol:
    return next(s for s in derived.statement.symbols if s.name == _name(derived.by))


def _name(value: sympy.Basic) -> str:
    return str(value.base.label) if isinstance(value, sympy.Indexed) else str(value)


def _axes(symbol: sympy.MatrixSymbol, names: Sequence[sympy.Symbol]) -> list[sympy.Symbol | None]:
    """The note's indices on a symbol's two axes: one for a vector, none for a scalar."""
    rows, cols = symbol.shape
    if rows == 1 and cols == 1:
        return [None, None]
    if cols == 1:
        return [names[0], None]
    if rows == 1:
        return [None, names[0]]
    return list(names)


def _shape(symbol: sympy.MatrixSymbol) -> str:
    return f"({to_text(symbol.shape[0])}, {to_text(symbol.shape[1])})"


def _derivative(derived: object, arrays: _Arrays, matrix: _MatrixPrinter) -> tuple[str, _Layout]:
    """The derivative's code and layout: the assembled matrix, else an einsum of the entry."""
    answer = derived.answer
    general = answer.general
    full = (
        *_axes(derived.statement.output, derived.of_names),
        *_axes(_variable(derived), derived.by_names),
    )
    entry = f"∂{to_text(general.of)}/∂{to_text(general.by)}"
    if answer.matrix is not None:
        assembled = answer.matrix
        code = matrix.print(assembled.result)
        if not getattr(assembled.result, "is_Matrix", False):
            code = f"np.full((1, 1), {code})"
        order = (assembled.row_index, assembled.col_index)
        how = arrangement(assembled.layout, assembled.row_index, assembled.col_index, to_text)
        where = ", ".join(f"{to_text(i)}-1" if i is not None else "0" for i in order)
        doc = (
            f"∂{to_text(derived.statement.output)}/∂{to_text(_variable(derived))} = "
            f"{to_text(assembled.result)}, {how}: entry [{where}] is {entry}."
        )
        return code, _Layout(doc, order, full)
    einsum = _EinsumPrinter(arrays, matrix)
    einsum.sizes.update(dict(general.ranges))
    order = (*derived.of_names, *derived.by_names)
    code = einsum.over(general.result, order).code
    shape = ", ".join(to_text(sympy.sympify(size)) for _, size in general.ranges)
    where = ", ".join(f"{to_text(i)}-1" for i in order)
    doc = (
        f"the {len(order)}-dimensional array F of shape ({shape}) with "
        f"F[{where}] = {entry} = {to_text(general.result)}."
    )
    return code, _Layout(doc, order, full)


def _wrapped(text: str, indent: str = "") -> str:
    """Docstring paragraphs wrapped to the width of the code around them."""
    return "\n\n".join(
        textwrap.fill(
            p, _WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        ).lstrip()
        for p in text.split("\n\n")
    )


def _function(name: str, signature: str, doc: str, bindings: Sequence[str], value: str) -> str:
    shown = _wrapped(doc[:1].upper() + doc[1:], "    ")
    closing = "\n    " if "\n" in shown else ""
    body = [f'    """{shown}{closing}"""', *(f"    {line}" for line in bindings)]
    body.append(f"    return {value}")
    return f"def {name}({signature}):\n" + "\n".join(body)


def _entry_line(derived: object, function: str, signature: str, layout: _Layout) -> str:
    """Where a target's fixed entry (dy[3]/dx[7]) sits in the array, when it fixes them all."""
    values = {}
    for names, value in ((derived.of_names, derived.of), (derived.by_names, derived.by)):
        if names and not isinstance(value, sympy.Indexed):
            return ""
        if names:
            values.update(zip(names, value.indices, strict=True))
    if not all(v.is_Integer for v in values.values()):
        return ""
    at = ", ".join("0" if i is None else str(int(values[i]) - 1) for i in layout.order)
    asked = f"∂{to_text(derived.of)}/∂{to_text(derived.by)}"
    return f"\n\nThe entry asked for, {asked}, is {function}({signature})[{at}]."


def _check(
    inputs: Sequence[sympy.MatrixSymbol],
    function: str,
    layout: _Layout,
    variable: str,
    ranges: Mapping[sympy.Symbol, sympy.Basic],
) -> str:
    sizes = sorted({d for s in inputs for d in s.shape if isinstance(d, sympy.Symbol)}, key=str)
    defaults = ", ".join(f'"{size}": {3 + n}' for n, size in enumerate(sizes))
    shapes = ", ".join(f'"{s.name}": ({_dim(s.shape[0])}, {_dim(s.shape[1])})' for s in inputs)
    named = [i for i in layout.order if i is not None]
    letters = _letters({i for i in layout.full if i is not None})
    picked = ", ".join(":" if i is not None else "0" for i in layout.full)
    held = "".join(letters[i] for i in layout.full if i is not None)
    wanted = "".join(letters[i] for i in named)
    expected = "".join(f"{'1' if i is None else _size_code(ranges[i])}, " for i in layout.order)
    return f'''SHAPES = {{{shapes}}}
"""Each argument's shape, in numbers or size names."""

SIZES = {{{defaults}}}
"""The sizes check_gradient() draws at by default: distinct, so a transposed answer fails."""


def check_gradient(seed=0, step=1e-6, tolerance=1e-6, sizes=SIZES):
    """Compare {function} with central differences of f at a random point.

    The point has entries in [0.1, 1] (a square matrix: divided by its size, plus the
    identity, so that it is invertible with a positive determinant). Returns the largest
    difference relative to 1 + |central difference|; raises AssertionError above `tolerance`.
    """
    arguments = _random_arguments(SHAPES, sizes, seed)
    analytic = {function}(**arguments)
    expected = ({expected.rstrip(", ") + ("," if len(layout.order) == 1 else "")})
    assert analytic.shape == expected, f"{function} has shape {{analytic.shape}}, not {{expected}}"
    numeric = _central_differences(f, arguments, "{variable}", step)[{picked}]
    numeric = np.einsum("{held}->{wanted}", numeric).reshape(expected)
    difference = float(np.max(np.abs(analytic - numeric) / (1 + np.abs(numeric))))
    if np.isnan(difference):
        raise AssertionError("not a number at this point (a singular matrix?): try other sizes")
    if difference > tolerance:
        raise AssertionError(f"{function} differs from central differences by {{difference:.1e}}")
    return difference'''


def _dim(dim: sympy.Basic | int) -> str:
    return f'"{dim}"' if isinstance(dim, sympy.Symbol) else str(int(dim))


def _size_code(dim: sympy.Basic | int) -> str:
    return f'sizes["{dim}"]' if isinstance(dim, sympy.Symbol) else str(int(dim))


_HELPERS = '''def _random_arguments(shapes, sizes, seed):
    """Each argument at random, its size names looked up in `sizes`."""
    generator = np.random.default_rng(seed)
    arguments = {}
    for name, shape in shapes.items():
        rows, cols = (sizes[d] if isinstance(d, str) else d for d in shape)
        value = generator.uniform(0.1, 1.0, (rows, cols))
        if rows == cols > 1:
            value = value / rows + np.eye(rows)
        arguments[name] = value
    return arguments


def _central_differences(function, arguments, name, step):
    """The derivative of function(**arguments) by arguments[name], entry by entry, as
    (f(v + h) - f(v - h)) / 2h: an array of shape output.shape + variable.shape."""
    variable = arguments[name]
    output = function(**arguments)
    result = np.zeros(output.shape + variable.shape)
    for index in np.ndindex(*variable.shape):
        for sign in (1, -1):
            moved = variable.copy()
            moved[index] += sign * step
            result[(..., *index)] += sign * function(**{**arguments, name: moved}) / (2 * step)
    return result'''


def numpy_module(checked: Checked) -> str:
    """The module's source text; raises NumpyUnsupportedError for what it cannot write."""
    derived = checked.derived
    statement = derived.statement
    inputs = statement.symbols[1:]
    names = [s.name for s in inputs]
    variable = _variable(derived)
    function = f"d{statement.output.name}_d{variable.name}"
    size_names = {d.name for s in inputs for d in s.shape if isinstance(d, sympy.Symbol)}
    taken = {*_RESERVED, *size_names, function, "SIZES", "SHAPES"}
    for name in names:
        if keyword.iskeyword(name) or name in taken:
            raise NumpyUnsupportedError(
                f"--format numpy: the name {name} is taken (a Python keyword, a size, or a "
                "name the generated module defines); rename it in the equation"
            )
    arrays = _Arrays({s.name: s.shape for s in inputs})
    sizes = {d for s in inputs for d in s.shape if isinstance(d, sympy.Symbol)}
    matrix = _MatrixPrinter(arrays)
    value = matrix.print(statement.rhs)
    if not getattr(statement.rhs, "is_Matrix", False):
        value = f"np.full((1, 1), {value})"
    derivative, layout = _derivative(derived, arrays, matrix)
    signature = ", ".join(names)
    equation = f"{to_text(statement.output)} = {to_text(statement.rhs)}"
    arguments = ", ".join(f"{s.name} {_shape(s)}" for s in inputs)
    about = (
        f"NumPy code for {equation} and its derivative by {variable.name}, written by "
        f"derivgen {__version__}.\n\n"
        "Every array is 2-D, as in the equation: a column vector of length D has shape (D, 1), "
        f"a row vector (1, D), a scalar (1, 1). The arguments: {arguments}.\n\n"
        f"{function}({signature}) is {layout.doc} Python counts from 0, the note from 1."
        f"{_entry_line(derived, function, signature, layout)}\n\n"
        f"check_gradient() compares {function} with central differences of f."
    )
    header = f'"""{_wrapped(about)}\n"""'
    ranges = dict(derived.answer.general.ranges)
    parts = [
        header,
        "import numpy as np",
        _function(
            "f",
            signature,
            f"{equation}, of shape {_shape(statement.output)}.",
            arrays.bindings(value, sizes),
            value,
        ),
        _function(function, signature, layout.doc, arrays.bindings(derivative, sizes), derivative),
        _check(inputs, function, layout, variable.name, ranges),
        _HELPERS,
    ]
    if matrix.uses_sigma:
        parts.append(_SIGMA)
    return "\n\n\n".join(p.strip("\n") for p in parts) + "\n"
