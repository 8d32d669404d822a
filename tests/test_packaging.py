"""The wheel users install: the license, the typing marker, the templates, and the version
derivgen reports, all read back from a wheel built from this checkout."""

from __future__ import annotations

import email.parser
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import derivgen

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("derivgen-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_carries_the_license_the_typing_marker_and_the_templates(wheel) -> None:
    names = set(wheel.namelist())
    dist_info = f"derivgen-{derivgen.__version__}.dist-info"
    assert f"{dist_info}/licenses/LICENSE" in names
    assert wheel.read(f"{dist_info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
    assert "derivgen/py.typed" in names
    assert "derivgen/__main__.py" in names
    templates = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.j2"))
    assert templates
    assert {f"derivgen/{t}" for t in templates} <= names


def test_the_metadata_states_version_license_and_classifiers(wheel) -> None:
    dist_info = f"derivgen-{derivgen.__version__}.dist-info"
    metadata = email.parser.Parser().parsestr(wheel.read(f"{dist_info}/METADATA").decode())
    assert metadata["Version"] == derivgen.__version__
    assert metadata["License-Expression"] == "MIT"
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "ruff==" in " ".join(metadata.get_all("Requires-Dist"))  # pinned in the test extra
