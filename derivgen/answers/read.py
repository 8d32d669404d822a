"""Reading an ANSWER: a matrix expression or an index formula, in the equation syntax or sympy's.

A matrix answer in the equation syntax (`W^T`, `2 (W x - t) x^T`) goes through derivgen's own
parser and shape inference, so its errors carry the same caret and wording as an equation's.
Anything the equation grammar lacks (index formulas such as `delta(i, m) x[n]`, and the
strings derivgen's JSON writes: `KroneckerDelta(i, m)*x[n]`, `Identity(C)`,
`KroneckerProduct(x.T, Identity(C))`, `Trace(a.T*x)`) is read by `sympy.parse_expr`, but only
after derivgen's tokenizer has accepted every token and every name is one this problem gives
a meaning to: no other text reaches Python's `eval`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from tokenize import TokenError

import sympy
from sympy.matrices.exceptions import ShapeError as SympyShapeError
from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations

from derivgen.errors import DerivgenError, ParseError, ShapeError
from derivgen.model.inference import infer_shapes
from derivgen.model.ops.base import is_matrix
from derivgen.model.ops.elementwise import ELEMENTWISE, Applied
from derivgen.model.shapes import Dim, Shape
from derivgen.parse import parse_equation
from derivgen.parse.ast import Node, ShapeDeclaration, symbols_in
from derivgen.parse.tokens import Token, Tokenizer

INDEX_FUNCTIONS: dict[str, object] = {
    "delta": sympy.KroneckerDelta,
    "KroneckerDelta": sympy.KroneckerDelta,
    "Sum": sympy.Sum,
    **ELEMENTWISE,
}
"""Names an index formula may apply, besides the problem's own symbols, sizes and indices."""

MATRIX_FUNCTIONS: dict[str, object] = {
    "Identity": sympy.Identity,
    "OneMatrix": sympy.OneMatrix,
    "ZeroMatrix": sympy.ZeroMatrix,
    "KroneckerProduct": sympy.KroneckerProduct,
    "HadamardProduct": sympy.HadamardProduct,
    "DiagMatrix": sympy.DiagMatrix,
    "Trace": sympy.Trace,
    "Transpose": sympy.Transpose,
}
"""sympy's matrix constructors that derivgen's JSON writes and a matrix answer may use."""


def _elementwise(name: str) -> Callable[[sympy.Basic], sympy.Basic]:
    """`sigma(W*x)` as derivgen's JSON writes it: the function of every entry of a matrix,
    or of a scalar."""

    def apply(arg: sympy.Basic) -> sympy.Basic:
        return Applied(name, arg) if is_matrix(arg) else ELEMENTWISE[name](arg)

    return apply


SYMPY_MATRIX_FUNCTIONS: dict[str, object] = {
    **MATRIX_FUNCTIONS,
    **{name: _elementwise(name) for name in ELEMENTWISE},
}
"""What a matrix answer in sympy's syntax may apply: the constructors and σ, exp, log, …"""

MAX_POWER = 12
"""A larger exponent is refused: `x[1]**99999999` would take a long time to evaluate exactly."""

_INDEX_NAME = re.compile(r"[a-z][0-9]*")
"""A name an index formula may use as a summation index."""

_ENDS_OPERAND = ("NAME", "NUMBER", "RPAREN", "RBRACKET", "TRANSPOSE")
_STARTS_OPERAND = ("NAME", "NUMBER", "LPAREN")
_PYTHON = {"TRANSPOSE": ".T", "AT": "*"}


class AnswerShapeError(DerivgenError):
    """An answer whose own products or sums do not fit: a wrong answer, not bad input."""


@dataclass(frozen=True)
class MatrixAnswer:
    """A whole matrix claimed as the derivative, with its shape in the problem's sizes."""

    text: str
    shape: tuple[Dim, Dim]
    tree: Node | None = None
    """The parse tree, for an answer in the equation syntax."""
    expr: sympy.Basic | None = None
    """The sympy expression, for an answer in sympy's syntax."""


