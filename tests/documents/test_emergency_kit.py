"""The emergency kit PDF: one page a clerk can read, whose text, metadata and QR code carry the real key."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from reportlab.platypus import PageBreak, Paragraph

from hartdesk.documents import theme
from hartdesk.documents.emergency_kit import EmergencyKit, render_emergency_kit
from tests.pdfs import needed_tool, pdf_text

KEY = "FD7L-PMMW-4WGL-VB73-5ALE-XU3D-EO5R-QNRZ"
KIT = EmergencyKit(
    register_id="reg-7f3a9c2e41b84d0e",
    created_at=datetime(2026, 11, 21, 14, 5, tzinfo=UTC),
    register_path="/home/alice/.local/share/hartdesk/register",
    recovery_key=KEY,
    agency_name="Pemberton Quill Hosting Ltd",
)


def _kit(**changes: str) -> EmergencyKit:
    return EmergencyKit(**{**KIT.__dict__, **changes})


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_emergency_kit(KIT)


def test_kit_is_one_page_with_everything_needed_to_recover(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = pdf_text(pdf)
    for expected in (KIT.register_id, KIT.register_path, KIT.agency_name, "21 November 2026", "Page 1 of 1"):
        assert expected in text
    for group in KEY.split("-"):
        assert group in text
    assert "tell your administrator at once" in text.lower()


def test_kit_metadata_names_the_document(pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert meta.title == "hartdesk emergency kit"
    assert meta.author == KIT.agency_name
    assert meta.creator == "hartdesk"
    assert meta.creation_date is not None


def test_kit_passes_qpdf_check(pdf: bytes, tmp_path: Path) -> None:
    qpdf = needed_tool("qpdf", "qpdf")
    target = tmp_path / "kit.pdf"
    target.write_bytes(pdf)
    result = subprocess.run([qpdf, "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_qr_code_scans_back_to_the_recovery_key(pdf: bytes, tmp_path: Path) -> None:
    pdftoppm = needed_tool("pdftoppm", "poppler-utils")
    zbarimg = needed_tool("zbarimg", "zbar-tools")
    (tmp_path / "kit.pdf").write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", "kit.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    scanned = subprocess.run(
        [zbarimg, "--raw", "-q", str(tmp_path / "page.png")], capture_output=True, text=True, check=True
    )
    assert scanned.stdout.strip() == KEY


def test_accented_names_come_back_intact_in_embedded_fonts() -> None:
    names = "Zoë Łukasiewicz-Öztürk, Đorđević, Søren Ærø, Ñoño"
    pdf = render_emergency_kit(_kit(agency_name=names))
    assert names in pdf_text(pdf)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    font_dict = resources["/Font"].get_object()
    assert isinstance(font_dict, DictionaryObject)
    fonts = {str(font.get_object()["/BaseFont"]) for font in font_dict.values()}
    assert fonts and all("DejaVu" in name for name in fonts), fonts


def test_markup_in_register_strings_is_printed_literally() -> None:
    pdf = render_emergency_kit(_kit(agency_name="Smith <b>& Sons</b> &amp; Co", register_path="/srv/a&b/<x>"))
    text = pdf_text(pdf)
    assert "Smith <b>& Sons</b> &amp; Co" in text
    assert "/srv/a&b/<x>" in text


@pytest.mark.parametrize("pagesize", [theme.A4, theme.LETTER], ids=["A4", "Letter"])
def test_long_path_and_name_wrap_and_keep_to_one_page(pagesize: tuple[float, float]) -> None:
    path = "C:\\Users\\zoe.lukasiewicz\\AppData\\Local\\hartdesk\\" + "very-long-folder-name\\" * 12 + "register"
    agency = "Pemberton Quill Hosting and Domain Registration Services for the South West Limited " * 3
    pdf = render_emergency_kit(_kit(register_path=path, agency_name=agency), pagesize=pagesize)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert [round(v) for v in reader.pages[0].mediabox[2:]] == [round(v) for v in pagesize]
    text = pdf_text(pdf)
    assert path in "".join(text.split())
    assert "Page 1 of 1" in text


def test_footer_counts_every_page_of_a_longer_document() -> None:
    styles = theme.stylesheet()
    story = [Paragraph("One", styles["body"]), PageBreak(), Paragraph("Two", styles["body"]), PageBreak()]
    story.append(Paragraph("Three", styles["body"]))
    pdf = theme.build_pdf(story, theme.DocumentInfo(title="Long"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    assert [f"Page {n} of 3" in page.extract_text() for n, page in enumerate(reader.pages, 1)] == [True] * 3


def test_escape_keeps_line_breaks_and_neutralises_markup() -> None:
    assert theme.escape("a <b> & c\r\nd\ne") == "a &lt;b&gt; &amp; c<br/>d<br/>e"
