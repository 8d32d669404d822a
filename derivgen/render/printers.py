"""Expression printers: the note's LaTeX, Unicode for the terminal, and sympy-parseable strings.

Each subclasses a sympy printer and overrides only what the note writes differently: vectors
as \\vec{x} with one index, partials of single entries as fractions, Kronecker deltas, and
matrices named the way `sympy.parse_expr` reads them back.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from derivgen.model.ops.base import EntryFunction
from derivgen.model.ops.determinant import cofactor, determinant
from derivgen.model.ops.elementwise import Applied
from derivgen.model.ops.inverse import inverse_entry
from derivgen.model.ops.reduction import EntrySum
from derivgen.model.shapes import Shape
from derivgen.render.prose import join_terms

_ENTRY_LIKE = (sympy.KroneckerDelta, EntryFunction)
"""sympy Functions that are entries, not values of an elementwise function."""

_MAX_CHAINED = 5
"""Longer products keep sympy's order: trying every order would take too long."""


def _is_vector(symbol: sympy.MatrixSymbol) -> bool:
    return Shape(*symbol.shape).is_vector


def _is_one_by_one(expr: sympy.Basic) -> bool:
    """A 1x1 product such as aᵀx, whose trace derivgen uses to scale a matrix by it."""
    return getattr(expr, "shape", None) == (1, 1)


def _is_entry(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Indexed | sympy.Symbol | EntryFunction)


def _terms_in_reading_order(expr: sympy.Add) -> sympy.Add:
    """Negative terms last: `W x - t`, as a textbook writes it, not sympy's `-t + W x`."""
    return sympy.Add(*_negatives_last(expr.args), evaluate=False)


def _negatives_last(terms: tuple[sympy.Basic, ...]) -> list[sympy.Basic]:
    """`W x - t`, as a textbook writes it, rather than sympy's canonical `-t + W x`."""
    return sorted(terms, key=lambda t: t.could_extract_minus_sign())


def _functions_first(factors: list[sympy.Basic]) -> list[sympy.Basic]:
    """σ(z)·(1 - σ(z))·W_{i,j}, as the chain rule is read: a function's value and the brackets
    made of it first, the entries after; a product without a function keeps its order."""

    def rank(factor: sympy.Basic) -> int:
        if isinstance(factor, sympy.Function) and not isinstance(factor, _ENTRY_LIKE):
            return 0
        if isinstance(factor, sympy.Add | sympy.Pow) and factor.atoms(
            sympy.Function
        ) - factor.atoms(*_ENTRY_LIKE):
            return 1
        return 2

    if not any(rank(f) == 0 for f in factors):
        return factors
    numbers = [f for f in factors if f.is_Number]
    return numbers + sorted((f for f in factors if not f.is_Number), key=rank)


Rendered = TypeVar("Rendered")

_READING_ORDER: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "reading_order", default=()
)
"""The names of the equation being printed, as it writes them (see `names_in_order`)."""


@contextlib.contextmanager
def names_in_order(names: Iterable[str]) -> Iterator[None]:
    """Print entries that no chain of indices orders in the order the equation names their
    arrays: `u_i b_j` for s = uᵀ W b, where sympy would sort `b_j u_i`."""
    token = _READING_ORDER.set(tuple(names))
    try:
        yield
    finally:
        _READING_ORDER.reset(token)


def in_reading_order(method: Callable[..., Rendered]) -> Callable[..., Rendered]:
    """A renderer's method of a checked derivation, printing entries in its equation's order
    (`names_in_order`) while it runs."""

    @functools.wraps(method)
    def rendering(self: object, checked: Any, *args: object, **kwargs: object) -> Rendered:
        with names_in_order(checked.derived.shapes.of):
            return method(self, checked, *args, **kwargs)

    return rendering


