"""Unicode in user text (titles, prompts, instructions): maths symbols become LaTeX maths,
letters pdfLaTeX's utf8 input knows stay as they are, and anything else is refused when the
spec is checked, naming the field, instead of failing later inside LaTeX.

pdfLaTeX with T1 fonts and utf8 input sets Latin-1 and Latin Extended-A (é, ß, ł, ...) and
the common punctuation below; a Greek letter or ∂ in text mode is an error there
("Unicode character ... not set up for use with LaTeX").
"""

from __future__ import annotations

_GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "o",
    "pi",
    "rho",
    "varsigma",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
_CAPITAL_GREEK = {
    "Γ": "Gamma",
    "Δ": "Delta",
    "Θ": "Theta",
    "Λ": "Lambda",
    "Ξ": "Xi",
    "Π": "Pi",
    "Σ": "Sigma",
    "Υ": "Upsilon",
    "Φ": "Phi",
    "Ψ": "Psi",
    "Ω": "Omega",
}
_SYMBOLS = {
    "∂": r"\partial",
    "∇": r"\nabla",
    "∑": r"\sum",
    "∏": r"\prod",
    "∫": r"\int",
    "∘": r"\circ",
    "⊙": r"\odot",
    "⊗": r"\otimes",
    "⊕": r"\oplus",
    "⋅": r"\cdot",
    "≤": r"\leq",
    "≥": r"\geq",
    "≠": r"\neq",
    "≈": r"\approx",
    "≡": r"\equiv",
    "∈": r"\in",
    "∉": r"\notin",
    "⊂": r"\subset",
    "⊆": r"\subseteq",
    "∪": r"\cup",
    "∩": r"\cap",
    "∀": r"\forall",
    "∃": r"\exists",
    "∞": r"\infty",
    "√": r"\surd",
    "→": r"\to",
    "←": r"\leftarrow",
    "⇒": r"\Rightarrow",
    "↦": r"\mapsto",
    "‖": r"\|",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "−": "-",
    "ϵ": r"\epsilon",
    "ϕ": r"\phi",
    "ℝ": r"\mathbb{R}",
    "ο": "o",
    "ᵀ": r"^{\mathsf{T}}",
    "⁻": "^{-}",
    "⁺": "^{+}",
    "ⁱ": "^{i}",
    "ⁿ": "^{n}",
    "ᵢ": "_{i}",
    "ⱼ": "_{j}",
    "ₖ": "_{k}",
    "ₙ": "_{n}",
}
_SYMBOLS |= {chr(0x3B1 + n): f"\\{name}" for n, name in enumerate(_GREEK) if name != "o"}
_SYMBOLS |= {capital: f"\\{name}" for capital, name in _CAPITAL_GREEK.items()}
_SYMBOLS |= {chr(0x2070 + d): f"^{{{d}}}" for d in (0, 4, 5, 6, 7, 8, 9)}
_SYMBOLS |= {chr(0x2080 + d): f"_{{{d}}}" for d in range(10)}
MATHS = {char: f"\\ensuremath{{{latex}}}" for char, latex in _SYMBOLS.items()}
"""Each maths character and the LaTeX that prints it in running text."""

_PUNCTUATION = set("–—‘’‚“”„…•†‡‰‹›€™")


def typesettable(char: str) -> bool:
    """True for a character pdfLaTeX's text mode sets, or one MATHS turns into maths; never
    a control character (TeX's invalid characters, a terminal's escape sequences)."""
    code = ord(char)
    printable_ascii = 0x20 <= code < 0x7F or (code < 0x80 and char.isspace())  # one space
    return printable_ascii or 0xA0 <= code <= 0x17F or char in _PUNCTUATION or char in MATHS


def first_untypesettable(text: str) -> str | None:
    """The first character of `text` that neither pdfLaTeX nor MATHS can set, or None."""
    return next((char for char in text if not typesettable(char)), None)


def maths_as_latex(text: str) -> str:
    """`text` with each maths character as LaTeX maths (`∂` as `\\ensuremath{\\partial}`)."""
    return "".join(MATHS.get(char, char) for char in text)