@dataclass(frozen=True)
class FormulaAnswer:
    """An index formula claimed for every entry (or one entry) of the derivative."""

    text: str
    expr: sympy.Expr


def read_matrix(text: str, shapes: Mapping[str, Shape]) -> MatrixAnswer:
    """A matrix answer, in the equation syntax or (with sympy's constructors) in sympy's."""
    tokens = _tokens(text)
    if any(t.kind == "NAME" and t.text in MATRIX_FUNCTIONS for t in tokens) or any(
        t.kind == "LBRACKET" for t in tokens
    ):
        expr = _sympy(text, tokens, _matrix_names(shapes), SYMPY_MATRIX_FUNCTIONS)
        shape = getattr(expr, "shape", (1, 1))
        return MatrixAnswer(text=text, shape=(_dim(shape[0]), _dim(shape[1])), expr=expr)
    return _equation_syntax(text, shapes)


def read_formula(
    text: str, shapes: Mapping[str, Shape], indices: Iterable[sympy.Symbol]
) -> FormulaAnswer:
    """An index formula over the target's index names, such as `delta(i, m) x[n]`."""
    tokens = _tokens(text)
    names = _entry_names(shapes) | {str(i): i for i in indices}
    for token in tokens:  # a summation index such as the k of Sum(A[i, k]*x[k], (k, 1, C))
        if token.kind == "NAME" and token.text not in names and _INDEX_NAME.fullmatch(token.text):
            names[token.text] = sympy.Symbol(token.text)
    return FormulaAnswer(text=text, expr=_sympy(text, tokens, names, INDEX_FUNCTIONS))


def _tokens(text: str) -> list[Token]:
    if not isinstance(text, str) or not text.strip():
        raise DerivgenError("the answer is empty")
    tokenizer = Tokenizer(text)
    tokens = []
    while not tokenizer.check("END"):
        tokens.append(tokenizer.read())
    return tokens


def _a_size(shapes: Mapping[str, Shape]) -> Dim:
    """The first size other than 1 among the problem's shapes (`C`, or `2` once a worksheet
    drew it), so that a hint names a size the problem knows."""
    sizes = [d for shape in shapes.values() for d in (shape.rows, shape.cols) if d != 1]
    return sizes[0] if sizes else 1


def _equation_syntax(text: str, shapes: Mapping[str, Shape]) -> MatrixAnswer:
    """Parse and shape `text` as the right-hand side of an equation, carets on `text` itself."""
    name = next(n for n in (f"ANSWER{k or ''}" for k in range(len(shapes) + 1)) if n not in shapes)
    prefix = f"{name} = "
    try:
        equation = parse_equation(prefix + text)
    except ParseError as error:
        raise ParseError(
            error.reason, text, max(0, error.position - len(prefix)), error.length
        ) from None
    used = list(dict.fromkeys(s.name for s in symbols_in(equation.rhs)))
    for symbol in symbols_in(equation.rhs):
        if symbol.name not in shapes:
            start, end = symbol.span
            # an identity has a size, which a bare I does not say
            hint = (
                f"; write an identity with its size, such as Identity({_a_size(shapes)})"
                if symbol.name == "I"
                else ""
            )
            raise ParseError(
                f"{symbol.name} is not a symbol of the equation (its symbols are "
                f"{', '.join(shapes)}){hint}",
                text,
                start - len(prefix),
                end - start,
            )
    declared = {
        n: ShapeDeclaration(name=n, rows=_declared(shapes[n].rows), cols=_declared(shapes[n].cols))
        for n in used
    }
    try:
        shaped = infer_shapes(equation, declared)
    except ShapeError as error:
        raise AnswerShapeError(f"the answer does not multiply out: {error}") from None
    shape = shaped[name]
    return MatrixAnswer(text=text, shape=(shape.rows, shape.cols), tree=equation.rhs)


