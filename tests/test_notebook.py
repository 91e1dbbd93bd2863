"""The walkthrough notebook runs top to bottom on the demo (executed with nbclient, as CI does)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

# runs the notebook in a Jupyter kernel from start to end
pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "walkthrough.ipynb"


def test_walkthrough_executes_and_finds_the_demo_blind_spots(tmp_path: Path) -> None:
    work = tmp_path / "nb"
    work.mkdir()
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    nb = nbformat.read(work / NOTEBOOK.name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    text = "\n".join(
        str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
        for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
    )
    assert "Error" not in text
    assert "G0001" in text and "G0002" in text  # the demo's two blind spots
    assert (work / "walkthrough_out" / "coverage.html").stat().st_size > 100_000
