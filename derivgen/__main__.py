"""`python -m derivgen`: the same command line as the `derivgen` script."""

import sys

from derivgen.cli import main

sys.exit(main())
