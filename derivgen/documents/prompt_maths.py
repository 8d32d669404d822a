"""Maths in a prompt: text between backticks is derivgen's own notation, typeset as the key is.

`` `m = W x` `` is parsed by the equation grammar and printed by the note's LaTeX printer
(`m = W\\vec{x}`), `` `dL/dz` `` by the target grammar (`∂L/∂\\vec{z}`, slashed so that a
fraction does not stretch the line), anything else as an expression (`` `W x - t` ``). So a
spec never carries raw LaTeX: maths either parses or is refused when the spec is checked,
with the caret under the spot. A symbol of the problem's equation keeps the shape the
problem gives it (`x` is a row vector in `y = x W`) and the name a variant draws for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

import sympy

from derivgen.documents.article import plain_text
from derivgen.errors import DerivgenError, ParseError
from derivgen.model.indexing import indexed
from derivgen.model.inference import infer_shapes
from derivgen.model.ops import to_matrix_expr
from derivgen.model.ops.symbol import matrix_symbol
from derivgen.model.shapes import Shape, Shapes
from derivgen.parse import parse_equation, parse_target
from derivgen.parse.ast import Equation, Index, ShapeDeclaration, Target, symbols_in
from derivgen.render.latex import slashed, tex

_BACKTICKS = re.compile(r"`([^`]*)`")
_VECTOR = Shape(sympy.Symbol("n"), 1)
_MATRIX = Shape(sympy.Symbol("m"), sympy.Symbol("n"))

Fail = Callable[[str, str, int], DerivgenError]
"""Makes the error for a reason, the backticked text and the caret's offset in it."""


def split_maths(text: str) -> Iterator[tuple[bool, str]]:
    """(is_maths, piece) in reading order; a lone backtick is an error (ValueError, offset)."""
    start = 0
    for match in _BACKTICKS.finditer(text):
        yield False, text[start : match.start()]
        yield True, match[1]
        start = match.end()
    rest = text[start:]
    if "`" in rest:
        raise ValueError(start + rest.index("`"))
    yield False, rest


def check_maths(text: str, shapes: Shapes, names: Mapping[str, str], fail: Fail) -> None:
    """Parse and shape every backticked piece of `text`, as a variant with `names` for the
    problem's symbols will typeset it."""
    try:
        pieces = [piece for is_maths, piece in split_maths(text) if is_maths]
    except ValueError as lone:
        raise fail("a backtick opens maths that no backtick closes", text, lone.args[0]) from None
    for piece in pieces:
        maths_latex(piece, shapes, names, fail)


def typeset_pieces(
    text: str, shapes: Shapes, names: Mapping[str, str]
) -> Iterator[tuple[bool, str]]:
    """(is_maths, piece) of `text`: plain text as written, each backticked piece as LaTeX with
    the variant's `names` for the problem's symbols. The spec was checked, so every piece
    parses."""

    def fail(reason: str, piece: str, _: int) -> DerivgenError:
        return DerivgenError(f"prompt maths `{piece}`: {reason}")

    for is_maths, piece in split_maths(text):
        yield is_maths, maths_latex(piece, shapes, names, fail) if is_maths else piece


def prompt_latex(text: str, shapes: Shapes, names: Mapping[str, str]) -> str:
    """`text` for LaTeX: plain text escaped, each backticked piece as inline maths."""
    out = []
    for is_maths, piece in typeset_pieces(text, shapes, names):
        if is_maths:
            out.append(f"${piece}$")
        elif piece:
            # plain_text trims; the spaces around a piece of maths are kept as one space.
            before = " " if piece[:1].isspace() else ""
            after = " " if piece[-1:].isspace() and piece.strip() else ""
            out.append(before + plain_text(piece) + after)
    return "".join(out)


def maths_latex(piece: str, shapes: Shapes, names: Mapping[str, str], fail: Fail) -> str:
    """One backticked piece as LaTeX: an equation, a target, or an expression."""
    offset = 0
    try:
        if "=" in piece:
            return _equation_latex(parse_equation(piece), shapes, names)
        if "/" in piece:
            return _target_latex(parse_target(piece), shapes, names)
        output = "Q"  # an expression is parsed as `Q = W x`, under a name it does not use
        while re.search(rf"\b{output}\b", piece):
            output += "Q"
        offset = len(f"{output} = ")
        equation = parse_equation(f"{output} = {piece}")
        return _equation_latex(equation, shapes, names, expression=True)
    except ParseError as error:
        raise fail(error.reason, piece, max(0, error.position - offset)) from None
    except DerivgenError as error:
        renamed = ", ".join(f"{old} drawn as {new}" for old, new in names.items() if old != new)
        when = f" (with {renamed})" if renamed else ""
        raise fail(f"{error.message}{when}", piece, 0) from None


def _equation_latex(
    equation: Equation, shapes: Shapes, names: Mapping[str, str], *, expression: bool = False
) -> str:
    renamed = parse_equation(rename_symbols(equation, names))
    declared = {
        name: ShapeDeclaration(name=name, rows=_dim(shape.rows), cols=_dim(shape.cols))
        for name, shape in _known(shapes, names).items()
    }
    used = {s.name for s in (renamed.lhs, *symbols_in(renamed.rhs))}
    own = infer_shapes(renamed, {n: d for n, d in declared.items() if n in used})
    rhs = tex(to_matrix_expr(renamed.rhs, own))
    return rhs if expression else f"{tex(matrix_symbol(renamed.lhs.name, own))} = {rhs}"


def _target_latex(target: Target, shapes: Shapes, names: Mapping[str, str]) -> str:
    known = _known(shapes, names)

    def half(name: str, indices: tuple[Index, ...] | None) -> sympy.Basic:
        name = names.get(name, name)
        # A name the problem does not shape (the loss L of a backprop prompt): lowercase
        # for a column vector and uppercase for a matrix, as the equation grammar reads them.
        default = _MATRIX if name[0].isupper() else _VECTOR
        shape = known.get(name, default)
        if indices is None:
            return matrix_symbol(name, Shapes({name: shape}))
        values = [sympy.Integer(i) if isinstance(i, int) else sympy.Symbol(i) for i in indices]
        if len(values) != len(shape.axes):
            raise DerivgenError(f"{name} has {len(shape.axes)} indices, not {len(values)}")
        return indexed(name, shape, values)

    return slashed(half(target.of, target.of_indices), half(target.by, target.by_indices))


def _known(shapes: Shapes, names: Mapping[str, str]) -> dict[str, Shape]:
    """The problem's shapes under the variant's names."""
    return {names.get(name, name): shapes[name] for name in shapes}


def _dim(size: sympy.Basic | int) -> int | str:
    return int(size) if isinstance(size, int | sympy.Integer) else str(size)


def rename_symbols(equation: Equation, names: Mapping[str, str]) -> str:
    """The equation's text with symbols renamed by `names`, everything else as typed."""
    text = equation.text
    occurrences = [
        (s.span, names[s.name])
        for s in (equation.lhs, *symbols_in(equation.rhs))
        if s.name in names
    ]
    for (start, end), name in sorted(occurrences, reverse=True):
        text = text[:start] + name + text[end:]
    return text
