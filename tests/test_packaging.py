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


def test_the_wheel_carries_mathjax_its_licence_and_the_page_style(wheel) -> None:
    """Pages open offline from an installed derivgen: MathJax and the style are inside."""
    names = set(wheel.namelist())
    dist_info = f"derivgen-{derivgen.__version__}.dist-info"
    mathjax = ROOT / "derivgen" / "render" / "mathjax"
    assert wheel.read("derivgen/render/mathjax/tex-svg.js") == (mathjax / "tex-svg.js").read_bytes()
    assert "derivgen/render/mathjax/LICENSE" in names
    assert wheel.read(f"{dist_info}/licenses/derivgen/render/mathjax/LICENSE") == (
        mathjax / "LICENSE"
    ).read_bytes()
    assert "derivgen/templates/html/page.css" in names


def test_the_script_is_the_entry_point_that_answers_an_early_ctrl_c(wheel) -> None:
    dist_info = f"derivgen-{derivgen.__version__}.dist-info"
    entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    assert "derivgen = derivgen.__main__:main" in entry_points


def test_the_metadata_states_version_license_and_classifiers(wheel) -> None:
    dist_info = f"derivgen-{derivgen.__version__}.dist-info"
    metadata = email.parser.Parser().parsestr(wheel.read(f"{dist_info}/METADATA").decode())
    assert metadata["Version"] == derivgen.__version__
    assert metadata["License-Expression"] == "MIT AND Apache-2.0"  # MathJax is Apache-2.0
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "ruff==" in " ".join(metadata.get_all("Requires-Dist"))  # pinned in the test extra
