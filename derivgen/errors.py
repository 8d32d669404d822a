"""One error hierarchy: every failure a user can cause is a DerivgenError, one line long."""

from __future__ import annotations


class DerivgenError(Exception):
    """Bad input or a result that cannot be trusted; the message is one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def lines(self, prefix: str = "error: ") -> list[str]:
        """The lines to show a user; only parse errors have a second one (the caret)."""
        return [prefix + self.message]


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
        indent = len(prefix) + len(self.reason) + 2 + self.position
        return [prefix + self.message, " " * indent + "~" * (self.length - 1) + "^"]


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