def _chained(factors: tuple[sympy.Basic, ...]) -> list[sympy.Basic]:
    """Entries in the order a product is written: `W_{i,k} x_k`, `x_k A_{k,l} x_l`.

    sympy sorts a product's factors its own way; the note writes entries so that each one's
    last index meets the next one's first, as in matrix multiplication, and otherwise in the
    order the equation names them (`names_in_order`). Other factors keep their places; among
    equally good orders the original one wins.
    """
    slots = [
        n
        for n, f in enumerate(factors)
        if isinstance(f, sympy.Indexed) or (isinstance(f, EntryFunction) and f.indices)
    ]
    entries = [factors[n] for n in slots]
    if not 1 < len(entries) <= _MAX_CHAINED:
        return list(factors)
    names = _READING_ORDER.get()

    def place(entry: sympy.Basic) -> int:
        name = str(entry.base.label)
        return names.index(name) if name in names else len(names)

    def rank(order: tuple[sympy.Basic, ...]) -> tuple[int, list[int]]:
        joins = sum(a.indices[-1] == b.indices[0] for a, b in itertools.pairwise(order))
        return joins, [-place(e) for e in order]

    best = max(itertools.permutations(entries), key=rank)
    if rank(best) == rank(tuple(entries)):
        return list(factors)
    out = list(factors)
    for slot, entry in zip(slots, best, strict=True):
        out[slot] = entry
    return out


_UPRIGHT = {"tanh": r"\tanh", "exp": r"\exp", "log": r"\log", "sin": r"\sin", "cos": r"\cos"}
"""Function names set upright, as LaTeX's own operators are."""

_TALL = (r"\frac", r"\sum", r"\begin", r"\prod", r"\int")
"""What makes brackets grow to fit (\\left( … \\right)); anything else takes plain ones."""


def bracket(inner: str, left: str = "(", right: str = ")") -> str:
    """Plain brackets around `inner`, or growing ones when it holds something tall."""
    if any(tall in inner for tall in _TALL):
        return rf"\left{left}{inner}\right{right}"
    return f"{left}{inner}{right}"


_GROWING = re.compile(r"\\left\(((?:(?!\\left\(|\\right\)).)*)\\right\)")


def _plain_brackets(printed: str) -> str:
    """sympy's \\left( … \\right) made plain wherever the content is not tall, innermost first."""
    while True:
        changed = _GROWING.sub(
            lambda m: bracket(m.group(1)).replace(r"\left(", "\x00(").replace(r"\right)", "\x00)"),
            printed,
        )
        if changed == printed:
            return printed.replace("\x00(", r"\left(").replace("\x00)", r"\right)")
        printed = changed


def subscripted(name: str, indices: str) -> str:
    """`W_{3,7}`; a name with a subscript of its own (W_1) braced first, `{W_{1}}_{3,7}`, as
    LaTeX refuses a double subscript."""
    return f"{{{name}}}_{{{indices}}}" if "_" in name else f"{name}_{{{indices}}}"


