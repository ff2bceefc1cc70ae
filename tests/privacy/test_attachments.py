"""What hartdesk keeps with a request: the content decides, a lying name is refused, and names are made safe."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hartdesk.errors import ValidationError
from hartdesk.privacy.attachments import (
    KEPT,
    MAX_ATTACHMENT_BYTES,
    MAX_NAME_CHARS,
    check_attachment,
    describe_size,
    safe_filename,
)
from tests.privacy import mailfixtures as mf

PDF = mf.make_pdf()
PNG = mf.make_png()
EXE = mf.make_exe()


@pytest.mark.parametrize(
    ("filename", "content", "media_type"),
    [
        ("proof of address.pdf", PDF, "application/pdf"),
        ("passport.png", PNG, "image/png"),
        ("passport.jpg", mf.make_image("JPEG"), "image/jpeg"),
        ("scan.gif", mf.make_image("GIF"), "image/gif"),
        ("scan.tiff", mf.make_image("TIFF"), "image/tiff"),
        ("scan.webp", mf.make_image("WEBP"), "image/webp"),
        ("scan.bmp", mf.make_image("BMP"), "image/bmp"),
        ("IMG_0042.HEIC", mf.make_heic_header(), "image/heic"),
        ("forwarded.eml", mf.Eml().build(), "message/rfc822"),
        ("forwarded.msg", mf.Msg().build(), "application/vnd.ms-outlook"),
        ("notes.txt", "Zoë wrote: “please” – thanks\r\n".encode(), "text/plain"),
        ("export.csv", "name;town\r\nSøren Ærø;Truro\r\n".encode("cp1252"), "text/plain"),
        ("letter.docx", mf.make_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("list.xlsx", mf.make_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "letter.odt",
            mf.make_opendocument("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "list.ods",
            mf.make_opendocument("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("old letter.doc", mf.make_legacy_office("WordDocument"), "application/msword"),
        ("old list.xls", mf.make_legacy_office("Workbook"), "application/vnd.ms-excel"),
    ],
)
def test_each_kind_hartdesk_keeps_is_accepted_with_the_type_of_its_content(
    filename: str, content: bytes, media_type: str
) -> None:
    checked = check_attachment(filename, content)
    assert (checked.filename, checked.media_type, checked.content) == (filename, media_type, content)


def test_the_content_decides_the_type_when_the_name_says_nothing() -> None:
    assert check_attachment("scan", PDF).media_type == "application/pdf"
    assert check_attachment("scan.dat", PNG).media_type == "image/png"
    assert check_attachment("forwarded", mf.Eml().build()).media_type == "message/rfc822"


def test_a_picture_saved_under_another_picture_extension_is_kept_as_what_it_is() -> None:
    """Phones and websites often save a PNG as .jpg; both are harmless pictures."""
    assert check_attachment("photo.jpg", PNG).media_type == "image/png"


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("invoice.pdf", EXE, "'invoice.pdf' is not a PDF: its content is a Windows program."),
        ("invoice.pdf", PNG, "'invoice.pdf' is not a PDF: its content is an image (PNG)."),
        ("passport.jpg", PDF, "'passport.jpg' is not a JPEG image: its content is a PDF."),
        ("notes.txt", bytes(range(256)), "'notes.txt' is not a text file: its content is a file of an unknown kind."),
        (
            "letter.docx",
            mf.make_zip([("evil.js", b"x")]),
            "'letter.docx' is not a Word document: its content is a ZIP archive.",
        ),
        ("forwarded.eml", b"just some words\n", "'forwarded.eml' is not an email: its content is a text file."),
        (
            "forwarded.msg",
            mf.make_legacy_office("WordDocument"),
            "'forwarded.msg' is not an Outlook email: its content is a Word document.",
        ),
        (
            "list.xls",
            mf.make_legacy_office("PowerPoint Document"),
            "'list.xls' is not an Excel spreadsheet: its content is a presentation (PowerPoint).",
        ),
    ],
)
def test_a_name_that_lies_about_the_content_is_refused(filename: str, content: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_attachment(filename, content)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("filename", "content", "what"),
    [
        ("setup", EXE, "'setup' is a Windows program"),
        ("tool", b"\x7fELF" + bytes(100), "'tool' is a Linux program"),
        ("photos.zip", mf.make_zip([("a.jpg", mf.make_image("JPEG"))]), "'photos.zip' is a ZIP archive"),
        ("run", b"#!/bin/sh\necho hello\n", "'run' is a script"),
        ("data.bin", bytes(range(256)) * 4, "'data.bin' is a file of an unknown kind"),
    ],
)
def test_programs_archives_scripts_and_unknown_data_are_refused_saying_what_is_kept(
    filename: str, content: bytes, what: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        check_attachment(filename, content)
    assert caught.value.message == f"{what}; hartdesk keeps only {KEPT}."


@pytest.mark.parametrize("filename", ["update.exe", "invoice.pdf.exe", "script.js", "page.html", "run.bat", "x.PS1"])
def test_a_runnable_name_is_refused_whatever_the_content(filename: str) -> None:
    with pytest.raises(ValidationError, match="has the name of a program or script"):
        check_attachment(filename, b"harmless words\n")


def test_text_that_happens_to_start_like_a_program_or_a_bitmap_is_still_text() -> None:
    assert check_attachment("notes.txt", b"MZ Holdings Ltd, 4 Quay St\n").media_type == "text/plain"
    assert check_attachment("cars.csv", b"BMW,3 series\n").media_type == "text/plain"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        check_attachment("scan.pdf", b"")
    assert caught.value.message == "'scan.pdf' is empty."


def test_a_file_over_25_mb_is_refused_with_its_size() -> None:
    with pytest.raises(ValidationError) as caught:
        check_attachment("scan.pdf", b"%PDF-1.4\n" + bytes(int(52.4 * mf.MB) - 9))
    assert caught.value.message == "'scan.pdf' is 52.4 MB; hartdesk keeps attachments up to 25 MB."


def test_a_file_of_exactly_25_mb_is_kept() -> None:
    content = b"%PDF-1.4\n" + bytes(MAX_ATTACHMENT_BYTES - 9)
    assert check_attachment("scan.pdf", content).media_type == "application/pdf"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 byte"),
        (812, "812 bytes"),
        (812 * 1024, "812 KB"),
        (int(52.4 * mf.MB), "52.4 MB"),
        (25 * mf.MB, "25 MB"),
        (25 * mf.MB + 1, "25.1 MB"),  # rounded up: a file over the limit never reads as the limit
        (3 * 1024 * mf.MB, "3 GB"),
    ],
)
def test_describe_size(n: int, text: str) -> None:
    assert describe_size(n) == text


@pytest.mark.parametrize(
    ("given_name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\x\\a.pdf", "a.pdf"),
        ("/home/zoe/Documents/scan.pdf", "scan.pdf"),
        ("inv\x00oice\r\n.pdf", "invoice.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override would show "invoiceexe.pdf"
        ('what?<is>"this".pdf', "what__is__this_.pdf"),
        ("..", "attachment"),
        ("", "attachment"),
        ("CON.txt", "_CON.txt"),
        ("  .hidden  ", "hidden"),
    ],
)
def test_names_are_made_safe(given_name: str, safe: str) -> None:
    assert safe_filename(given_name) == safe


def test_a_long_name_is_cut_to_200_characters_keeping_its_extension() -> None:
    name = safe_filename("Ł" * 500 + ".pdf")
    assert len(name) == MAX_NAME_CHARS and name.endswith("Ł.pdf")


def test_the_checked_file_carries_the_safe_name() -> None:
    assert check_attachment("../../etc/passwd.txt", b"root\n").filename == "passwd.txt"
    assert check_attachment("C:\\x\\a.pdf", PDF).filename == "a.pdf"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(max_size=300), content=st.binary(max_size=3000))
def test_checking_anything_gives_a_checked_file_or_a_validation_error(name: str, content: bytes) -> None:
    try:
        checked = check_attachment(name, content)
    except ValidationError as exc:
        assert exc.message
        return
    assert checked.content == content
    assert checked.filename and len(checked.filename) <= MAX_NAME_CHARS
    assert not any(ch in checked.filename for ch in "/\\\r\n\x00")
