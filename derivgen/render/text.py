"""The terminal renderer: the shared prose (`prose.py`) in Unicode, wrapped to a width."""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Sequence

import sympy

from derivgen.render import prose
from derivgen.render.printers import in_reading_order, subscripts, to_ascii, to_text
from derivgen.steps.kinds import Dots, Step, Term
from derivgen.verify import Checked

WIDTH = 80
_DOTS = {Dots.LOW: "…", Dots.ACROSS: "⋯", Dots.DOWN: "⋮", Dots.DIAGONAL: "⋱"}
_INDENT = "    "
_MAX_BREAK_DEPTH = 3
"""Signs nested deeper than this in brackets are never line breaks."""
_KEEP = "\u00a0"
"""Spaces inside inline maths become this while prose is wrapped, so maths never breaks."""


def _t(value: Term | sympy.Basic) -> str:
    return _DOTS[value] if isinstance(value, Dots) else to_text(value)


class TextMath(prose.MathPrinter):
    """Maths slots in terminal Unicode, each on one line (a grid is `TextRenderer._box`'s)."""

    def expression(self, value: sympy.Basic | Dots) -> str:
        return _t(value)

    def _print_Partial(self, node: prose.Partial) -> str:
        d = "d" if node.whole else "∂"
        return f"{d}{self(node.of)}/{d}{self(node.by)}"

    def _print_PartialOf(self, node: prose.PartialOf) -> str:
        return f"∂/∂{self(node.by)}[{self(node.body)}]"

    def _print_Terms(self, node: prose.Terms) -> str:
        return prose.join_terms([self(item) for item in node.items])

    def _print_Braces(self, node: prose.Braces) -> str:
        return f"{{{self(node.body)}}}"

    def _print_Together(self, node: prose.Together) -> str:
        return ", ".join(self(item) for item in node.items)

    def _print_EntryOf(self, node: prose.EntryOf) -> str:
        sign = "-" if node.negated else ""
        return f"{sign}({_t(node.matrix)}){subscripts([_t(i) for i in node.indices])}"

    def _print_Parens(self, node: prose.Parens) -> str:
        return f"({self(node.body)})"

    def _print_Sliced(self, node: prose.Sliced) -> str:
        shown = ",".join(":" if i is None else _t(i) for i in node.indices)
        return f"{_t(node.symbol)}[{shown}]"

    def _print_Func(self, node: prose.Func) -> str:
        return f"{node.name}({self(node.arg)})"

    def _print_Product(self, node: prose.Product) -> str:
        return " ".join(self(f) for f in node.factors)

    def _print_Relation(self, node: prose.Relation) -> str:
        return f"{self(node.lhs)} {node.sign} {self(node.rhs)}"

    def _print_Range(self, node: prose.Range) -> str:
        values = node.listed()
        shown = ", ".join(map(str, values)) if values else f"1…{_t(node.size)}"
        return f"{_t(node.index)} = {shown}"

    def _print_Number(self, node: prose.Number) -> str:
        return f"{node.value:.1e}"

    def _print_Times(self, node: prose.Times) -> str:
        return "×".join(_t(d) for d in node.dims)


math = TextMath()


def _plain(node: prose.Node) -> str:
    return to_ascii(math(node))


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


def _beside(parts: Sequence[tuple[list[str], int]]) -> list[str]:
    """Boxes of lines side by side, each (lines, the line level with the others'): a matrix
    between `=` signs has its middle line level with them, a shaped line its first."""
    above = max(level for _, level in parts)
    below = max(len(lines) - level for lines, level in parts)
    out = [""] * (above + below)
    for lines, level in parts:
        width = max(len(line) for line in lines)
        for n in range(above + below):
            k = n - above + level
            out[n] += (lines[k] if 0 <= k < len(lines) else "").ljust(width)
    return [line.rstrip() for line in out]


