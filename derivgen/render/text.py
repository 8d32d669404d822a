"""The terminal renderer: the shared prose (`prose.py`) in Unicode, wrapped to a width."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence

import sympy

from derivgen.render import prose
from derivgen.render.printers import to_text
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
        return f"{_t(node.index)} = 1…{_t(node.size)}"

    def _print_Number(self, node: prose.Number) -> str:
        return f"{node.value:.1e}"

    def _print_Times(self, node: prose.Times) -> str:
        return f"{_t(node.rows)}×{_t(node.cols)}"


math = TextMath()


def pieces(items: prose.Pieces, numbers: dict[str, int]) -> str:
    """Words with their maths slots, each slot's spaces kept from breaking."""
    out = []
    for piece in items:
        match piece:
            case str():
                out.append(piece)
            case prose.Math(node=node):
                out.append(math(node).replace(" ", _KEEP))
            case prose.Ref(label=label):
                out.append(f"({numbers[label]})")
    return "".join(out)


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


def _beside(parts: Sequence[list[str]]) -> list[str]:
    """Boxes of lines side by side, their middle lines level (a matrix between `=` signs)."""
    height = max(len(p) for p in parts)
    middle = height // 2
    out = [""] * height
    for part in parts:
        width = max(len(line) for line in part)
        top = middle - len(part) // 2
        for n in range(height):
            k = n - top
            out[n] += (part[k] if 0 <= k < len(part) else "").ljust(width)
    return [line.rstrip() for line in out]


class TextRenderer:
    """Renders a checked derivation for a terminal: prose wrapped, formulas on their own lines."""

    def __init__(self, width: int = WIDTH) -> None:
        self.width = width

    def _prose(self, text: str, **options: str) -> str:
        return textwrap.fill(text, self.width, **options).replace(_KEEP, " ")

    def step(self, step: Step, numbers: dict[str, int] | None = None) -> str:
        """One step's blocks; `numbers` numbers its displays as in the whole derivation."""
        numbers = prose.numbering([step]) if numbers is None else numbers
        out = []
        for block in prose.blocks(step):
            match block:
                case prose.Paragraph():
                    lead = f"{block.lead} " if block.lead else ""
                    out.append(self._prose(lead + pieces(block.pieces, numbers)))
                case prose.Display():
                    out.append(self._display(block, numbers))
                case prose.Bullets():
                    out.append(
                        "\n".join(
                            self._prose(
                                pieces(item, numbers),
                                initial_indent="  • ",
                                subsequent_indent="    ",
                            )
                            for item in block.items
                        )
                    )
        return "\n\n".join(out)

    def _box(self, node: prose.Node, room: int) -> list[str]:
        """A maths slot as lines: a grid takes several, anything else one."""
        if isinstance(node, prose.Grid):
            return self._matrix(node.rows, room)
        return [math(node)]

    def _display(self, block: prose.Display, numbers: dict[str, int]) -> str:
        room = self.width - len(_INDENT)
        heads = [math(row.lhs) if row.lhs is not None else "" for row in block.rows]
        pad = max(len(h) for h in heads)
        lines: list[str] = []
        tall = False
        for n, (row, head) in enumerate(zip(block.rows, heads, strict=True)):
            parts = [[head.ljust(pad)]]
            for side in row.rhs:
                parts.append([" = "])
                parts.append(self._box(side, room - pad - 3))
            if row.note:
                parts.append(["    (" + pieces(row.note, numbers).replace(_KEEP, " ") + ")"])
            if n == len(block.rows) - 1:
                parts.append([block.end])
            if block.label is not None and n == 0:
                parts.append([f"    ({numbers[block.label]})"])
            built = _beside(parts)
            if lines and (len(built) > 1 or tall):
                lines.append("")  # a matrix keeps a blank line from the rows beside it
            tall = len(built) > 1
            lines += built if tall else _wrap(built[0], room)
        return "\n".join((_INDENT + line).rstrip() for line in lines)

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

    def render(self, checked: Checked) -> str:
        derived, v = checked.derived, checked.verification
        statement = derived.statement
        heading = math(prose.Partial(derived.of, derived.by))
        title = f"{heading} for {_t(statement.output)} = {_t(statement.rhs)}"
        sentence = prose.check_sentence(dict(v.sizes), v.arithmetic, v.max_error)
        checked_line = self._prose(f"{sentence.lead} {pieces(sentence.pieces, {})}")
        numbers = prose.numbering(derived.steps)
        body = [self.step(s, numbers) for s in derived.steps]
        return "\n\n".join([title, "═" * min(len(title), self.width), *body, checked_line]) + "\n"


def text(checked: Checked) -> str:
    """A checked derivation as terminal text."""
    return TextRenderer().render(checked)
