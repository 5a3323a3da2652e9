"""The generated reference pages in docs/ match the catalogue and the registry."""

from pathlib import Path

import pytest

from fitbit_local.reference import PAGES

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_page_is_current(name):
    assert (DOCS / name).read_text() == PAGES[name](), (
        f"run: python -m fitbit_local.reference docs/  ({name})"
    )
