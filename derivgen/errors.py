"""One error hierarchy: every failure a user can cause is a DerivgenError, one line long."""

from __future__ import annotations

import unicodedata

_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Cn", "Co"}
"""Unicode categories a terminal acts on, hides or sizes as it likes (controls, formats such
as bidi overrides, line separators, lone surrogates, unassigned and private-use code
points): shown escaped, never written raw, so the caret's column is certain."""


def printable(text: str) -> str:
    """`text` safe to write on one terminal line: each control or format character as an
    escape (`\\x1b`, `\\n`, `\\u202e`), so user text cannot move the cursor, retitle the
    window or split a one-line message."""
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    """Python's own escape (repr) for an invisible character: `\\n`, `\\x1b`, `\\u202e`."""
    return repr(char)[1:-1] if unicodedata.category(char) in _INVISIBLE else char


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (East Asian) characters two, combining marks
    none, others one. Meant for printable() text, which has no controls left."""
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells report a command stopped by Ctrl-C."""
INTERRUPTED = "derivgen: interrupted"
"""The one line a Ctrl-C prints (here, not in the CLI, so the script can print it while the
CLI is still being imported: `derivgen.__main__`)."""


class DerivgenError(Exception):
    """Bad input or a result that cannot be trusted; the message is one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def lines(self, prefix: str = "error: ") -> list[str]:
        """The lines to show a user, user text escaped (printable); only parse errors have
        a second one (the caret)."""
        return [prefix + printable(self.message)]


class ParseError(DerivgenError):
    """Text that does not follow the grammar; the message ends with the text, for the caret.

    `reason` is what went wrong, `text` the whole input and `position` the 0-based offset of
    the offending spot; the message reads `reason: text`.
    """

    def __init__(self, reason: str, text: str, position: int, length: int = 1) -> None:
        super().__init__(f"{reason}: {text}")
        self.reason = reason
        self.text = text
        self.position = position
        self.length = max(1, length)

    def lines(self, prefix: str = "error: ") -> list[str]:
        """The message and a caret under the offending spot, in the column a terminal shows
        it: escapes and wide characters before it shift it, as do they within it."""
        before = f"{prefix}{self.reason}: {self.text[: self.position]}"
        spot = self.text[self.position : self.position + self.length] or " "
        width = max(1, display_width(printable(spot)))
        caret = " " * display_width(printable(before)) + "~" * (width - 1) + "^"
        return [prefix + printable(self.message), caret]


class EquationError(DerivgenError):
    """An equation that parses but does not define its output, such as `x = W x`."""


class ShapeError(DerivgenError):
    """Operands whose sizes cannot agree, or a malformed shape declaration."""


class TargetError(DerivgenError):
    """A derivative target that names an unknown symbol or indexes it wrongly."""


class NotDerivableError(DerivgenError):
    """Valid input that this version of derivgen cannot derive yet; names the construct."""


class VerificationError(DerivgenError):
    """A derived result disagreed with brute force or finite differences: never printed as true."""


class TimeLimitError(DerivgenError):
    """A derivation (or another limited task) ran past its time limit; names what did."""


class BuildError(DerivgenError):
    """LaTeX failed; carries the full log while the message names the first error."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.log = log


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so the same clean-up runs (temporary
    folders removed, TeX stopped, earlier outputs kept) and the CLI then exits with 143."""


def raise_terminated(_signal: int, _frame: object) -> None:
    """A SIGTERM handler: stop the way Ctrl-C stops (Terminated)."""
    raise Terminated