class TextRenderer:
    """Renders a checked derivation for a terminal: prose wrapped, formulas on their own lines.

    `ascii` writes plain ASCII (`W[3,7]`, `x^T`, `dy/dx`) for terminals and logs without
    Unicode.
    """

    def __init__(self, width: int = WIDTH, ascii: bool = False) -> None:
        self.width = width
        self.ascii = ascii
        self.math = _plain if ascii else math

    def _prose(self, text: str, **options: str) -> str:
        wrapped = textwrap.fill(text, self.width, break_on_hyphens=False, **options)
        return wrapped.replace(_KEEP, " ")

    def _words(self, items: prose.Pieces, numbers: dict[str, int]) -> str:
        """Words with their maths slots, each slot's spaces kept from breaking."""
        out = []
        for piece in items:
            match piece:
                case str():
                    out.append(to_ascii(piece) if self.ascii else piece)
                case prose.Math(node=node):
                    out.append(self.math(node).replace(" ", _KEEP))
                case prose.Ref(label=label, before=before, after=after) if label in numbers:
                    out.append(f"{before}({numbers[label]}){after}")
                case prose.Title(text=text):
                    out.append(f'"{text}"' if self.ascii else f"“{text}”")
        return "".join(out)

    def step(self, step: Step) -> str:
        """One step on its own (its references to other steps' displays left out)."""
        shown = prose.blocks(step)
        return self._blocks(shown, prose.numbering([shown]))

    def _blocks(self, blocks: Sequence[prose.Block], numbers: dict[str, int]) -> str:
        out = []
        for block in blocks:
            match block:
                case prose.Paragraph():
                    lead = f"{block.lead} " if block.lead else ""
                    out.append(self._prose(lead + self._words(block.pieces, numbers)))
                case prose.Display():
                    out.append(self._display(block, numbers))
                case prose.Bullets():
                    out.append(
                        "\n".join(
                            self._prose(
                                self._words(item, numbers),
                                initial_indent="  • ",
                                subsequent_indent="    ",
                            )
                            for item in block.items
                        )
                    )
        text = "\n\n".join(out)
        return to_ascii(text) if self.ascii else text

    def _box(self, node: prose.Node, room: int) -> tuple[list[str], int]:
        """A maths slot as lines and the line its `=` sits on: a grid takes several lines
        (level with its middle), an expression with its shapes beneath it two, others one."""
        if isinstance(node, prose.Grid):
            lines = self._matrix(node.rows, room)
            return lines, len(lines) // 2
        if isinstance(node, prose.Shaped):
            return self._shaped(node.expr), 0
        return [self.math(node)], 0

    def _shaped(self, expr: sympy.Basic) -> list[str]:
        """The expression, and under each array its shape `(C,D)`, as the note writes eq. (1):
        a product of arrays is spread out to make room; in anything else the shapes go under
        the names where they fit side by side, and are left out where they do not."""
        factors = [expr] if isinstance(expr, sympy.MatrixSymbol) else list(expr.args)
        arrays = [f.arg if isinstance(f, sympy.Transpose) else f for f in factors]
        if isinstance(expr, sympy.MatrixSymbol | sympy.MatMul) and all(
            isinstance(a, sympy.MatrixSymbol) for a in arrays
        ):
            names = [self.math(f) for f in factors]
            # each factor's shape as it enters the product: (1,C) under aᵀ
            labels = [self._shape(f) for f in factors]
            widths = [max(len(n), len(label)) for n, label in zip(names, labels, strict=True)]
            line = " ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
            under = " ".join(lab.ljust(w) for lab, w in zip(labels, widths, strict=True))
            return [line.rstrip(), under.rstrip()]
        line = self.math(expr)
        named = {str(s.name): s for s in expr.atoms(sympy.MatrixSymbol)}
        under = ""
        for found in re.finditer(r"[A-Za-z]\w*", line):
            if found.group() not in named:
                continue
            if found.start() < len(under) + (1 if under else 0):
                return [line]
            under = under.ljust(found.start()) + self._shape(named[found.group()])
        return [line, under] if under else [line]

    def _shape(self, symbol: sympy.MatrixExpr) -> str:
        return "(" + ",".join(self.math(d) for d in symbol.shape) + ")"

    def _display(self, block: prose.Display, numbers: dict[str, int]) -> str:
        room = self.width - len(_INDENT)
        heads = [
            self._box(row.lhs, room) if row.lhs is not None else ([""], 0) for row in block.rows
        ]
        pad = max(len(h[0][h[1]]) for h in heads)
        lines: list[str] = []
        tall = False
        for n, (row, head) in enumerate(zip(block.rows, heads, strict=True)):
            parts = [([line.ljust(pad) for line in head[0]], head[1])]
            for side in row.rhs:
                parts.append(([" = "], 0))
                parts.append(self._box(side, room - pad - 3))
            if row.note:
                note = self._words(row.note, numbers).replace(_KEEP, " ")
                parts.append(([f"    ({note})"], 0))
            if n == len(block.rows) - 1 and block.end:
                ending = -2 if row.note else -1  # the punctuation goes after the formula
                box, level = parts[ending]
                ended = [*box[:level], box[level].rstrip() + block.end, *box[level + 1 :]]
                parts[ending] = (ended, level)
            if block.label is not None and n == 0:
                parts.append(([f"    ({numbers[block.label]})"], 0))
            built = _beside(parts)
            if lines and (len(built) > 1 or tall):
                lines.append("")  # a matrix keeps a blank line from the rows beside it
            tall = len(built) > 1
            lines += built if tall else _wrap(built[0], room)
        return "\n".join((_INDENT + line).rstrip() for line in lines)

    def _matrix(self, grid: Sequence[Sequence[Term]], room: int) -> list[str]:
        """Bracketed rows of cells; columns just before an elision are dropped to fit `room`."""
        cells = [[self.math(c) for c in row] for row in grid]
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

    @in_reading_order
    def render(self, checked: Checked) -> str:
        derived, v = checked.derived, checked.verification
        statement = derived.statement
        equation = prose.Relation(statement.output, "=", statement.rhs)
        title = f"{self.math(prose.Partial(derived.of, derived.by))} for {self.math(equation)}"
        sentence = prose.check_sentence(v)
        checked_line = self._prose(f"{sentence.lead} {self._words(sentence.pieces, {})}")
        shown = prose.derivation(derived.steps)
        numbers = prose.numbering(shown)
        body = [self._blocks(blocks, numbers) for blocks in shown]
        underline = "═" * min(len(title), self.width)
        text = "\n\n".join([f"{title}\n{underline}", *body, checked_line]) + "\n"
        return to_ascii(text) if self.ascii else text


def text(checked: Checked, width: int = WIDTH, ascii: bool = False) -> str:
    """A checked derivation as terminal text, `width` columns wide (ASCII only with `ascii`)."""
    return TextRenderer(width, ascii).render(checked)
