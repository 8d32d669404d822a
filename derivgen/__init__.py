"""derivgen: matrix calculus derived step by step, in the style of Learned-Miller's note.

>>> from derivgen import derive
>>> d = derive("y = W x", "dy[3]/dx[7]", shapes={"W": "C,D"})
>>> d.as_dict()["entry"]
'W[3, 7]'
"""

from derivgen._version import __version__
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