class NoteLatexPrinter(LatexPrinter):
    """LaTeX as the note writes it: \\vec{x}_{7}, W_{3,7}, \\frac{\\partial y_3}{\\partial x_7}.

    With `shapes`, each array has its shape written beneath it, as in the note's eq. (1).
    """

    def __init__(self, shapes: bool = False) -> None:
        super().__init__({"order": "none"})
        self.shapes = shapes

    def doprint(self, expr: sympy.Basic) -> str:
        return _plain_brackets(super().doprint(expr))

    def _print_Mul(self, expr: sympy.Mul) -> str:
        factors = _functions_first(_chained(expr.args))
        return super()._print_Mul(sympy.Mul(*factors, evaluate=False))

    def _needs_mul_brackets(
        self, expr: sympy.Basic, first: bool = False, last: bool = False
    ) -> bool:
        """A function's value, σ(Σ …), is bracketed by its own argument's brackets already."""
        if isinstance(expr, sympy.Function) and not isinstance(expr, _ENTRY_LIKE):
            return False
        return super()._needs_mul_brackets(expr, first=first, last=last)

    def _print_Add(self, expr: sympy.Add, order: object = None) -> str:
        return super()._print_Add(_terms_in_reading_order(expr), order="none")

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        name = self._print(expr.base.label)
        indices = ",".join(self._print(i) for i in expr.indices)
        if len(expr.indices) == 1:
            return rf"\vec{{{name}}}_{{{indices}}}"
        return subscripted(name, indices)

    def _print_MatrixSymbol(
        self, expr: sympy.MatrixSymbol, exponent: str = "", shape: tuple | None = None
    ) -> str:
        name = self._print(sympy.Symbol(expr.name))
        printed = (rf"\vec{{{name}}}" if _is_vector(expr) else name) + exponent
        if self.shapes:
            rows, cols = (self._print(d) for d in shape or expr.shape)
            # thin spaces keep the shapes of neighbouring factors apart, as in the note's eq. 1;
            # every symbol as deep as a y, so that the shapes sit on one line beneath
            return rf"\,\underset{{({rows},{cols})}}{{{printed}\vphantom{{y}}}}\,"
        return printed

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        (variable,) = expr.variables
        by = self._print(variable)
        if _is_entry(expr.expr):
            return rf"\frac{{\partial {self._print(expr.expr)}}}{{\partial {by}}}"
        return rf"\frac{{\partial}}{{\partial {by}}}\left[{self._print(expr.expr)}\right]"

    def _print_KroneckerDelta(self, expr: sympy.KroneckerDelta, exp: object = None) -> str:
        return rf"\delta_{{{self._print(expr.args[0])},{self._print(expr.args[1])}}}"

    def _print_Identity(self, expr: sympy.Identity) -> str:
        return f"I_{{{self._print(expr.rows)}}}"  # its size, as x^T ⊗ I needs one

    def _print_OneMatrix(self, expr: sympy.OneMatrix) -> str:
        rows, cols = (self._print(d) for d in expr.shape)
        return rf"\mathbf{{1}}_{{{rows}\times {cols}}}"

    def _print_Trace(self, expr: sympy.Trace) -> str:
        if isinstance(expr.arg, Applied) and _is_one_by_one(expr.arg):
            return self._print(expr.arg)  # σ(aᵀ x) has its brackets already
        if _is_one_by_one(expr.arg):
            return bracket(self._print(expr.arg))
        return r"\operatorname{tr}" + bracket(self._print(expr.arg))

    def _print_Sum(self, expr: sympy.Sum) -> str:
        """Σ_{k=1}^{D} Σ_{l=1}^{C} …, one sign per index as the note writes, never 1 ≤ k ≤ D."""
        innermost = super()._print_Sum(sympy.Sum(expr.function, expr.limits[0]))
        outer = [
            rf"\sum_{{{self._print(i)}={self._print(low)}}}^{{{self._print(high)}}} "
            for i, low, high in reversed(expr.limits[1:])
        ]
        return "".join(outer) + innermost

    def _print_DiagMatrix(self, expr: sympy.DiagMatrix) -> str:
        return r"\operatorname{diag}" + bracket(self._print(expr.args[0]))

    def _print_MatAdd(self, expr: sympy.MatAdd) -> str:
        return join_terms([self._print(a) for a in _negatives_last(expr.args)])

    def _print_Applied(self, expr: Applied) -> str:
        name = _UPRIGHT.get(expr.function) or self._print(sympy.Symbol(expr.function))
        return name + bracket(self._print(expr.arg))

    def _print_EntrySum(self, expr: EntrySum) -> str:
        return r"\operatorname{sum}" + bracket(self._print(expr.arg))

    def _print_sigma(self, expr: sympy.Function, exp: object = None) -> str:
        power = f"^{{{self._print(exp)}}}" if exp is not None else ""
        return rf"\sigma{power}" + bracket(self._print(expr.args[0]))

    def _print_inverse_entry(self, expr: inverse_entry, exp: object = None) -> str:
        indices = ",".join(self._print(i) for i in expr.indices)
        power = f"^{{{self._print(exp)}}}" if exp is not None else ""
        return rf"({self._print(expr.base.label)}^{{-1}})_{{{indices}}}{power}"

    def _print_cofactor(self, expr: cofactor, exp: object = None) -> str:
        indices = ",".join(self._print(i) for i in expr.indices)
        power = f"^{{{self._print(exp)}}}" if exp is not None else ""
        name = self._print(expr.base.label)
        return rf"\operatorname{{cof}}({name})_{{{indices}}}{power}"

    def _print_determinant(self, expr: determinant, exp: object = None) -> str:
        power = f"^{{{self._print(exp)}}}" if exp is not None else ""
        return rf"\det{power}({self._print(expr.base.label)})"

    def _print_Determinant(self, expr: sympy.Determinant) -> str:
        return rf"\det({self._print(expr.arg)})"

    def _print_Inverse(self, expr: sympy.Inverse) -> str:
        if isinstance(expr.arg, sympy.Transpose):  # (Xᵀ)⁻¹ is written X^{-T} too
            return self.parenthesize(expr.arg.arg, PRECEDENCE["Pow"], strict=True) + "^{-T}"
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"], strict=True) + "^{-1}"

    def _print_Transpose(self, expr: sympy.Transpose) -> str:
        if isinstance(expr.arg, sympy.Inverse):  # (X⁻¹)ᵀ is written X^{-T}
            return self.parenthesize(expr.arg.arg, PRECEDENCE["Pow"], strict=True) + "^{-T}"
        if self.shapes and isinstance(expr.arg, sympy.MatrixSymbol):
            # the ⊤ beside the symbol, above the shape of the factor as it enters the product
            top = r"^{\,\top}" if _is_vector(expr.arg) else r"^{\top}"
            return self._print_MatrixSymbol(expr.arg, exponent=top, shape=expr.shape)
        base = self.parenthesize(expr.arg, PRECEDENCE["Pow"], strict=True)
        # a thin space keeps the ⊤ clear of a vector's arrow
        return base + (r"^{\,\top}" if base.startswith(r"\vec") else r"^{\top}")