def _declared(dim: Dim) -> int | str:
    return dim if isinstance(dim, int) else str(dim)


def _dim(value: sympy.Basic | int) -> Dim:
    value = sympy.sympify(value)
    return int(value) if value.is_Integer else value


def _sizes(shapes: Mapping[str, Shape]) -> dict[str, object]:
    return {
        str(d): d for s in shapes.values() for d in (s.rows, s.cols) if isinstance(d, sympy.Basic)
    }


def _matrix_names(shapes: Mapping[str, Shape]) -> dict[str, object]:
    names = _sizes(shapes)
    for name, shape in shapes.items():
        names[name] = (
            sympy.Symbol(name)
            if shape.is_scalar
            else sympy.MatrixSymbol(name, shape.rows, shape.cols)
        )
    return names


def _entry_names(shapes: Mapping[str, Shape]) -> dict[str, object]:
    names = _sizes(shapes)
    for name, shape in shapes.items():
        names[name] = sympy.Symbol(name) if shape.is_scalar else sympy.IndexedBase(name)
    return names


_CLOSING = {"LPAREN": "RPAREN", "LBRACKET": "RBRACKET"}


def _balanced(text: str, tokens: list[Token]) -> None:
    """Every bracket closed by its own kind, the first one that is not under the caret
    (Python's tokenizer would otherwise fail without saying where)."""
    opened: list[Token] = []
    for token in tokens:
        if token.kind in _CLOSING:
            opened.append(token)
        elif token.kind in _CLOSING.values():
            if not opened or _CLOSING[opened[-1].kind] != token.kind:
                raise ParseError(f"{token.text!r} closes no bracket", text, token.start)
            opened.pop()
    if opened:
        raise ParseError(f"{opened[-1].text!r} is never closed", text, opened[-1].start)


def _sympy(
    text: str, tokens: list[Token], names: Mapping[str, object], functions: Mapping[str, object]
) -> sympy.Basic:
    """`text` through sympy, once every token is known to mean what this problem says."""
    _balanced(text, tokens)
    known = {**functions, **names}
    pieces: list[str] = []
    previous: Token | None = None
    for n, token in enumerate(tokens):
        if token.kind in ("EQUALS", "PARTIAL", "HADAMARD"):
            raise ParseError(f"{token.text!r} cannot appear in this answer", text, token.start)
        if token.kind == "NAME" and token.text not in known:
            raise ParseError(
                f"{token.text} is not a symbol, size or index of this problem",
                text,
                token.start,
                len(token.text),
            )
        if token.kind == "TIMES" and n + 1 < len(tokens) and tokens[n + 1].kind == "TIMES":
            exponent = tokens[n + 2] if n + 2 < len(tokens) else None
            if exponent is None or exponent.kind != "NUMBER" or float(exponent.text) > MAX_POWER:
                where = exponent or token
                raise ParseError(f"a power must be a number up to {MAX_POWER}", text, where.start)
        if (
            previous is not None
            and previous.kind in _ENDS_OPERAND
            and token.kind in _STARTS_OPERAND
            and not (previous.kind == "NAME" and previous.text in functions)
        ):
            pieces.append("*")  # juxtaposition is a product, as in the equation syntax
        pieces.append(_PYTHON.get(token.kind, token.text))
        previous = token
    try:
        expr = parse_expr(
            " ".join(pieces),
            local_dict=dict(known),
            transformations=(*standard_transformations, rationalize),
        )
    except (SympyShapeError, ShapeError) as error:
        raise AnswerShapeError(f"the answer does not multiply out: {error}") from None
    except (SyntaxError, TokenError, TypeError, ValueError, AttributeError, IndexError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DerivgenError(f"cannot read the answer {text!r}: {reason}") from None
    if not isinstance(expr, sympy.Basic):
        raise DerivgenError(f"cannot read the answer {text!r} as an expression")
    return expr
