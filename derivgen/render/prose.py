"""The words of every step, written once: blocks of sentences with slots for maths.

A step becomes a tuple of blocks (paragraphs, displays, bullet lists) whose maths is left as
nodes: sympy expressions and the few shapes a display needs beyond them (a partial, a
written-out sum, a grid, a slice). The LaTeX, text and HTML renderers each fill the slots
with their own maths printer, so the page, the terminal and the browser say the same
sentences, and a sentence changes in one place only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sympy

from derivgen.model.shapes import Shape, Shapes
from derivgen.steps.build import Derived
from derivgen.steps.kinds import (
    ArrayStep,
    AssembleStep,
    BackpropViewStep,
    ChainRuleStep,
    ChainSummaryStep,
    ComponentStep,
    DeltaStep,
    DifferentiateStep,
    Dots,
    ExpandStep,
    GeneralizeStep,
    IndexDerivativeStep,
    IndexViewStep,
    IntermediatesStep,
    InverseStep,
    IsolateStep,
    LaplaceStep,
    Part,
    ShapesStep,
    Slice,
    Step,
    Term,
    VecViewStep,
    ZeroStep,
)
from derivgen.verify import Verification

# --- maths nodes: what a slot holds beyond a sympy expression -------------------------------


@dataclass(frozen=True)
class Partial:
    """∂of/∂by; `whole` writes d instead of ∂, for the derivative of a whole array."""

    of: object
    by: object
    whole: bool = False


@dataclass(frozen=True)
class PartialOf:
    """∂/∂by [body]: an operator applied to a bracketed body."""

    by: object
    body: object


@dataclass(frozen=True)
class Terms:
    """A written-out sum, `a + b + … + c`, a leading minus folded into its operator."""

    items: tuple[Term, ...]


@dataclass(frozen=True)
class Braces:
    """{body}: the note's braces around a sum written out inside a chain of equalities."""

    body: object


@dataclass(frozen=True)
class Together:
    """Several relations on one line, separated by commas: `m = W x, n = V m`."""

    items: tuple[object, ...]


@dataclass(frozen=True)
class EntryOf:
    """`(B A)_{j,i}`: an entry of a matrix expression."""

    matrix: sympy.Basic
    indices: tuple[sympy.Basic, ...]
    negated: bool = False
    """`-(A x)_i`: the entry of the matrix, subtracted."""


@dataclass(frozen=True)
class Parens:
    """(body): plain round brackets, where a product would otherwise read wrongly."""

    body: object


@dataclass(frozen=True)
class Grid:
    """A matrix of cells, shown in brackets; cells are expressions or dots."""

    rows: tuple[tuple[Term, ...], ...]


@dataclass(frozen=True)
class Sliced:
    """`Y_{i,:}`: an array held at some indices, running along the others (None)."""

    symbol: sympy.Basic
    indices: tuple[sympy.Basic | None, ...]


@dataclass(frozen=True)
class Func:
    """A named operator applied to an argument: vec(W)."""

    name: str
    arg: object


@dataclass(frozen=True)
class Product:
    """Nodes side by side, as a product is written: `dy/dm dm/dx`, `X X⁻¹`."""

    factors: tuple[object, ...]


@dataclass(frozen=True)
class Relation:
    """`a = b`, `a ≠ b` or `1024 → 4` (a size checked on a smaller instance)."""

    lhs: object
    sign: str
    rhs: object


@dataclass(frozen=True)
class Range:
    """`j = 1, …, D`: one index's range, never broken across lines."""

    index: sympy.Basic
    size: sympy.Basic

    def listed(self) -> tuple[int, ...] | None:
        """Every value, for a concrete size of at most 3 (`i = 1, 2`, not `i = 1, …, 2`)."""
        if isinstance(self.size, sympy.Integer) and 1 <= int(self.size) <= 3:
            return tuple(range(1, int(self.size) + 1))
        return None


@dataclass(frozen=True)
class Number:
    """A measured number, such as the largest numerical difference, in scientific notation."""

    value: float


@dataclass(frozen=True)
class Times:
    """`C × D`: the size of a matrix (`C × D × C`, of an array)."""

    dims: tuple[sympy.Basic, ...]

    def __init__(self, *dims: sympy.Basic) -> None:
        object.__setattr__(self, "dims", dims)


@dataclass(frozen=True)
class Shaped:
    """An expression with each array's shape written beneath it, as in the note's eq. (1)."""

    expr: sympy.Basic


Node = object
"""A sympy expression, a `Dots` marker or one of the nodes above."""


class MathPrinter:
    """Base of each renderer's printer of maths slots: `_print_<Node>` per node kind.

    A sympy expression or a `Dots` marker goes to `expression`; a node kind without a method
    is an error, so a new kind cannot silently print as nothing.
    """

    def __call__(self, node: Node) -> str:
        if isinstance(node, sympy.Basic | Dots):
            return self.expression(node)
        method = getattr(self, f"_print_{type(node).__name__}", None)
        if method is None:
            raise TypeError(f"{type(self).__name__} cannot print {node!r}")
        return method(node)

    def expression(self, value: sympy.Basic | Dots) -> str:
        raise NotImplementedError


# --- sentences and blocks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Math:
    """A maths slot inside a sentence."""

    node: Node


@dataclass(frozen=True)
class Ref:
    """` from (2)`: a reference to the display labelled `label`, numbered by the renderer,
    with the words around it; all of it is left out where no display has that label (a step
    shown on its own)."""

    label: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Title:
    """The title of a work, set in italics: the note's."""

    text: str


Piece = str | Math | Ref | Title
Pieces = tuple[Piece, ...]


