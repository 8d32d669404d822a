"""`python -m derivgen` and the `derivgen` script: the command line, Ctrl-C answered early.

The CLI imports sympy, which takes a second or more; a Ctrl-C in that second must print one
line and exit 130 like one at any later moment, not a traceback from the import machinery.
So this module imports nothing heavy until its handler is in place.
"""

import sys

from derivgen.errors import EXIT_INTERRUPTED, INTERRUPTED


def main() -> int:
    """Import the CLI (and sympy with it), then run it; a Ctrl-C meanwhile is one line."""
    try:
        from derivgen.cli import main as run  # noqa: PLC0415 (the import is what is guarded)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    return run()


if __name__ == "__main__":
    sys.exit(main())
