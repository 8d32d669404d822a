"""The terminal renderer: the same derivation in Unicode prose and formulas, 80 columns wide."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Iterable, Sequence

import sympy

from derivgen.render.printers import to_text
from derivgen.render.prose import arrangement as layout_clause
from derivgen.render.prose import check_sentence, condition_sides, describe, listing, rule_names
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
    ShapesStep,
    Slice,
    Step,
    Term,
    VecViewStep,
    ZeroStep,
)
from derivgen.verify import Checked

WIDTH = 80
_DOTS = {Dots.LOW: "…", Dots.ACROSS: "⋯", Dots.DOWN: "⋮", Dots.DIAGONAL: "⋱"}
_INDENT = "    "
_MAX_BREAK_DEPTH = 3
"""Signs nested deeper than this in brackets are never line breaks."""


def _t(value: Term | sympy.Basic) -> str:
    return _DOTS[value] if isinstance(value, Dots) else to_text(value)


def _terms(items: Iterable[Term]) -> str:
    out = ""
    for item in items:
        printed = _t(item)
        if not out:
            out = printed
        elif printed.startswith("-"):
            out += " - " + printed[1:]
        else:
            out += " + " + printed
    return out


def _ranges(items: Iterable[tuple[sympy.Symbol, sympy.Basic]]) -> str:
    """`i = 1…C and j = 1…D`."""
    return listing([f"{_t(i)} = 1…{_t(sympy.sympify(n))}" for i, n in items])


def _conditions(pairs: Sequence[tuple[sympy.Expr, sympy.Expr]], sign: str = "=") -> str:
    """`k = i`, `k = i and l = j`: where a term holds the target (see `condition_sides`)."""
    return listing([f"{_t(a)} {sign} {_t(b)}" for a, b in (condition_sides(*p) for p in pairs)])


def _delta_cases(step: IsolateStep) -> str:
    """The two cases of a surviving term that holds the target only under conditions."""
    by = _t(step.by)
    one = len(step.conditions) == 1
    elsewhere = f"when {_conditions(step.conditions, '≠')}" if one else "otherwise"
    deltas = [_t(sympy.KroneckerDelta(*pair)) for pair in step.conditions]
    if one:
        named = f"The Kronecker delta {deltas[0]} (1 when {_conditions(step.conditions)}, else 0) "
        named += "writes"
    else:
        named = f"The Kronecker deltas {listing(deltas)} (each 1 when its indices are equal, "
        named += "else 0) write"
    return (
        f"When {_conditions(step.conditions)}, the term holds {by} and its derivative is "
        f"{_t(step.nonzero)}; {elsewhere}, {by} does not appear in it and its derivative is 0. "
        f"{named} both cases at once:"
    )


def _partial(of: sympy.Basic, by: sympy.Basic) -> str:
    return f"∂{_t(of)}/∂{_t(by)}"


def _sliced(symbol: sympy.Basic, indices: Sequence[sympy.Symbol | None]) -> str:
    return f"{_t(symbol)}[{','.join(':' if i is None else _t(i) for i in indices)}]"


def _wrap(line: str, width: int) -> list[str]:
    """A long formula broken before + and - signs, aligned after its `=`.

    The outermost signs are tried first; a formula whose every sign sits inside brackets
    (a sum of a product of sums) is broken at the shallowest signs that let it fit.
    """
    if len(line) <= width:
        return [line]
    equals = line.find(" = ")
    indent = " " * (equals + 1) if 0 <= equals < width // 2 else ""
    signs: list[tuple[int, int]] = []
    depth = 0
    for at, char in enumerate(line):
        depth += (char in "([") - (char in ")]")
        if at > equals + 3 and line.startswith((" + ", " - "), at):
            signs.append((depth, at))
    pieces = [line]
    for deepest in range(_MAX_BREAK_DEPTH + 1):
        breaks = [at for level, at in signs if level <= deepest]
        pieces = _pieces(line, breaks, width, indent)
        if all(len(p) <= width for p in pieces):
            break
    return [pieces[0], *(indent + p for p in pieces[1:])]


def _pieces(line: str, breaks: list[int], width: int, indent: str) -> list[str]:
    """Greedy: each piece as long as fits, cut before one of `breaks`."""
    pieces, start = [], 0
    for previous, cut in itertools.pairwise([*breaks, len(line)]):
        if len(indent if pieces else "") + cut - start > width and previous > start:
            pieces.append(line[start:previous])
            start = previous + 1
    pieces.append(line[start:])
    return pieces


class TextRenderer:
    """Renders a checked derivation for a terminal: prose wrapped, formulas on their own lines."""

    def __init__(self, width: int = WIDTH) -> None:
        self.width = width

    def _prose(self, text: str) -> str:
        return textwrap.fill(text, self.width)

    def _formula(self, *lines: str) -> str:
        wrapped = [piece for line in lines for piece in _wrap(line, self.width - len(_INDENT))]
        return "\n".join((_INDENT + line).rstrip() for line in wrapped)

    def step(self, step: Step) -> str:
        method = getattr(self, f"_print_{type(step).__name__}", None)
        if method is None:
            raise NotImplementedError(f"no text renderer for step kind {step.kind!r}")
        return method(step)

    def _print_ShapesStep(self, step: ShapesStep) -> str:
        described = [describe(s, _t, lambda r, c: f"{_t(r)}×{_t(c)}") for s in step.symbols]
        return "\n\n".join(
            [
                "Let",
                self._formula(f"{_t(step.output)} = {_t(step.rhs)},"),
                self._prose(f"where {listing(described)}."),
            ]
        )

    def _print_ComponentStep(self, step: ComponentStep) -> str:
        lhs = _t(step.lhs)
        if step.parts:
            named = []
            scalars = []
            for part in step.parts:
                if part.axis == "scalar":
                    scalars.append(part.name)
                elif part.axis == "vector":
                    named.append(f"the vector {part.name}")
                else:
                    named.append(f"{part.axis} {_t(part.index)} of {part.name}")
            how = (
                f"By the definition of matrix multiplication, {lhs} is the dot product of "
                + listing(named)
            )
            how += (", scaled by " + listing(scalars) if scalars else "") + ":"
        else:
            how = "In terms of scalar entries:"
        if step.whole:
            intro = (
                f"The output {lhs} is a single number, so its gradient has one partial per entry "
                f"of the variable, which in the note's arrangement takes the variable's shape. "
                f"Write {lhs} in terms of scalar values only."
            )
        else:
            intro = (
                f"Write a formula for a single scalar component, {lhs}, in terms of scalar "
                "values only."
            )
        return "\n\n".join(
            [
                self._prose(f"{intro} {how}"),
                self._formula(f"{lhs} = {_t(step.rhs)}"),
            ]
        )

    def _print_ExpandStep(self, step: ExpandStep) -> str:
        if step.focus is not None and step.conditions:
            intro = (
                "Remove the summation notation, writing out explicitly the only term that can "
                f"involve {_t(step.target)} (it does when {_conditions(step.conditions)}):"
            )
        elif step.focus is not None:
            intro = (
                "Remove the summation notation, writing out explicitly the term that "
                f"involves {_t(step.target)}:"
            )
        else:
            intro = "Remove the summation notation:"
        return "\n\n".join(
            [self._prose(intro), self._formula(f"{_t(step.lhs)} = {_terms(step.terms)}")]
        )

    def _print_DifferentiateStep(self, step: DifferentiateStep) -> str:
        head = _partial(step.of, step.by)
        if len(step.terms) == 1:
            return "\n\n".join(
                [
                    "Differentiate the single term:",
                    self._formula(f"{head} = {_t(step.derivatives[0])}"),
                ]
            )
        pad = " " * len(head)
        by = _t(step.by)
        if step.conditions:
            intro = (
                f"Only one term can involve {by}, and it does only when "
                f"{_conditions(step.conditions)}; none of the others includes {by}, so their "
                f"derivatives with respect to {by} are all 0:"
            )
        else:
            intro = (
                f"Only one term involves {by}; none of the others includes it, so their "
                f"derivatives with respect to {by} are all 0:"
            )
        return "\n\n".join(
            [
                self._prose(intro),
                self._formula(
                    f"{head} = ∂/∂{by}[{_terms(step.terms)}]", f"{pad} = {_terms(step.derivatives)}"
                ),
            ]
        )

    def _print_IndexDerivativeStep(self, step: IndexDerivativeStep) -> str:
        ordinary = (
            "Differentiate with the rules of ordinary calculus (sums, products, the chain "
            "rule). The derivative of one entry by another is 1 for the same entry and 0 for "
            "any other; the Kronecker delta (δₐ,ᵦ = 1 when a = b, else 0) writes that down"
        )
        result = self._formula(f"{_partial(step.of, step.by)} = {_t(step.derivative)}")
        if not step.rules:
            return "\n\n".join([self._prose(ordinary + ":"), result])
        names = rule_names(step.rules)
        return "\n\n".join(
            [
                self._prose(f"{ordinary}. Besides these, it uses {names}:"),
                self._formula(*(f"{_t(lhs)} = {_t(rhs)}" for _, lhs, rhs in step.rules)),
                "So",
                result,
            ]
        )

    def _print_InverseStep(self, step: InverseStep) -> str:
        x = _t(step.by.base.label)
        row, factor = _t(step.row), _t(step.multiplier)
        return "\n\n".join(
            [
                self._prose(
                    "The inverse has no entries to write out as a sum; what defines it is "
                    f"{x} {x}⁻¹ = I. Entry by entry, for every row {row}:"
                ),
                self._formula(f"{_t(step.identity[0])} = {_t(step.identity[1])}"),
                self._prose(
                    f"Differentiate both sides by {_t(step.by)} with the product rule; the "
                    "right-hand side is a constant:"
                ),
                self._formula(f"{_t(step.product_rule)} = 0"),
                self._prose("In the sum with the deltas, they keep one term:"),
                self._formula(f"{_t(step.summed)} = 0"),
                self._prose(
                    f"To free the unknown partials from the sum, multiply by {factor} and sum "
                    f"over {row}: multiplying by the inverse undoes {x},"
                ),
                self._formula(f"{_t(step.undo[0])} = {_t(step.undo[1])}"),
                self._prose("so that"),
                self._formula(f"{_t(step.solved)} = 0"),
                self._prose("that is,"),
                self._formula(
                    f"{_partial(step.of, step.by)} = {_t(step.inverse_partial)} = {_t(step.result)}"
                ),
                self._prose(
                    f"In words: moving the entry {_t(step.by)} alone moves the inverse by "
                    f"−{x}⁻¹ d{x} {x}⁻¹, where d{x} holds that one change; this is "
                    f"d({x}⁻¹) = −{x}⁻¹ d{x} {x}⁻¹, entry by entry."
                ),
            ]
        )

    def _print_LaplaceStep(self, step: LaplaceStep) -> str:
        row, col = (_t(i) for i in step.by.indices)
        index, array = _t(step.index), _t(step.by.base.label)
        return "\n\n".join(
            [
                self._prose(
                    f"Expand the determinant along row {row}, the row of {_t(step.by)} "
                    "(Laplace's expansion):"
                ),
                self._formula(f"{_t(step.of)} = {_t(step.determinant)} = {_t(step.expansion)}"),
                self._prose(
                    f"where the cofactor {_t(step.cofactor)} is (−1)^({row} + {index}) times "
                    f"the determinant of {array} with row {row} and column {index} deleted. "
                    f"No cofactor of row {row} holds an entry of that row, so none depends "
                    f"on {_t(step.by)}:"
                ),
                self._formula(f"{_partial(step.cofactor, step.by)} = 0"),
                self._prose(
                    f"and of the terms {_t(step.expansion.function)} only the one with "
                    f"{index} = {col} involves {_t(step.by)}:"
                ),
                self._formula(
                    f"{_partial(step.of, step.by)} = {_t(step.picked)} = {_t(step.result)}"
                ),
                self._prose(
                    "Assembled, these cofactors make the matrix of cofactors, which Jacobi's "
                    f"formula names det({array}) {array}⁻ᵀ: the inverse is the transposed "
                    "matrix of cofactors divided by the determinant."
                ),
            ]
        )

    def _print_DeltaStep(self, step: DeltaStep) -> str:
        return "\n\n".join(
            [
                self._prose(
                    "Inside a sum, a Kronecker delta keeps only the term whose index "
                    "matches, so the sums collapse:"
                    if step.summed_deltas
                    else "Each factor comes out of the sums whose index it does not use:"
                ),
                self._formula(f"{_partial(step.of, step.by)} = {_t(step.result)}"),
            ]
        )

    def _print_IsolateStep(self, step: IsolateStep) -> str:
        head = _partial(step.of, step.by)
        intro = "What is left is the derivative of one simple term"
        intro += f". {_delta_cases(step)}" if step.conditions else ":"
        return "\n\n".join(
            [
                self._prose(intro),
                self._formula(
                    f"{head} = {_t(step.surviving)}", f"{' ' * len(head)} = {_t(step.result)}"
                ),
            ]
        )

    def _print_ZeroStep(self, step: ZeroStep) -> str:
        unequal = listing([f"{_t(a)} ≠ {_t(b)}" for a, b in step.conflicts])
        return "\n\n".join(
            [
                self._prose(
                    f"However, {_t(step.by)} plays no role in the computation of {_t(step.of)}: "
                    f"every term holds an entry of the form {_t(step.pattern)}, and {unequal}. "
                    "In other words,"
                ),
                self._formula(f"{_partial(step.of, step.by)} = 0"),
                self._prose(
                    f"The entries that do appear give non-zero partials. For example, take "
                    f"{_t(step.example)}:"
                ),
            ]
        )

    def _print_IntermediatesStep(self, step: IntermediatesStep) -> str:
        one = len(step.names) == 1
        named = ", ".join(
            f"{_t(n)} = {_t(d)}" for n, d in zip(step.names, step.definitions, strict=True)
        )
        chain = "".join(f"d{_t(of)}/d{_t(by)} " for of, by in step.chain).rstrip()
        return "\n\n".join(
            [
                self._prose(
                    "We could multiply the matrices out and read off the answer, but to see how "
                    "the chain rule applies to non-scalar derivatives, define "
                    + ("the intermediate result" if one else "one intermediate result per stage")
                ),
                self._formula(named + "."),
                "Then we have that",
                self._formula(f"{_t(step.output)} = {_t(step.final)},"),
                "and, using the chain rule"
                + (f" (in {step.layout} layout)," if step.layout else ","),
                self._formula(f"d{_t(step.output)}/d{_t(step.by)} = {chain}."),
                self._prose(
                    "To make sure we know exactly what this means, take one component at a time."
                ),
            ]
        )

    def _print_ChainRuleStep(self, step: ChainRuleStep) -> str:
        head = _partial(step.of, step.by)
        rule = f"{head} = {_t(step.rule)}"
        lines = [rule]
        if step.expanded:
            lines.append(f"{' ' * len(head)} = {{{_terms(step.expanded)}}}")
        width = max(len(_partial(link.of, link.by)) for link in step.links)
        stages = [
            f"{_partial(link.of, link.by):<{width}} = {_t(link.value)}"
            f"    (from {_t(link.output)} = {_t(link.defined)})"
            for link in step.links
        ]
        result = [f"{head} = {_t(step.summed)}"]
        if step.result != step.summed:
            result.append(f"{' ' * len(head)} = {_t(step.result)}")
        ranges = _ranges(step.sums)
        return "\n\n".join(
            [
                self._prose(
                    f"The chain rule multiplies the change in {_t(step.of)} with respect to each "
                    f"scalar intermediate variable by the change in that variable with respect "
                    f"to {_t(step.by)}, and sums over them ({ranges}):"
                ),
                self._formula(*lines),
                self._prose(
                    "Each stage is a single product, whose partials we find one component at a "
                    "time, as before:"
                ),
                self._formula(*stages),
                "So",
                self._formula(*result),
            ]
        )

    def _print_ChainSummaryStep(self, step: ChainSummaryStep) -> str:
        names = listing([_t(n) for n in step.names])
        which = (
            f"result {names} and the variable used to represent it"
            if len(step.names) == 1
            else f"results {names} and the variables used to represent them"
        )
        ranges = _ranges(step.sums)
        bullets = [
            f"clearly stating the intermediate {which},",
            "expressing the chain rule for individual components of the final derivative, "
            f"{_partial(step.of, step.by)}, and",
            f"summing over the intermediate results ({ranges}) within the chain rule expression.",
        ]
        return "\n".join(
            [
                "To summarize, we used the chain rule with vectors and matrices by",
                *(
                    textwrap.fill(b, self.width, initial_indent="  • ", subsequent_indent="    ")
                    for b in bullets
                ),
            ]
        )

    def _print_IndexViewStep(self, step: IndexViewStep) -> str:
        head = _partial(step.of, step.by)
        lines = [f"{head} = {_t(step.derivative)}"]
        if step.result != step.derivative:
            lines.append(f"{' ' * len(head)} = {_t(step.result)}")
        return "\n\n".join(
            [
                self._prose(
                    "View: index notation. Write one component with its sums and "
                    f"differentiate it by a general entry {_t(step.by)}; the derivative of one "
                    "entry by another is a Kronecker delta (δₐ,ᵦ = 1 when a = b, else 0):"
                ),
                self._formula(f"{_t(step.of)} = {_t(step.component)}"),
                self._formula(*lines),
            ]
        )

    def _print_VecViewStep(self, step: VecViewStep) -> str:
        by = f"vec({_t(step.by)})"
        of = f"vec({_t(step.of)})" if step.stacked else _t(step.of)
        likewise = f", and those of {_t(step.of)} likewise" if step.stacked else ""
        prose = (
            f"View: vectorization. Stack the columns of {_t(step.by)} into one long vector "
            f"{by}{likewise}. The derivative then has only two axes, and it is a matrix of "
            "Kronecker products (A ⊗ B is the block matrix whose block (p, q) is A_pq B)"
        )
        parts = [self._prose(prose + (": since" if step.linear else ":"))]
        if step.linear:
            parts += [self._formula(f"{of} = ({_t(step.result)}) {by},"), "we have"]
        parts.append(self._formula(f"∂{of}/∂{by} = {_t(step.result)}"))
        return "\n\n".join(parts)

    def _print_BackpropViewStep(self, step: BackpropViewStep) -> str:
        head = _partial(step.loss, step.by_entry)
        pad = " " * len(head)
        lines = [f"{head} = {_t(step.rule)}", f"{pad} = {_t(step.summed)}"]
        if step.result != step.summed:
            lines.append(f"{pad} = {_t(step.result)}")
        loss, output = _t(step.loss), _t(step.output)
        return "\n\n".join(
            [
                self._prose(
                    f"View: backpropagation. When {output} feeds a scalar loss {loss}, the "
                    f"array above is never needed. Write {_t(step.gradient)} = ∂{loss}/∂{output} "
                    f"for the gradient that arrives from the loss (shaped like {output}). By the "
                    f"chain rule, for every entry of {_t(step.by)},"
                ),
                self._formula(*lines),
                self._prose(f"so, in the shape of {_t(step.by)},"),
                self._formula(f"∂{loss}/∂{_t(step.by)} = {_t(step.matrix)}"),
            ]
        )

    def _print_GeneralizeStep(self, step: GeneralizeStep) -> str:
        text = "Going through the same process for every component"
        if step.ranges:
            text += ", we find that for all " + _ranges(step.ranges)
        parts = [
            self._prose(text + ","),
            self._formula(f"{_partial(step.of, step.by)} = {_t(step.result)}"),
        ]
        if step.conditions:
            equal = listing([f"{_t(b)} = {_t(a)}" for a, b in step.conditions])
            parts += [
                self._prose(f"This is zero unless {equal}; the non-zero partials are"),
                self._formula(f"{_partial(step.of, step.nonzero_by)} = {_t(step.nonzero)}"),
            ]
        return "\n\n".join(parts)

    def _arrangement(self, step: AssembleStep | Slice) -> str:
        return layout_clause(step.layout, step.row_index, step.col_index, _t)

    def _matrix(self, grid: Sequence[Sequence[Term]], room: int) -> list[str]:
        """Bracketed rows of cells; columns just before an elision are dropped to fit `room`."""
        cells = [[_t(c) for c in row] for row in grid]
        while True:
            widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
            if sum(widths) + 2 * len(widths) + 2 <= room or len(widths) <= 3:
                break
            across = [c for c, cell in enumerate(cells[0]) if cell == _DOTS[Dots.ACROSS]]
            if not across or across[0] < 2:
                break
            cells = [row[: across[0] - 1] + row[across[0] :] for row in cells]
        lines = [
            "  ".join(cell.center(w) for cell, w in zip(row, widths, strict=True)) for row in cells
        ]
        if len(lines) == 1:
            return [f"[ {lines[0]} ]"]
        return [
            ("⎡ " if n == 0 else "⎣ " if n == len(lines) - 1 else "⎢ ")
            + line
            + (" ⎤" if n == 0 else " ⎦" if n == len(lines) - 1 else " ⎥")
            for n, line in enumerate(lines)
        ]

    def _print_AssembleStep(self, step: AssembleStep) -> str:
        head = f"{_partial(step.of, step.by)} = "
        tail = f" = {_t(step.result)}"
        room = self.width - len(_INDENT) - len(head) - len(tail)
        partials = self._matrix(step.partials, room)
        block = self._beside(head, partials, "" if step.entries is not None else tail)
        if step.entries is not None:
            block += [
                "",
                *self._beside(" " * (len(head) - 2) + "= ", self._matrix(step.entries, room), tail),
            ]
        return "\n\n".join(
            [
                self._prose(
                    f"Assembling all the partials into a matrix, {self._arrangement(step)}:"
                ),
                self._formula(*block),
            ]
        )

    @staticmethod
    def _beside(head: str, lines: list[str], tail: str) -> list[str]:
        """`head` before and `tail` after the middle line of a bracketed matrix."""
        middle = len(lines) // 2
        return [
            (head if n == middle else " " * len(head)) + line + (tail if n == middle else "")
            for n, line in enumerate(lines)
        ]

    def _print_ArrayStep(self, step: ArrayStep) -> str:
        axes = len(step.indices)
        idx = ",".join(_t(i) for i in step.indices)
        parts = [
            self._prose(
                f"The derivative of {_t(step.of)} with respect to {_t(step.by)} varies along "
                f"{axes} coordinates, so it is most naturally a {axes}-dimensional array F. "
                "Rather than display it, define it entry by entry:"
            ),
            self._formula(f"F[{idx}] = {_t(step.partial)} = {_t(step.formula)}"),
        ]
        if step.conditions:
            equal = listing([f"{_t(b)} = {_t(a)}" for a, b in step.conditions])
            compact = ",".join(_t(i) for i in step.compact_indices)
            source = ",".join(_t(i) for i in step.compact_source)
            parts += [
                self._prose(
                    f"All entries of F are zero except where {equal}, so all of the "
                    "information in F is held by the smaller array"
                ),
                self._formula(f"G[{compact}] = F[{source}] = {_t(step.compact)}"),
            ]
        if step.slice is not None:
            piece = step.slice
            fixed = ",".join(_t(i) for i in piece.fixed)
            parts += [
                self._prose(
                    f"Since this does not depend on {fixed}, the same derivative holds for "
                    f"every {fixed}:"
                ),
                self._formula(
                    f"∂{_sliced(step.of, piece.of_indices)}/∂{_sliced(step.by, piece.by_indices)}"
                    f" = {_t(piece.result)},"
                ),
                self._prose(self._arrangement(piece) + "."),
            ]
        return "\n\n".join(parts)

    def render(self, checked: Checked) -> str:
        derived, v = checked.derived, checked.verification
        statement = derived.statement
        title = (
            f"{_partial(derived.of, derived.by)} for {_t(statement.output)} = {_t(statement.rhs)}"
        )
        sentence = check_sentence(
            dict(v.sizes),
            v.arithmetic,
            f"{v.max_error:.1e}",
            lambda name, sign, value: f"{name} {sign} {value}",
        )
        checked_line = self._prose(f"Checked by derivgen: {sentence}")
        body = [self.step(s) for s in derived.steps]
        return "\n\n".join([title, "═" * min(len(title), self.width), *body, checked_line]) + "\n"


def text(checked: Checked) -> str:
    """A checked derivation as terminal text."""
    return TextRenderer().render(checked)
