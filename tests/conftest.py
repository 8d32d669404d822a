"""Settings for the whole suite."""

from __future__ import annotations

import signal

import pytest


@pytest.fixture(autouse=True, scope="session")
def interruptible_children() -> None:
    """A suite started with Ctrl-C ignored (a background job of a shell without job control,
    `(make test &)`) passes that on to every derivgen it starts, which then rightly ignores
    it; the tests that press Ctrl-C need children that answer it, as from a terminal."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