@dataclass(frozen=True)
class Paragraph:
    """Words with maths slots; `lead` is a bold opening ("View: vectorization.")."""

    pieces: Pieces
    lead: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a display: `lhs = rhs[0] = rhs[1] …`, aligned at its first `=`.

    A row without `lhs` continues the row above (`= …`); `note` is a remark at the right
    (`from m = W x`).
    """

    lhs: Node | None
    rhs: tuple[Node, ...]
    note: Pieces = ()


@dataclass(frozen=True)
class Display:
    """Displayed maths, rows aligned; `end` is its punctuation; `label` makes it numbered."""

    rows: tuple[Row, ...]
    end: str = "."
    label: str | None = None


@dataclass(frozen=True)
class Bullets:
    """A list of items, each words with maths slots."""

    items: tuple[Pieces, ...]


Block = Paragraph | Display | Bullets


def say(*pieces: Piece | Node | Iterable[Piece]) -> Pieces:
    """Pieces from words, maths nodes (wrapped as slots) and already-built pieces."""
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str | Math | Ref | Title):
            out.append(piece)
        elif isinstance(piece, tuple) and all(
            isinstance(p, str | Math | Ref | Title) for p in piece
        ):
            out.extend(piece)
        else:
            out.append(Math(piece))
    return tuple(out)


def paragraph(*pieces: Piece | Node | Iterable[Piece], lead: str = "") -> Paragraph:
    return Paragraph(say(*pieces), lead=lead)


def display(lhs: Node, *rhs: Node, end: str = ".", label: str | None = None) -> Display:
    """One row, `lhs = rhs[0] = …`."""
    return Display((Row(lhs, tuple(rhs)),), end=end, label=label)


def chain(lhs: Node, *lines: Node, end: str = ".", label: str | None = None) -> Display:
    """`lhs = lines[0]`, then each further line on a row of its own, `= lines[n]`."""
    rows = [Row(lhs, (lines[0],)), *(Row(None, (line,)) for line in lines[1:])]
    return Display(tuple(rows), end=end, label=label)


def join_terms(printed: Sequence[str]) -> str:
    """`a + b - c` from printed terms, folding a leading minus into the operator.

    The one place terms are joined: every printer of every renderer calls it.
    """
    out = printed[0] if printed else ""
    for term in printed[1:]:
        out += f" - {term[1:].lstrip()}" if term.startswith("-") else f" + {term}"
    return out


# --- shared phrases ---------------------------------------------------------------------------

_VOWEL_SOUNDS = set("AEFHILMNORSX8")
"""Initials read with a vowel sound ("an N×C matrix", "an 8×3 matrix")."""


RULES = {
    "determinant": (
        "Jacobi's formula for the derivative of a determinant (expand the determinant along "
        "the entry's row: each term is an entry of that row times its cofactor, and no "
        "cofactor holds an entry of the row, so the partial is the entry's cofactor; the "
        "matrix of cofactors is the determinant times the transposed inverse)"
    ),
    "inverse_entry": (
        "the derivative of an entry of an inverse (differentiate the entries of the "
        "identity, a matrix times its inverse, with the product rule, and solve for the "
        "derivative of the inverse)"
    ),
}
"""What each rule beyond the ordinary ones is, by the name of its entry function."""

_DIMENSIONS = {3: "three-dimensional", 4: "four-dimensional"}


def rule_names(rules: Sequence[tuple[str, object, object]]) -> str:
    """The rules a derivative uses beyond the ordinary ones, each named once, as a list."""
    return listing(list(dict.fromkeys(RULES[name] for name, _, _ in rules)))


def listing(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _joined(items: Sequence[Pieces]) -> Pieces:
    """Pieces of `a`, `a and b`, `a, b and c`."""
    out: list[Piece] = []
    for n, item in enumerate(items):
        if n:
            out.append(" and " if n == len(items) - 1 else ", ")
        out.extend(item)
    return tuple(out)


def article(word: str) -> str:
    """`a` or `an` before a size read aloud: "an 11×3 matrix", "an N×C matrix", "a 1×3"."""
    if word[:1].isdigit():
        # eight…, eleven, eighteen, eleven thousand, eighteen million: read with a vowel
        vowel = word[0] == "8" or (word[:2] in ("11", "18") and len(word) % 3 == 2)
    else:
        vowel = word[:1].upper() in _VOWEL_SOUNDS
    return "an" if vowel else "a"


def describe(symbol: sympy.MatrixSymbol, subject: Node | None = None) -> Pieces:
    """`y is a column vector of length C`, `W is a C×D matrix`, `a is a scalar`; `subject`
    says it of something else of the symbol's shape (`∂s/∂x is a column vector …`)."""
    rows, cols = symbol.shape
    named = symbol if subject is None else subject
    if rows == 1 and cols == 1:
        return say(named, " is a scalar")
    if cols == 1:
        return say(named, " is a column vector of length ", rows)
    if rows == 1:
        return say(named, " is a row vector of length ", cols)
    return say(named, f" is {article(str(rows))} ", Times(rows, cols), " matrix")


def result_shape(derived: Derived) -> Paragraph | None:
    """`∂s/∂x is a column vector of length C.`: the shape of each boxed form, which a key
    states beside the box (a worksheet may ask for it): the assembled matrix, or the array
    of a derivative with three or more axes, and each view's matrix; None for an entry."""
    answer = derived.answer
    if answer.entry is not None:
        return None
    said: list[Pieces] = []
    whole = Partial(derived.statement.output, _whole(derived.by))
    if answer.matrix is not None:
        shape = getattr(answer.matrix.result, "shape", (1, 1))
        said.append(describe(sympy.MatrixSymbol("_", *shape), whole))
    else:
        shapes = derived.shapes
        dims = (*shapes[whole.of.name].axes, *shapes[whole.by.name].axes)
        said.append(say(whole, f" is {article(str(dims[0]))} ", Times(*dims), " array"))
    if answer.vec is not None:
        of = whole.of if 1 in whole.of.shape else Func("vec", whole.of)
        shaped = sympy.MatrixSymbol("_", *answer.vec.shape)
        said.append(describe(shaped, Partial(of, Func("vec", whole.by))))
    if answer.backprop is not None:
        by = answer.backprop.by
        said.append(describe(sympy.MatrixSymbol("_", *by.shape), Partial(answer.backprop.loss, by)))
    return paragraph(_joined(said), ".")


