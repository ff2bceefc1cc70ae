"""The PDFs hartdesk makes, read back for the tests: their text, and the command-line tools that check them."""

from __future__ import annotations

import io
import shutil

import pikepdf
import pytest
from pypdf import PdfReader


def pdf_text(pdf: bytes, password: str = "") -> str:
    """The text of every page, one page after another (``password`` opens an encrypted PDF)."""
    if password:
        with pikepdf.open(io.BytesIO(pdf), password=password) as opened:
            plain = io.BytesIO()
            opened.save(plain)
        pdf = plain.getvalue()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def needed_tool(name: str, package: str) -> str:
    """Where the command ``name`` is; the test fails without it (from the Debian package ``package``)."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed (Debian package {package})")
    return found
