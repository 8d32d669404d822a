"""`python -m derivgen` and the `derivgen` script: the command line, Ctrl-C answered early.

The CLI imports sympy, which takes a second or more; a Ctrl-C in that second must print one
line and exit 130 like one at any later moment, not a traceback from the import machinery.
So this module imports nothing heavy until its handler is in place.
"""

import signal
import sys
from typing import Any

from derivgen.errors import EXIT_INTERRUPTED, INTERRUPTED


def main() -> int:
    """Import the CLI (and sympy with it), then run it; a Ctrl-C meanwhile is one line.

    A KeyboardInterrupt raised inside a finalizer or a callback of the import is swallowed by
    Python ("Exception ignored in ..."), and the import goes on; so the handler also records
    the Ctrl-C, such a report is kept quiet, and a recorded Ctrl-C stops here all the same.
    """
    pressed = []

    def interrupt(signum: int, frame: Any) -> None:
        pressed.append(signum)
        raise KeyboardInterrupt

    def unraisable(report: Any) -> None:
        if not isinstance(report.exc_value, KeyboardInterrupt):
            hook(report)

    hook = sys.unraisablehook
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN:  # started with Ctrl-C ignored (nohup, `cmd &`): it stays so
        signal.signal(signal.SIGINT, interrupt)
    sys.unraisablehook = unraisable
    try:
        from derivgen.cli import main as run  # noqa: PLC0415 (the import is what is guarded)
    except KeyboardInterrupt:
        pressed.append(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = hook
    if pressed:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    return run()


if __name__ == "__main__":
    sys.exit(main())
