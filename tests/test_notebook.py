"""examples/derivgen.ipynb, executed in a real kernel (nbclient), its outputs compared with the
library's own renderings, then converted to HTML by nbconvert and typeset by MathJax in
headless Chromium (the notebook's `text/html` outputs are what Jupyter shows)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from derivgen import check, derive
from derivgen.render.html import MATHJAX
from tests.test_html_browser import assert_typeset, chromium, render  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "derivgen.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    """The notebook run top to bottom in a python3 kernel that imports this checkout."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(ROOT))
        NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=300,
            resources={"metadata": {"path": str(tmp_path_factory.mktemp("notebook"))}},
        ).execute()
    return notebook


def _outputs(notebook: nbformat.NotebookNode, source: str) -> list:
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and c.source == source]
    return cell.outputs


def _shown(outputs: list) -> dict:
    (result,) = [o for o in outputs if o.output_type == "execute_result"]
    return result.data


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_a_derivation_shows_whole_its_text_and_its_repr(executed) -> None:
    d = derive("y = W x", "dy/dx")
    shown = _shown(_outputs(executed, 'd = derive("y = W x", "dy/dx")\nd'))
    assert shown["text/html"] == d.to_html()
    assert shown["text/latex"] == d._repr_latex_()
    assert shown["text/plain"] == repr(d)
    assert _shown(_outputs(executed, "repr(d)"))["text/plain"] == repr(repr(d))
    (printed,) = _outputs(executed, "print(d)")
    assert (printed.output_type, printed.name, printed.text) == ("stream", "stdout", d.to_text() + "\n")
    chain = _shown(_outputs(executed, 'derive("y = V W x", "dy/dx")'))
    assert chain["text/html"] == derive("y = V W x", "dy/dx").to_html()


def test_a_check_shows_its_verdict(executed) -> None:
    for source, result in [
        ('check("y = W x", "dy/dx", "W^T")', check("y = W x", "dy/dx", "W^T")),
        ('check("f = W x", "df/dW", general="x[k]")', check("f = W x", "df/dW", general="x[k]")),
    ]:
        shown = _shown(_outputs(executed, source))
        assert shown["text/html"] == result.to_html()
        assert shown["text/plain"] == repr(result)


@pytest.mark.browser
def test_the_notebook_as_html_is_typeset(executed, chromium: str, tmp_path: Path) -> None:  # noqa: F811
    """nbconvert's page with MathJax from derivgen's own copy (nbconvert's default is a CDN),
    screenshotted: every formula of every output typeset, nothing left raw."""
    exporter = HTMLExporter(mathjax_url=MATHJAX.as_uri())
    page, _ = exporter.from_notebook_node(executed)
    dom = render(chromium, page, "notebook", tmp_path)
    assert_typeset(dom, page)
    assert "Checked by derivgen:" in "".join(dom.outside)