def _whole(entry: sympy.Basic) -> sympy.Basic:
    """The array an entry belongs to, as a matrix symbol of its shape."""
    return entry.base.label if isinstance(entry, sympy.Indexed) else entry


def described(symbols: Iterable[sympy.MatrixSymbol]) -> Pieces:
    return _joined([describe(s) for s in symbols])


def also_asked(derived: Derived) -> Pieces:
    """` and ∂L/∂W (for a scalar loss L of z)`: each view's own derivative that a key boxes
    beside the answer, for the question to ask as well (the index view's is the same one)."""
    answer = derived.answer
    asked: list[Pieces] = []
    by = _whole(derived.by)
    if answer.vec is not None:
        of = derived.statement.output
        stacked = of if 1 in of.shape else Func("vec", of)
        asked.append(say(Partial(stacked, Func("vec", by))))
    if answer.backprop is not None and answer.backprop.output is not None:
        loss = answer.backprop.loss
        asked.append(
            say(
                Partial(loss, by), " (for a scalar loss ", loss, " of ", answer.backprop.output, ")"
            )
        )
    return say(" and ", _joined(asked)) if asked else ()


def index_bounds(entries: Iterable[sympy.Basic], shapes: Shapes) -> Pieces:
    """`C ≥ 7 and D ≥ 9`: what the sizes that are letters must at least be for the entries
    asked about to exist (a worksheet that asks for y₇ of a y of length C must say so)."""
    bounds: dict[sympy.Basic, int] = {}
    for entry in entries:
        if not isinstance(entry, sympy.Indexed):
            continue
        for dim, index in zip(shapes[str(entry.base.label)].axes, entry.indices, strict=True):
            if index.is_Integer and int(index) > 1 and not sympy.sympify(dim).is_Integer:
                bounds[dim] = max(bounds.get(dim, 0), int(index))
    # in the order the sizes are shown (C before D), whichever entry needs them
    order = list(dict.fromkeys(d for shape in shapes.of.values() for d in shape.axes))
    return _joined(
        [say(Relation(d, "≥", sympy.Integer(bounds[d]))) for d in order if d in bounds]
    )


def arrangement(
    layout: str, row: sympy.Symbol | None, col: sympy.Symbol | None, rows_output: bool = True
) -> Pieces:
    """How an assembled matrix is laid out, as a clause after a comma; `rows_output` says
    whether the output is a row vector (or a matrix held at a row), the case for which the
    note itself arranges the partials in denominator layout."""
    where = _joined(
        [
            say(i, f" {w}")
            for i, w in ((row, "down the rows"), (col, "across the columns"))
            if i is not None
        ]
    )
    before, after = {
        "numerator": ("with ", " (numerator layout: one row per component of the output)"),
        "denominator": (
            "with ",
            " (denominator layout: one row per component of the variable, the arrangement "
            + (
                "the note uses for row vectors)"
                if rows_output
                else "the note uses for row vectors; for column vectors it is the transpose "
                "of the note's Jacobian)"
            ),
        ),
        "variable": ("in the shape of the variable (denominator layout), with ", ""),
        "variable transposed": (
            "in the shape of the variable transposed (numerator layout), with ",
            "",
        ),
        "output": ("in the shape of the output (numerator layout), with ", ""),
        "output transposed": (
            "in the shape of the output transposed (denominator layout), with ",
            "",
        ),
        "scalar": ("a single number", None),
    }[layout]
    return (before,) if after is None else say(before, where, after)


def _ranges(items: Iterable[tuple[sympy.Symbol, sympy.Basic]]) -> Pieces:
    return _joined([say(Range(i, sympy.sympify(n))) for i, n in items])


