"""The logins handover PDF: every login with its password and 2FA key, readable back, and never sent unencrypted."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from hartdesk.dates import UK
from hartdesk.documents import theme
from hartdesk.documents.delivery import encrypt_pdf
from hartdesk.documents.handover import Handover, HandoverEntry, build_handover_pdf
from hartdesk.documents.letter import Letterhead
from tests.pdfs import needed_tool, pdf_text

OTP_URI = "otpauth://totp/hartdesk?secret=JBSWY3DPEHPK3PXPJBSWY3DP&digits=6&algorithm=SHA1&period=30"
REGISTRAR = HandoverEntry(
    operator="Gandi SAS",
    operator_role="Domain registrar",
    account_name="pqh-agency",
    login_url="https://account.gandi.net/en/login",
    secret="v9#Qz!t2-LmX8@pR",
    otp_key=OTP_URI,
    domains=("lukasiewicz.example", "zoe-art.example"),
    notes="The client's domains are in the organisation 'Clients'.",
    rotated_on=date(2026, 3, 4),
)
PANEL = HandoverEntry(
    operator="Fasthosts",
    operator_role="Hosting control panel",
    account_name="zoe@lukasiewicz.example",
    login_url="",
    secret="Kx7-Ωmega-Łódź ",  # a trailing space is part of it
    otp_key="",
    domains=(),
    notes="",
    rotated_on=date(2025, 11, 2),
)


def _handover(*entries: HandoverEntry, new_provider: str = "Brightwave Web Ltd") -> Handover:
    return Handover(
        letterhead=Letterhead("Pemberton Quill Hosting Ltd", "17 Wexcombe Mews\nTruro\nTR1 9QZ", ico_number="Z1234567"),
        pagesize=theme.A4,
        client_ref="C-00042",
        client_name="Zoë Łukasiewicz",
        new_provider=new_provider,
        prepared_by="Alice Admin",
        produced_at=datetime(2026, 11, 21, 10, 30, tzinfo=UK),
        entries=entries,
    )


def test_every_login_is_listed_with_its_password_and_domains() -> None:
    text = pdf_text(build_handover_pdf(_handover(REGISTRAR, PANEL)))
    flat = re.sub(r"\s+", " ", text)
    for expected in (
        "Logins handover",
        "Zoë Łukasiewicz (C-00042)",
        "Brightwave Web Ltd",
        "Alice Admin",
        "21 November 2026",
        "1 of 2. Gandi SAS",
        "2 of 2. Fasthosts",
        "pqh-agency",
        "https://account.gandi.net/en/login",
        "v9#Qz!t2-LmX8@pR",
        "lukasiewicz.example, zoe-art.example",
        "4 Mar 2026",
        "zoe@lukasiewicz.example",
        "Kx7-Ωmega-Łódź",
        "starts or ends with a space",
        "JBSW Y3DP EHPK 3PXP JBSW Y3DP",
        "6 digits, SHA1, every 30 s",
        "Confidential: passwords",
    ):
        assert expected in flat, expected
    assert "please change each one" in flat


def test_without_a_named_provider_it_says_the_new_provider() -> None:
    flat = re.sub(r"\s+", " ", pdf_text(build_handover_pdf(_handover(PANEL, new_provider=""))))
    assert "hands over to the new provider the login it held for Zoë Łukasiewicz" in flat


def test_a_1000_character_password_wraps_inside_the_page() -> None:
    secret = "".join("abcdefghij"[i % 10] for i in range(1000))
    long = HandoverEntry(**{**PANEL.__dict__, "secret": secret})
    pdf = build_handover_pdf(_handover(long))
    assert secret in re.sub(r"\s+", "", pdf_text(pdf))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    widths: list[float] = []

    def visitor(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if "abcdefghij" in text:
            widths.append(tm[4])

    page.extract_text(visitor_text=visitor)
    assert widths and max(widths) < float(page.mediabox.width)  # no line starts off the page


def test_the_2fa_square_code_scans_back_to_the_key(tmp_path: Path) -> None:
    pdftoppm = needed_tool("pdftoppm", "poppler-utils")
    zbarimg = needed_tool("zbarimg", "zbar-tools")
    (tmp_path / "handover.pdf").write_bytes(build_handover_pdf(_handover(REGISTRAR)))
    subprocess.run([pdftoppm, "-r", "150", "-png", "-singlefile", "handover.pdf", "page"], cwd=tmp_path, check=True)
    scanned = subprocess.run([zbarimg, "--raw", "-q", str(tmp_path / "page.png")], capture_output=True, text=True)
    assert scanned.stdout.strip() == OTP_URI


def test_encrypted_it_opens_only_with_the_password_and_passes_qpdf(tmp_path: Path) -> None:
    qpdf = needed_tool("qpdf", "qpdf")
    target = tmp_path / "handover.pdf"
    target.write_bytes(encrypt_pdf(build_handover_pdf(_handover(REGISTRAR)), "K7QX-M3TA-9PRW-HD4E"))
    assert b"v9#Qz!t2" not in target.read_bytes()
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(target)
    with pikepdf.open(target, password="K7QX-M3TA-9PRW-HD4E") as opened:
        assert opened.encryption.R == 6
    result = subprocess.run(
        [qpdf, "--check", "--password=K7QX-M3TA-9PRW-HD4E", str(target)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
