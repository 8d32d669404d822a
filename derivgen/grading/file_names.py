"""Student names as file names: `feedback/NAME.pdf` must stay inside `feedback/`, whatever
the name (`../../etc/passwd`, `a/b`, `CON`, an empty name), and two students never share
a file, even on a file system that ignores case."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_BYTES = 150
"""UTF-8 bytes kept of a long name: with `.failed.tex` and a `-2` it stays well below the
255 bytes most file systems allow for a file name."""

_UNSAFE = re.compile(r"[^\w.-]+")
"""Anything but letters (of any script), digits, `_`, `.` and `-`: path separators, the
characters Windows refuses, quotes, commas, white space, control characters (one `_` per
run), so a name is also safe to type in a shell."""
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
"""Names Windows gives to devices, with or without an extension."""
FALLBACK = "student"


def file_stem(name: str) -> str:
    """A file name for `name` that is one plain file in its folder: no separators, no
    control characters, no leading dot (so no `..` and no hidden file), not a device."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip("._-")
    while len(text.encode("utf-8")) > MAX_BYTES:
        text = text[:-1]
    text = text.rstrip("._-")
    if not text:
        return FALLBACK
    return f"{text}_" if _RESERVED.match(text) else text


def file_stems(names: Iterable[str]) -> dict[str, str]:
    """Each distinct name's file stem, made unique (case ignored) with `-2`, `-3`, … in the
    order the names come."""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        if name in stems:
            continue
        stem = base = file_stem(name)
        number = 1
        while stem.casefold() in taken:
            number += 1
            stem = f"{base}-{number}"
        taken.add(stem.casefold())
        stems[name] = stem
    return stems
