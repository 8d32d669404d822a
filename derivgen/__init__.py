"""derivgen: matrix calculus derived step by step, in the style of Learned-Miller's note.

>>> from derivgen import derive
>>> d = derive("y = W x", "dy[3]/dx[7]", shapes={"W": "C,D"})
>>> d.as_dict()["entry"]
'W[3, 7]'

The API is imported on first use (PEP 562), not with the package: importing sympy takes a
second or more, and the `derivgen` script must be running its own code by then to answer a
Ctrl-C with one line (`derivgen.__main__`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from derivgen._version import __version__

if TYPE_CHECKING:
    from derivgen.api import Derivation, derive
    from derivgen.checker import Check, check
    from derivgen.errors import DerivgenError
    from derivgen.grading import Grading, grade

__all__ = [
    "Check",
    "Derivation",
    "DerivgenError",
    "Grading",
    "__version__",
    "check",
    "derive",
    "grade",
]

_HOMES = {
    "Derivation": "derivgen.api",
    "derive": "derivgen.api",
    "Check": "derivgen.checker",
    "check": "derivgen.checker",
    "DerivgenError": "derivgen.errors",
    "Grading": "derivgen.grading",
    "grade": "derivgen.grading",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'derivgen' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