_SUBSCRIPTS = dict(
    zip("0123456789aehijklmnoprstuvx+-=()", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋₌₍₎", strict=True)
)


_SUPERSCRIPTS = dict(zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻", strict=True))


def superscript(text: str) -> str:
    """Unicode superscript when every character has one (x², W⁻¹), else `^(text)`."""
    if all(ch in _SUPERSCRIPTS for ch in text):
        return "".join(_SUPERSCRIPTS[ch] for ch in text)
    return f"^({text})"


def subscripts(indices: list[str]) -> str:
    """`₃,₇` when every index has Unicode subscripts, else `[3,D]` (never half of each)."""
    if all(ch in _SUBSCRIPTS for index in indices for ch in index):
        return ",".join("".join(_SUBSCRIPTS[ch] for ch in index) for index in indices)
    return f"[{','.join(indices)}]"


class TextPrinter(StrPrinter):
    """Unicode for a terminal: W₃,₇ xⱼ ∂y₃/∂x₇ Σ δᵢ,ₖ Wᵀ."""

    printmethod = "_derivgen_text"  # sympy's own `_sympystr` (x[7] for Indexed) must not win

    def __init__(self) -> None:
        super().__init__({"order": "none"})

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        name = self._print(expr.base.label)
        return name + subscripts([self._print(i) for i in expr.indices])

    def _print_Add(self, expr: sympy.Add, order: object = None) -> str:
        return super()._print_Add(_terms_in_reading_order(expr), order="none")

    def _print_Mul(self, expr: sympy.Mul) -> str:
        factors = _functions_first(_chained(expr.args))
        sign = ""
        if factors[0].is_Number and factors[0].is_negative:
            sign, factors[0] = "-", -factors[0]
            if factors[0] == 1:
                factors = factors[1:]
        printed = [
            # a sum before other factors is bracketed, or they would read as inside it
            f"({self._print(f)})"
            if isinstance(f, sympy.Sum) and n < len(factors) - 1
            else self.parenthesize(f, PRECEDENCE["Mul"])
            for n, f in enumerate(factors)
        ]
        return sign + "·".join(printed)

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base = self.parenthesize(expr.base, PRECEDENCE["Pow"], strict=True)
        if expr.exp.is_Integer:
            return base + superscript(str(expr.exp))
        if expr.exp.is_Rational:
            return super()._print_Pow(expr, rational)
        return base + superscript(self._print(expr.exp))

    def _print_HadamardPower(self, expr: sympy.HadamardPower) -> str:
        """x∘⁻¹: the elementwise power, as The Matrix Cookbook writes x^{∘-1}."""
        base = self.parenthesize(expr.base, PRECEDENCE["Pow"], strict=True)
        return f"{base}∘{superscript(self._print(expr.exp))}"

    def _print_MatPow(self, expr: sympy.MatPow) -> str:
        base = self.parenthesize(expr.base, PRECEDENCE["Pow"], strict=True)
        return base + superscript(self._print(expr.exp))

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        (variable,) = expr.variables
        if _is_entry(expr.expr):
            return f"∂{self._print(expr.expr)}/∂{self._print(variable)}"
        return f"∂/∂{self._print(variable)}[{self._print(expr.expr)}]"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        """`Σ(k=1…D) Σ(l=1…N) body`: sympy lists the innermost limit first."""
        body = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            body = f"({body})"
        signs = [
            f"Σ({self._print(index)}={self._print(lower)}…{self._print(upper)})"
            for index, lower, upper in reversed(expr.limits)
        ]
        return " ".join([*signs, body])

    def _print_KroneckerDelta(self, expr: sympy.KroneckerDelta) -> str:
        return "δ" + subscripts([self._print(a) for a in expr.args])

    def _print_Transpose(self, expr: sympy.Transpose) -> str:
        if isinstance(expr.arg, sympy.Inverse):  # (X⁻¹)ᵀ is written X⁻ᵀ
            return self.parenthesize(expr.arg.arg, PRECEDENCE["Pow"], strict=True) + "⁻ᵀ"
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"]) + "ᵀ"

    def _print_Inverse(self, expr: sympy.Inverse) -> str:
        if isinstance(expr.arg, sympy.Transpose):  # (Xᵀ)⁻¹ is written X⁻ᵀ too
            return self.parenthesize(expr.arg.arg, PRECEDENCE["Pow"], strict=True) + "⁻ᵀ"
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"], strict=True) + "⁻¹"

    def _print_Determinant(self, expr: sympy.Determinant) -> str:
        return f"det({self._print(expr.arg)})"

    def _print_inverse_entry(self, expr: inverse_entry) -> str:
        indices = subscripts([self._print(i) for i in expr.indices])
        return f"({self._print(expr.base.label)}⁻¹){indices}"

    def _print_determinant(self, expr: determinant) -> str:
        return f"det({self._print(expr.base.label)})"

    def _print_cofactor(self, expr: cofactor) -> str:
        indices = subscripts([self._print(i) for i in expr.indices])
        return f"cof({self._print(expr.base.label)}){indices}"

    def _print_KroneckerProduct(self, expr: sympy.KroneckerProduct) -> str:
        return " ⊗ ".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in expr.args)

    def _print_MatMul(self, expr: sympy.MatMul) -> str:
        factors = list(expr.args)
        sign = ""
        if factors[0].is_Number and factors[0].is_negative:
            sign, factors[0] = "-", -factors[0]
            if factors[0] == 1:
                factors = factors[1:]
        return sign + " ".join(self.parenthesize(a, precedence(expr)) for a in factors)

    def _print_Identity(self, expr: sympy.Identity) -> str:
        return "I" + subscripts([self._print(expr.rows)])

    def _print_OneMatrix(self, expr: sympy.OneMatrix) -> str:
        rows, cols = (self._print(d) for d in expr.shape)
        return f"𝟏({rows}×{cols})"

    def _print_DiagMatrix(self, expr: sympy.DiagMatrix) -> str:
        return f"diag({self._print(expr.args[0])})"

    def _print_MatAdd(self, expr: sympy.MatAdd) -> str:
        return join_terms([self._print(a) for a in _negatives_last(expr.args)])

    def _print_Applied(self, expr: Applied) -> str:
        name = "σ" if expr.function == "sigma" else expr.function
        return f"{name}({self._print(expr.arg)})"

    def _print_sigma(self, expr: sympy.Function) -> str:
        return f"σ({self._print(expr.args[0])})"

    def _print_EntrySum(self, expr: EntrySum) -> str:
        return f"sum({self._print(expr.arg)})"

    def _print_HadamardProduct(self, expr: sympy.HadamardProduct) -> str:
        return " ∘ ".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in expr.args)

    def _print_Trace(self, expr: sympy.Trace) -> str:
        if isinstance(expr.arg, Applied) and _is_one_by_one(expr.arg):
            return self._print(expr.arg)  # σ(aᵀ x) has its brackets already
        if _is_one_by_one(expr.arg):
            return f"({self._print(expr.arg)})"
        return f"tr({self._print(expr.arg)})"