def condition_sides(held: sympy.Expr, wanted: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """A (held, wanted) index condition as its two printed sides, `k = i` or `k ≠ i`.

    The target's index comes first, as the generalize step writes its conditions; a number
    comes last (`i = 7`, never `7 = i`).
    """
    return (held, wanted) if wanted.is_Integer and not held.is_Integer else (wanted, held)


def _conditions(pairs: Iterable[tuple[sympy.Expr, sympy.Expr]], sign: str = "=") -> Pieces:
    """`k = i` (or `k ≠ i`) for each (held, wanted) pair, as `condition_sides` orders it."""
    return _joined([say(Relation(a, sign, b)) for a, b in (condition_sides(*p) for p in pairs)])


def _equalities(pairs: Iterable[tuple[sympy.Expr, sympy.Expr]]) -> Pieces:
    """`j = i` for each (kept, replaced) pair: the replaced index equals the kept one."""
    return _joined([say(Relation(replaced, "=", kept)) for kept, replaced in pairs])


def check_sentence(verification: Verification) -> Paragraph:
    """What was checked, as an instructor would say it."""
    sizes, arithmetic = verification.sizes, verification.arithmetic
    max_error = verification.max_error
    instance: Pieces = (
        say(
            "on a random instance with ",
            _joined(
                [
                    say(Relation(sympy.Symbol(n), "→" if n.isdigit() else "=", sympy.Integer(v)))
                    for n, v in sizes.items()
                ]
            ),
        )
        if sizes
        else ("on a random instance of the sizes given",)
    )
    if verification.renumbered:
        # x_9 is checked as the instance's x_2: say so, or "D = 6" reads as a false claim
        instance = say(*instance, " (the indices the lines name renumbered, in order, onto it)")
    exactly = "exactly (in rational arithmetic)" if arithmetic == "exact" else "to 50 digits"
    return paragraph(
        "every equality in these lines holds ",
        instance,
        f", {exactly}, for every index value it is stated for; its derivatives also agree with "
        "numerical differentiation of the equation at a second random point (largest "
        "difference ",
        Number(max_error),
        ").",
        lead="Checked by derivgen:",
    )


# --- one builder per step kind ------------------------------------------------------------


NOTE = Title("Vector, Matrix, and Tensor Derivatives")


def _shapes(step: ShapesStep) -> tuple[Block, ...]:
    return (
        paragraph("Let"),
        display(Shaped(step.output), Shaped(step.rhs), end=",", label="equation"),
        paragraph(
            "where ",
            described(step.symbols),
            ". As in Erik\u00a0Learned-Miller's note ",
            NOTE,
            ", we work one scalar component at a time, with the calculus of a beginner.",
        ),
    )


def _dot_product(parts: Sequence[Part]) -> Pieces:
    named: list[Pieces] = []
    scalars: list[Pieces] = []
    for part in parts:
        symbol = sympy.Symbol(part.name)
        if part.axis == "scalar":
            scalars.append(say(symbol))
        elif part.axis == "vector":
            named.append(say("the vector ", sympy.MatrixSymbol(part.name, 2, 1)))
        else:
            named.append(say(f"{part.axis} ", part.index, " of ", symbol))
    scaled = say(", scaled by ", _joined(scalars)) if scalars else ()
    return say("the dot product of ", _joined(named), scaled)


def _component(step: ComponentStep) -> tuple[Block, ...]:
    lhs = step.lhs
    if step.whole:
        intro = say(
            "The output ",
            lhs,
            " is a single number, so its gradient has one partial per entry "
            "of the variable, which, as a gradient usually does, takes the variable's shape. "
            "Write ",
            lhs,
            " in terms of scalar values only",
        )
    else:
        intro = say(
            "Write a formula for a single scalar component, ",
            lhs,
            ", in terms of scalar values only",
        )
    how = (
        say(
            ". By the definition of matrix multiplication, ",
            lhs,
            " is ",
            _dot_product(step.parts),
            ":",
        )
        if step.parts
        else (":",)
    )
    return (
        paragraph(intro, how),
        display(lhs, step.rhs, label="component"),
        paragraph(
            "This reduces the matrix equation to a scalar equation, which ordinary "
            "calculus can handle."
        ),
    )


def _expand(step: ExpandStep) -> tuple[Block, ...]:
    since = ", since that is what we differentiate with respect to:"
    if step.focus is not None and step.conditions:
        intro = paragraph(
            "Remove the summation notation",
            Ref("component", before=" from "),
            ", writing out explicitly the only term that can involve ",
            step.target,
            " (it does when ",
            _conditions(step.conditions),
            ")",
            since,
        )
    elif step.focus is not None:
        intro = paragraph(
            "Remove the summation notation",
            Ref("component", before=" from "),
            ", writing out explicitly the term that involves ",
            step.target,
            since,
        )
    else:
        intro = paragraph("Remove the summation notation", Ref("component", before=" from "), ":")
    return (intro, display(step.lhs, Terms(step.terms), label="expanded"))


def _differentiate(step: DifferentiateStep) -> tuple[Block, ...]:
    head = Partial(step.of, step.by)
    if len(step.terms) == 1:
        return (paragraph("Differentiate the single term:"), display(head, step.derivatives[0]))
    by = step.by
    if step.conditions:
        intro = paragraph(
            "Only one term can involve ",
            by,
            ", and it does only when ",
            _conditions(step.conditions),
            "; none of the others includes ",
            by,
            ", so their derivatives with respect to ",
            by,
            " are all ",
            sympy.Integer(0),
            ":",
        )
    else:
        intro = paragraph(
            "Only one term involves ",
            by,
            "; none of the others includes it, so their derivatives with respect to ",
            by,
            " are all ",
            sympy.Integer(0),
            ":",
        )
    return (
        intro,
        chain(head, PartialOf(by, Terms(step.terms)), Terms(step.derivatives), end=""),
    )


def _index_derivative(step: IndexDerivativeStep) -> tuple[Block, ...]:
    ordinary = say(
        "Differentiate with the rules of ordinary calculus (sums, products, the chain rule). "
        "The derivative of one entry by another is ",
        sympy.Integer(1),
        " for the same entry and ",
        sympy.Integer(0),
        " for any other; the Kronecker delta (",
        _delta_definition(),
        ") writes that down",
    )
    result = display(Partial(step.of, step.by), step.derivative)
    if not step.rules:
        return (paragraph(ordinary, ":"), result)
    rules = Display(tuple(Row(lhs, (rhs,)) for _, lhs, rhs in step.rules))
    return (
        paragraph(ordinary, f". Besides these, it uses {rule_names(step.rules)}:"),
        rules,
        paragraph("So"),
        result,
    )


def _delta_definition() -> Pieces:
    a, b = sympy.symbols("a b")
    return say(
        sympy.KroneckerDelta(a, b, evaluate=False),
        " = ",
        sympy.Integer(1),
        " when ",
        Relation(a, "=", b),
        ", else ",
        sympy.Integer(0),
    )


def _inverse(step: InverseStep) -> tuple[Block, ...]:
    x = step.by.base.label
    matrix = sympy.MatrixSymbol(str(x), 2, 2)
    inverse = matrix.I
    change = sympy.Symbol(f"d{x}")
    moved = Product((sympy.Integer(-1) * inverse, change, inverse))
    return (
        paragraph(
            "The inverse has no entries to write out as a sum; what defines it is ",
            Relation(Product((matrix, inverse)), "=", sympy.Identity(2)),
            ". Entry by entry, for every row ",
            step.row,
            ":",
        ),
        display(step.identity[0], step.identity[1]),
        paragraph(
            "Differentiate both sides by ",
            step.by,
            " with the product rule; the right-hand side is a constant:",
        ),
        display(step.product_rule, sympy.Integer(0)),
        paragraph("In the sum with the deltas, they keep one term:"),
        display(step.summed, sympy.Integer(0)),
        paragraph(
            "To free the unknown partials from the sum, multiply by ",
            step.multiplier,
            " and sum over ",
            step.row,
            ": multiplying by the inverse undoes ",
            matrix,
            ",",
        ),
        display(step.undo[0], step.undo[1], end=","),
        paragraph("so that"),
        display(step.solved, sympy.Integer(0), end=","),
        paragraph("that is,"),
        display(Partial(step.of, step.by), step.inverse_partial, step.result),
        paragraph(
            "In words: moving the entry ",
            step.by,
            " alone moves the inverse by ",
            moved,
            ", where ",
            change,
            " holds that one change; this is ",
            Relation(Func("d", inverse), "=", moved),
            ", entry by entry.",
        ),
    )


def _laplace(step: LaplaceStep) -> tuple[Block, ...]:
    row, col = step.by.indices
    array = sympy.MatrixSymbol(str(step.by.base.label), 2, 2)
    sign = sympy.Pow(sympy.Integer(-1), sympy.Add(row, step.index, evaluate=False), evaluate=False)
    return (
        paragraph(
            "Expand the determinant along row ",
            row,
            ", the row of ",
            step.by,
            " (Laplace's expansion):",
        ),
        display(step.of, step.determinant, step.expansion, end=","),
        paragraph(
            "where the cofactor ",
            step.cofactor,
            " is ",
            sign,
            " times the determinant of ",
            array,
            " with row ",
            row,
            " and column ",
            step.index,
            " deleted. No cofactor of row ",
            row,
            " holds an entry of that row, so none depends on ",
            step.by,
            ":",
        ),
        display(Partial(step.cofactor, step.by), sympy.Integer(0), end=","),
        paragraph(
            "and of the terms ",
            step.expansion.function,
            " only the one with ",
            Relation(step.index, "=", col),
            " involves ",
            step.by,
            ":",
        ),
        display(Partial(step.of, step.by), step.picked, step.result),
        paragraph(
            "Assembled, these cofactors make the matrix of cofactors, which Jacobi's formula "
            "names ",
            Product((sympy.Determinant(array), array.I.T)),
            ": the inverse is the transposed matrix of cofactors divided by the determinant.",
        ),
    )


def _deltas(step: DeltaStep) -> tuple[Block, ...]:
    intro = (
        "Inside a sum, a Kronecker delta keeps only the term whose index matches, so the sums "
        "collapse:"
        if step.summed_deltas
        else "Each factor comes out of the sums whose index it does not use:"
    )
    if step.apart is None:
        return (paragraph(intro), display(Partial(step.of, step.by), step.result))
    return (
        paragraph(
            intro.removesuffix(":"),
            "; terms that differ only in the name of a summed index are equal, and add up:",
        ),
        chain(Partial(step.of, step.by), step.apart, step.result),
    )


def _isolate(step: IsolateStep) -> tuple[Block, ...]:
    intro: Pieces = ("What is left is the derivative of one simple term",)
    if step.conditions:
        one = len(step.conditions) == 1
        elsewhere = say("when ", _conditions(step.conditions, "≠")) if one else ("otherwise",)
        deltas = _joined([say(sympy.KroneckerDelta(*pair)) for pair in step.conditions])
        named = (
            say(
                "The Kronecker delta ",
                deltas,
                " (",
                sympy.Integer(1),
                " when ",
                _conditions(step.conditions),
                ", else ",
                sympy.Integer(0),
                ") writes",
            )
            if one
            else say(
                "The Kronecker deltas ",
                deltas,
                " (each ",
                sympy.Integer(1),
                " when its indices are equal, else ",
                sympy.Integer(0),
                ") write",
            )
        )
        intro = say(
            intro,
            ". When ",
            _conditions(step.conditions),
            ", the term holds ",
            step.by,
            " and its derivative is ",
            step.nonzero,
            "; ",
            elsewhere,
            ", ",
            step.by,
            " does not appear in it and its derivative is ",
            sympy.Integer(0),
            ". ",
            named,
            " both cases at once:",
        )
    else:
        intro = say(intro, ":")
    return (Paragraph(intro), chain(Partial(step.of, step.by), step.surviving, step.result))


def _zero(step: ZeroStep) -> tuple[Block, ...]:
    unequal = _joined([say(Relation(a, "≠", b)) for a, b in step.conflicts])
    return (
        paragraph(
            "However, ",
            step.by,
            " plays no role in the computation of ",
            step.of,
            ": every term holds an entry of the form ",
            step.pattern,
            ", and ",
            unequal,
            ". In other words,",
        ),
        display(Partial(step.of, step.by), sympy.Integer(0)),
        paragraph(
            "The entries that do appear give partials that are in general non-zero. "
            "For example, take ",
            step.example,
            ".",
        ),
    )


def _intermediates(step: IntermediatesStep) -> tuple[Block, ...]:
    one = len(step.names) == 1
    named = Display(
        (
            Row(
                Together(
                    tuple(
                        Relation(n, "=", d)
                        for n, d in zip(step.names, step.definitions, strict=True)
                    )
                ),
                (),
            ),
        )
    )
    inner = _joined([say(n) for n in step.names])
    contraction = say(
        " (the product is no matrix product: it contracts, summing over the entries of ",
        inner,
        ", as the components below show),",
    )
    layout = (f" (in {step.layout} layout),",) if step.layout else contraction
    product = Product(tuple(Partial(of, by, whole=True) for of, by in step.chain))
    return (
        paragraph(
            "We could multiply the matrices out and read off the answer, but to see how the "
            "chain rule applies to non-scalar derivatives, define ",
            "the intermediate result" if one else "one intermediate result per stage",
        ),
        named,
        paragraph("Then we have that"),
        display(step.output, step.final, end=","),
        paragraph("and, using the chain rule", layout),
        display(Partial(step.output, step.by, whole=True), product),
    )


def _chain_rule(step: ChainRuleStep) -> tuple[Block, ...]:
    head = Partial(step.of, step.by)
    rule = [step.rule] + ([Braces(Terms(step.expanded))] if step.expanded else [])
    stages = Display(
        tuple(
            Row(
                Partial(link.of, link.by),
                (link.value,),
                note=say("from ", Relation(link.output, "=", link.defined)),
            )
            for link in step.links
        )
    )
    result = [step.summed] + ([step.result] if step.result != step.summed else [])
    return (
        paragraph(
            # the note's question, kept with the component it answers
            "To make sure we know exactly what this means, take one component at a time. "
            "The chain rule multiplies the change in ",
            step.of,
            " with respect to each scalar "
            "intermediate variable by the change in that variable with respect to ",
            step.by,
            ", and sums over them (",
            _ranges(step.sums),
            "):",
        ),
        chain(head, *rule),
        paragraph(
            "Each stage is a single product, whose partials we find one component at a "
            "time, as before:"
        ),
        stages,
        paragraph("So"),
        chain(head, *result),
    )


def _chain_summary(step: ChainSummaryStep) -> tuple[Block, ...]:
    names = _joined([say(n) for n in step.names])
    which = (
        say("result ", names, " and the variable used to represent it")
        if len(step.names) == 1
        else say("results ", names, " and the variables used to represent them")
    )
    return (
        paragraph("To summarize, we used the chain rule with vectors and matrices by"),
        Bullets(
            (
                say("clearly stating the intermediate ", which, ","),
                say(
                    "expressing the chain rule for individual components of the final derivative, ",
                    Partial(step.of, step.by),
                    ", and",
                ),
                say(
                    "summing over the intermediate results (",
                    _ranges(step.sums),
                    ") within the chain rule expression.",
                ),
            )
        ),
    )


def _index_view(step: IndexViewStep) -> tuple[Block, ...]:
    result = [step.derivative] + ([step.result] if step.result != step.derivative else [])
    return (
        paragraph(
            "Write one component with its sums and differentiate it by a general entry ",
            step.by,
            "; the derivative of one entry by another is a Kronecker delta (",
            _delta_definition(),
            "):",
            lead="View: index notation.",
        ),
        display(step.of, step.component, end=","),
        chain(Partial(step.of, step.by), *result),
    )


def _vec_view(step: VecViewStep) -> tuple[Block, ...]:
    by = Func("vec", step.by)
    of = Func("vec", step.of) if step.stacked else step.of
    likewise = say(", and those of ", step.of, " likewise") if step.stacked else ()
    # two letters the problem does not use (f = A x is differentiated by A), to define ⊗
    used = {str(s) for part in (step.of, step.by, step.result) for s in part.free_symbols}
    first, second = [n for n in "PQRSUVGHKLN" if n not in used][:2]
    a, b = sympy.MatrixSymbol(first, 2, 2), sympy.MatrixSymbol(second, 2, 2)
    p, q = sympy.symbols("p q")
    intro = paragraph(
        "Stack the columns of ",
        step.by,
        " into one long vector ",
        by,
        likewise,
        ". The derivative then has only two axes: a matrix with one row per entry of ",
        of,
        " and one column per entry of ",
        by,
        " (numerator layout), written with the Kronecker product (",
        sympy.KroneckerProduct(a, b),
        " is the block matrix whose block ",
        sympy.Tuple(p, q),
        " is ",
        Product((sympy.IndexedBase(first)[p, q], b)),
        ")",
        ": since" if step.linear else ":",
        lead="View: vectorization.",
    )
    blocks: list[Block] = [intro]
    if step.linear:
        blocks += [display(of, Product((Parens(step.result), by)), end=","), paragraph("we have")]
    blocks.append(display(Partial(of, by), step.result))
    return tuple(blocks)


def _backprop_view(step: BackpropViewStep) -> tuple[Block, ...]:
    loss, output = step.loss, step.output
    lines = [step.rule, step.summed] + ([step.result] if step.result != step.summed else [])
    return (
        paragraph(
            "When ",
            output,
            " feeds a scalar loss ",
            loss,
            ", the array above is never needed. Write ",
            Relation(step.gradient, "=", Partial(loss, output)),
            " for the gradient that arrives from the loss (shaped like ",
            output,
            "). By the chain rule, for every entry of ",
            step.by,
            ",",
            lead="View: backpropagation.",
        ),
        chain(Partial(loss, step.by_entry), *lines, end=","),
        paragraph("so, in the shape of ", step.by, ","),
        # with what g stands for, as a key boxes it: the answer in terms of ∂L/∂z
        display(
            Together(
                (
                    Relation(Partial(loss, step.by), "=", step.matrix),
                    Relation(step.gradient, "=", Partial(loss, output)),
                )
            )
        ),
    )


def _shown_last(step: Step | None) -> tuple[object, object] | None:
    """The equality a step's last display ends with, as (left side, last right side)."""
    if step is None:
        return None
    last = [b for b in blocks(step) if isinstance(b, Display)]
    if not last or not last[-1].rows[-1].rhs:
        return None
    first = next(row.lhs for row in last[-1].rows if row.lhs is not None)
    return first, last[-1].rows[-1].rhs[-1]


def _generalize(step: GeneralizeStep, before: Step | None = None) -> tuple[Block, ...]:
    general = Partial(step.of, step.by)
    opposite = _opposite_indexing(step)
    if _shown_last(before) == (general, step.result):
        # the line just derived is already the general entry: say so instead of showing it again
        blocks: list[Block] = [
            paragraph(
                "The indices were general all along, so going through the same process for "
                "every component gives the same result",
                *(
                    say(": the last line holds for all ", _ranges(step.ranges))
                    if step.ranges
                    else ()
                ),
                ".",
                *(say(" Notice that ", opposite, ".") if opposite else ()),
            )
        ]
    else:
        ranges = say(", we find that for all ", _ranges(step.ranges)) if step.ranges else ()
        blocks = [
            paragraph("Going through the same process for every component", ranges, ","),
            display(general, step.result, label="general"),
        ]
        if opposite:
            blocks.append(paragraph("Notice that ", opposite, "."))
    if step.conditions:
        blocks += [
            paragraph(
                "This is zero unless ", _equalities(step.conditions), "; the non-zero partials are"
            ),
            display(Partial(step.of, step.nonzero_by), step.nonzero),
        ]
    return tuple(blocks)


def _opposite_indexing(step: GeneralizeStep) -> Pieces:
    """`the indexing into W is the opposite …`, for a row vector's W_{j,i} (the note's words)."""
    result, of, by = step.result, step.of, step.by
    if not (isinstance(result, sympy.Indexed) and len(result.indices) == 2):
        return ()
    if not (isinstance(of, sympy.Indexed) and isinstance(by, sympy.Indexed)):
        return ()
    if len(of.indices) != 1 or len(by.indices) != 1:
        return ()
    if tuple(result.indices) != (by.indices[0], of.indices[0]):
        return ()
    return say(
        "the indexing into ",
        result.base.label,
        " is the opposite of the partial's: ",
        result,
        " for ",
        Partial(of, by),
        ", the index of ",
        of.base.label,
        " second",
    )


def _ones(result: sympy.Basic, rows: tuple[Row, ...]) -> tuple[Block, ...]:
    """The display of an assembled matrix, and what its matrix of ones is, when it has one."""
    ones = sorted(result.atoms(sympy.OneMatrix), key=str)
    if not ones:
        return (Display(rows),)
    named = _joined([say(one, " is the ", Times(*one.shape), " matrix of ones") for one in ones])
    return (Display(rows, end=","), paragraph("where ", named, "."))


def _shape(value: sympy.Basic) -> Shape:
    """The shape of a result (a scalar, which sympy gives none, is 1×1)."""
    return Shape(*getattr(value, "shape", (1, 1)))


def _rows(symbol: sympy.Basic) -> bool:
    """Whether `symbol` is a row vector (a scalar has no shape and is not)."""
    rows, cols = getattr(symbol, "shape", (1, 1))
    return rows == 1 and cols != 1


def _entry_of(matrix: sympy.Basic, indices: tuple[sympy.Basic, ...]) -> EntryOf:
    """`(A x)_i`, or `-(A x)_i` for a matrix with a minus in front."""
    if isinstance(matrix, sympy.MatMul) and matrix.args[0].is_Number and matrix.args[0] < 0:
        return EntryOf(-matrix, indices, negated=True)
    return EntryOf(matrix, indices)


def _scaled(coefficient: sympy.Expr, factors: list[object]) -> tuple[object, ...]:
    """`2 (W x − t)_i x_j`, or `-(X⁻ᵀ a)_i (bᵀ X⁻ᵀ)_j` for -1: a number in front of factors."""
    if coefficient == 1:
        return tuple(factors)
    first, *rest = factors
    if coefficient == -1 and isinstance(first, EntryOf):
        return (dataclasses.replace(first, negated=True), *rest)
    if coefficient == -1:
        return (-first, *rest)
    return (coefficient, *factors)


def _assemble(step: AssembleStep) -> tuple[Block, ...]:
    head = Partial(step.of, step.by)
    named = ()
    final: tuple[sympy.Basic, ...] = (step.result,)
    if step.terms is not None:
        total = sympy.MatAdd(*step.terms)
        indices = tuple(i for i in (step.row_index, step.col_index) if i is not None)
        entries = tuple(_entry_of(t, indices) for t in step.terms)
        named = (
            paragraph("Each term is an entry of a matrix expression:")
            if len(entries) > 1
            # the note's "which is just the component expression for VW"
            else paragraph("The sum is just the component expression for ", step.terms[0], ":"),
            display(step.partial, Terms(entries) if len(entries) > 1 else entries[0]),
        )
        # the terms added, then factored (A x + Aᵀ x = (A + Aᵀ) x); a single sum needs neither
        single = len(entries) == 1 or total == step.result
        final = (step.result,) if single else (total, step.result)
    if step.outer is not None:
        coefficient, (u, u_i), (v, v_j) = step.outer
        shown = [
            EntryOf(matrix, (index,)) if factor.has(sympy.Sum) else factor
            for matrix, factor, index in ((u, u_i, step.row_index), (v, v_j, step.col_index))
        ]
        named_sums = [matrix for matrix, factor in ((u, u_i), (v, v_j)) if factor.has(sympy.Sum)]
        named = (
            paragraph(
                "The sum is the entry ",
                step.row_index if u_i.has(sympy.Sum) else step.col_index,
                " of ",
                named_sums[0],
                ":",
            )
            if len(named_sums) == 1
            else paragraph("Each sum is an entry of a vector:"),
            display(step.partial, Product(_scaled(coefficient, shown))),
        )
    if step.entries is not None:
        rows = (Row(head, (Grid(step.partials),)), Row(None, (Grid(step.entries), *final)))
    else:
        rows = (Row(head, (Grid(step.partials), *final)),)
    vectors = all(1 in getattr(a, "shape", ()) for a in (step.of, step.by))
    the_jacobian = say("the Jacobian matrix of ", step.of, " with respect to ", step.by)
    jacobian: Pieces = ()
    if vectors and step.layout == "numerator":
        jacobian = say(" (", the_jacobian, ")")
    elif vectors and step.layout == "denominator" and _rows(step.of):
        # the note's arrangement for row vectors is the Jacobian's transpose: say so
        jacobian = say(" (", the_jacobian, ", transposed)")
    if step.transposed is not None:
        flipped = EntryOf(step.transposed, (step.col_index, step.row_index))
        rows = (
            *rows[:-1],
            Row(rows[-1].lhs, (*rows[-1].rhs[:-1], sympy.Transpose(step.transposed), step.result)),
        )
        return (
            paragraph(
                "The sum is the entry (",
                step.col_index,
                ", ",
                step.row_index,
                ") of the product ",
                step.transposed,
                ":",
            ),
            display(step.partial, flipped, end=","),
            paragraph(
                "so the matrix with ",
                step.row_index,
                " down the rows is the transpose of ",
                step.transposed,
                ". Assembling all the partials",
                Ref("general", before=" "),
                " into a matrix, ",
                arrangement(step.layout, step.row_index, step.col_index),
                ":",
            ),
            *_ones(step.result, rows),
        )
    return (
        *named,
        paragraph(
            "Assembling all the partials",
            Ref("general", before=" "),
            " into a matrix",
            jacobian,
            ", ",
            arrangement(step.layout, step.row_index, step.col_index, _rows(step.of)),
            ":",
        ),
        *_ones(step.result, rows),
    )


def _sliced_arrangement(piece: Slice) -> Pieces:
    return arrangement(piece.layout, piece.row_index, piece.col_index)


def _array(step: ArrayStep) -> tuple[Block, ...]:
    axes = len(step.indices)
    f = sympy.IndexedBase("F")
    blocks: list[Block] = [
        paragraph(
            "The derivative of ",
            step.of,
            " with respect to ",
            step.by,
            f" varies along {axes} "
            f"coordinates, so it is most naturally a {_DIMENSIONS.get(axes, f'{axes}-dimensional')}"
            " array ",
            sympy.Symbol("F"),
            ". Rather than display it, define it entry by entry:",
        ),
        display(f[step.indices], step.partial, step.formula),
    ]
    if step.conditions:
        blocks += [
            paragraph(
                "All entries of ",
                sympy.Symbol("F"),
                " are zero except where ",
                _equalities(step.conditions),
                ", so all of the information in ",
                sympy.Symbol("F"),
                " is held by the smaller array",
            ),
            display(
                sympy.IndexedBase("G")[step.compact_indices], f[step.compact_source], step.compact
            ),
        ]
    if step.slice is not None:
        piece = step.slice
        fixed = _joined([say(i) for i in piece.fixed])
        blocks += [
            paragraph(
                "Since this does not depend on ",
                fixed,
                ", the same derivative holds for every ",
                fixed,
                ":",
            ),
            display(
                Partial(Sliced(step.of, piece.of_indices), Sliced(step.by, piece.by_indices)),
                piece.result,
            ),
            paragraph(
                f"The {'vector' if _shape(piece.result).is_vector else 'matrix'} is laid out ",
                _sliced_arrangement(piece),
                ".",
            ),
        ]
    return tuple(blocks)


BUILDERS: dict[type[Step], Callable[..., tuple[Block, ...]]] = {
    ShapesStep: _shapes,
    ComponentStep: _component,
    ExpandStep: _expand,
    DifferentiateStep: _differentiate,
    IsolateStep: _isolate,
    ZeroStep: _zero,
    GeneralizeStep: _generalize,
    AssembleStep: _assemble,
    ArrayStep: _array,
    IndexDerivativeStep: _index_derivative,
    DeltaStep: _deltas,
    IntermediatesStep: _intermediates,
    ChainRuleStep: _chain_rule,
    ChainSummaryStep: _chain_summary,
    IndexViewStep: _index_view,
    VecViewStep: _vec_view,
    BackpropViewStep: _backprop_view,
    LaplaceStep: _laplace,
    InverseStep: _inverse,
}
"""Each step kind's words; a kind missing here has no renderer in any format."""


def blocks(step: Step, before: Step | None = None) -> tuple[Block, ...]:
    """What one step says, as blocks with maths slots; `before` is the step shown before it,
    so that a step does not display again the line just derived."""
    if isinstance(step, GeneralizeStep):
        return _generalize(step, before)
    builder = BUILDERS.get(type(step))
    if builder is None:
        raise NotImplementedError(f"no prose for step kind {step.kind!r}")
    return builder(step)


def derivation(steps: Sequence[Step]) -> list[tuple[Block, ...]]:
    """Every step's blocks, each knowing the step before it; the Kronecker delta defined
    where it first appears, when no step before has defined it."""
    shown = [blocks(step, before) for step, before in zip(steps, [None, *steps[:-1]], strict=True)]
    for n, step_blocks in enumerate(shown):
        for m, block in enumerate(step_blocks):
            if isinstance(block, Paragraph) and _names_the_delta(block):
                return shown
            if isinstance(block, Display) and _has_delta(block):
                shown[n] = (
                    *step_blocks[:m],
                    dataclasses.replace(block, end=","),
                    paragraph("where the Kronecker delta ", _delta_definition(), "."),
                    *step_blocks[m + 1 :],
                )
                return shown
    return shown


def _names_the_delta(pieces: object) -> bool:
    """Whether a paragraph's words say what the Kronecker delta is (they name it to do so)."""
    if isinstance(pieces, Paragraph):
        return _names_the_delta(pieces.pieces)
    if isinstance(pieces, tuple):
        return any(_names_the_delta(piece) for piece in pieces)
    return isinstance(pieces, str) and "Kronecker delta" in pieces


def _has_delta(node: object) -> bool:
    """Whether a display (or any node of one) shows a Kronecker delta."""
    if isinstance(node, sympy.Basic):
        return node.has(sympy.KroneckerDelta)
    if isinstance(node, tuple):
        return any(_has_delta(item) for item in node)
    if dataclasses.is_dataclass(node):
        return any(_has_delta(getattr(node, f.name)) for f in dataclasses.fields(node))
    return False


def numbering(shown: Iterable[tuple[Block, ...]]) -> dict[str, int]:
    """Each labelled display's number, (1), (2), … in the order the derivation shows them."""
    labels = [
        b.label for step in shown for b in step if isinstance(b, Display) and b.label is not None
    ]
    return {label: n for n, label in enumerate(dict.fromkeys(labels), start=1)}


__all__ = [
    "Block",
    "Braces",
    "Bullets",
    "Display",
    "Dots",
    "Func",
    "Grid",
    "Math",
    "Node",
    "Number",
    "Paragraph",
    "Partial",
    "PartialOf",
    "Piece",
    "Product",
    "Range",
    "Ref",
    "Relation",
    "Row",
    "Sliced",
    "Terms",
    "Times",
    "article",
    "blocks",
    "check_sentence",
    "join_terms",
    "listing",
    "numbering",
    "rule_names",
    "say",
]