class JsonPrinter(StrPrinter):
    """Strings that `sympy.parse_expr` reads back: W[3, 7], Identity(C), OneMatrix(C, 1)."""

    def _print_EntryFunction(self, expr: EntryFunction) -> str:
        """`inverse_entry(M, k, l)`: an intermediate's definition is in `intermediates`."""
        args = ", ".join(self._print(a) for a in (expr.base.label, *expr.indices))
        return f"{type(expr).__name__}({args})"

    _print_inverse_entry = _print_determinant = _print_cofactor = _print_EntryFunction

    def _print_Identity(self, expr: sympy.Identity) -> str:
        return f"Identity({self._print(expr.rows)})"

    def _print_ZeroMatrix(self, expr: sympy.ZeroMatrix) -> str:
        return f"ZeroMatrix({self._print(expr.rows)}, {self._print(expr.cols)})"

    def _print_OneMatrix(self, expr: sympy.OneMatrix) -> str:
        return f"OneMatrix({self._print(expr.rows)}, {self._print(expr.cols)})"

    def _print_MatAdd(self, expr: sympy.MatAdd) -> str:
        return join_terms([self._print(a) for a in _negatives_last(expr.args)])

    def _print_Applied(self, expr: Applied) -> str:
        return f"{expr.function}({self._print(expr.arg)})"

    def _print_EntrySum(self, expr: EntrySum) -> str:
        rows, cols = (self._print(d) for d in expr.arg.shape)
        inner = self.parenthesize(expr.arg, PRECEDENCE["Mul"])
        return f"OneMatrix(1, {rows})*{inner}*OneMatrix({cols}, 1)"


def to_latex(expr: sympy.Basic, shapes: bool = False) -> str:
    """One expression in the note's LaTeX; `shapes` writes each array's shape beneath it."""
    return NoteLatexPrinter(shapes).doprint(expr)


def to_text(expr: sympy.Basic) -> str:
    """One expression in terminal Unicode."""
    return TextPrinter().doprint(expr)


_ASCII = {
    "∂": "d",
    "Σ": "sum",
    "δ": "delta",
    "σ": "sigma",
    "∘": " .* ",
    "⊗": " (x) ",
    "·": "*",
    "𝟏": "1",
    "…": "...",
    "⋯": "...",
    "⋮": ":",
    "⋱": "\\",
    "×": "x",
    "→": "->",
    "≠": "!=",
    "═": "=",
    "•": "*",
    "⎡": "[",
    "⎢": "|",
    "⎣": "[",
    "⎤": "]",
    "⎥": "|",
    "⎦": "]",
    "“": '"',
    "”": '"',
    "’": "'",
    "−": "-",
    "\u00a0": " ",
}
"""Plain ASCII for each non-ASCII character derivgen prints; superscripts and subscripts
are turned into `^T`, `^(-1)` and `[i,j]` before this table is used."""

_SUPERSCRIPT_RUN = re.compile("[" + "".join(_SUPERSCRIPTS.values()) + "ᵀ]+")
_SUBSCRIPT_RUN = re.compile(
    "[" + "".join(_SUBSCRIPTS.values()) + "]+(?:,[" + "".join(_SUBSCRIPTS.values()) + "]+)*"
)
_PLAIN = {v: k for table in (_SUBSCRIPTS, _SUPERSCRIPTS, {"T": "ᵀ"}) for k, v in table.items()}


def to_ascii(text: str) -> str:
    """Terminal Unicode as plain ASCII, for a terminal or a log without Unicode:
    `W₃,₇` → `W[3,7]`, `xᵀ` → `x^T`, `X⁻¹` → `X^(-1)`, `∂y/∂x` → `dy/dx`."""

    def sup(match: re.Match[str]) -> str:
        plain = "".join(_PLAIN[ch] for ch in match.group())
        return f"^{plain}" if len(plain) == 1 else f"^({plain})"

    text = _SUPERSCRIPT_RUN.sub(sup, text)
    text = _SUBSCRIPT_RUN.sub(
        lambda m: "[" + "".join(_PLAIN.get(c, c) for c in m.group()) + "]", text
    )
    return "".join(_ASCII.get(ch, ch) for ch in text).encode("ascii", "replace").decode()


def to_json(expr: sympy.Basic) -> str:
    """One expression as a sympy-parseable string."""
    return JsonPrinter().doprint(expr)
