"""The data report (SPEC.md §2): built from the hand-built register, read back from the PDF the way a person (pypdf's
text) and a program (the embedded JSON and CSV) would read it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import select

from hartdesk import paths
from hartdesk import settings as settings_mod
from hartdesk.documents import theme
from hartdesk.documents.data_report import (
    Column,
    DataTable,
    SubjectData,
    portable_copy,
    render_data_report,
)
from hartdesk.documents.pdf_files import attached_files, embed_files
from hartdesk.documents.wording import WordingError
from hartdesk.errors import NotFoundError, ValidationError
from hartdesk.models import AddressKind, ClientKind, Contact
from hartdesk.models.enums import RequestChannel, RequestRole, RequestType
from hartdesk.privacy import requests as rq
from hartdesk.register import clients, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from hartdesk.register.subject_data import subject_data
from tests.conftest import ADMIN
from tests.pdfs import pdf_text
from tests.register.conftest import TODAY, HandBuilt

ICO_CONTACT = (
    "Information Commissioner's Office\n"
    "Wycliffe House, Water Lane, Wilmslow SK9 5AF\n"
    "Helpline: 0303 123 1113\n"
    "Online: ico.org.uk/make-a-complaint"
)


def _flat(text: str) -> str:
    """Without any white space: a value wrapped over several lines of a table cell still reads as one."""
    return "".join(text.split())


def _has(pdf_text: str, value: str) -> bool:
    return _flat(value) in _flat(pdf_text)


def _settings(hb: HandBuilt, **changes: Any) -> settings_mod.Settings:
    with hb.session() as s:
        return settings_mod.load(s).with_changes(ico_contact=ICO_CONTACT, **changes)


def _report(
    hb: HandBuilt, ref: str, for_post: bool = True, settings: settings_mod.Settings | None = None, **kw: Any
) -> tuple[SubjectData, bytes]:
    with hb.session() as s:
        data = subject_data(s, ref, settings or _settings(hb), TODAY, for_post=for_post, **kw)
    return data, render_data_report(data, for_post)


@dataclass(frozen=True)
class Report:
    data: SubjectData
    pdf: bytes
    text: str


@pytest.fixture
def zoe(hand_built: HandBuilt) -> Report:
    data, pdf = _report(hand_built, hand_built.zoe)
    return Report(data, pdf, pdf_text(pdf))


def _new_client(hb: HandBuilt, data: ClientInput) -> str:
    with hb.session() as s:
        return clients.create_client(s, ADMIN, data, today=date(2024, 1, 2))


def _log(hb: HandBuilt, **fields: Any) -> str:
    values: dict[str, Any] = {
        "kind": RequestType.ACCESS,
        "channel": RequestChannel.EMAIL,
        "received_on": date(2026, 11, 2),
        **fields,
    }
    with hb.session() as s:
        return rq.log_request(s, ADMIN, rq.RequestInput(**values), _settings(hb), TODAY).ref


# -- the copy of the data -------------------------------------------------------------------------------------------


def test_report_holds_the_clients_own_data(zoe: Report) -> None:
    text = zoe.text
    for value in (
        "Zoë Łukasiewicz-Öztürk",
        "zoe@lukasiewicz.example",
        "020 7946 0018",
        "4 Quay Street",
        "TR1 2HD",
        "CC-1001",
        "lukasiewicz.example",
        "INV-1",
        "INV-2",
        "£12.00",
        "31 Mar 2024",
        "Ticked the box on the order form",
        "Your consent history",
        "Privacy notices and terms you accepted",
        "Your requests to us",
    ):
        assert _has(text, value), value


def test_first_page_is_a_letter_to_the_client_at_their_address(zoe: Report) -> None:
    first = PdfReader(io.BytesIO(zoe.pdf)).pages[0].extract_text()
    for value in ("Zoë Łukasiewicz-Öztürk", "4 Quay Street", "TR1 2HD", "Dear Zoë Łukasiewicz-Öztürk,"):
        assert value in first
    assert "21 November 2026" in first
    assert "Page 1 of" in first
    assert "free of charge" in first


def test_a_restricted_clients_report_says_so_in_a_box_at_the_top_of_page_1(hand_built: HandBuilt) -> None:
    from hartdesk.privacy import rights

    unrestricted = pdf_text(_report(hand_built, hand_built.zoe)[1])
    ref = _log(
        hand_built,
        kind=RequestType.RESTRICTION,
        requester_name="Zoë Łukasiewicz-Öztürk",
        client_ref=hand_built.zoe,
        identity_verified=True,
    )
    with hand_built.session() as s:
        rights.restrict(s, ADMIN, ref, _settings(hand_built), TODAY)
    data, pdf = _report(hand_built, hand_built.zoe)
    sentence = (
        f"Restricted since 21 November 2026 under request {ref}: the data is only stored, not used for anything "
        "else (UK GDPR Art. 18)."
    )
    assert data.restriction == sentence
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert _has(first, "Restriction of processing " + sentence)
    assert _flat(first).index(_flat(sentence)) < _flat(first).index("DearZoë")  # above the letter itself
    assert "Restriction of processing" not in unrestricted and "UK GDPR Art. 18" not in unrestricted


def test_every_item_spec_section_2_asks_for_is_there(zoe: Report) -> None:
    text = zoe.text
    expected = {
        "headings": [
            "What we hold about you",
            "The kinds of data",
            "Why we use it",
            "Who we share it with",
            "How long we keep it",
            "Where the data came from",
            "Automated decisions",
            "Your rights",
        ],
        "purposes": ["To bill the client and keep the accounting records the law requires."],
        "lawful bases": ["The law requires us to (legal obligation)", "To provide the services we agreed with you"],
        "categories": ["Identity", "Contact details", "Billing", "Domain registrant", "Hosted content (as processor)"],
        "recipients": ["Fasthosts", "Mailchimp", "United States", "Outside the UK", "In the UK"],
        "outside the UK said plainly": ["Outside the UK: Mailchimp (United States)."],
        "safeguards": [
            "The EU standard contractual clauses with the ICO's UK addendum",
            "None needed: your data stays in the UK",
        ],
        "retention": ["6 years after the end of the financial year of the last invoice", "until 31 March 2031"],
        "rights": ["Rectification:", "Erasure:", "Restriction:", "Objection:", "Portability:", "judicial remedy"],
        "ICO": ICO_CONTACT.splitlines(),
        "source": ["The client, when ordering a domain name."],
        "automated decisions": ["There is no automated decision-making or profiling."],
    }
    for item, values in expected.items():
        for value in values:
            assert _has(text, value), f"{item}: {value}"


def test_only_the_operators_that_hold_this_clients_data_are_named(hand_built: HandBuilt) -> None:
    _data, pdf = _report(hand_built, hand_built.zoe)
    text = pdf_text(pdf)
    assert "Fasthosts" in text and "Mailchimp" in text
    assert "GoDaddy" not in text  # it only registers the closed client's domain

    _data, pdf = _report(hand_built, hand_built.acme)
    text = pdf_text(pdf)
    for operator in ("Fasthosts", "GoDaddy", "Mailchimp"):  # no services, no marketing consent
        assert operator not in text
    assert "We do not share your data with any other company." in text


def test_other_clients_never_appear(zoe: Report) -> None:
    json_bytes, csv_bytes = portable_copy(zoe.data)
    text = zoe.text
    for other in ("Acme", "Ñoño", "Đorđević", "nono@acme.example", "Søren", "aero.example"):
        assert other not in text
        assert other not in json_bytes.decode("utf-8")
        assert other not in csv_bytes.decode("utf-8-sig")


@pytest.mark.parametrize("name", ["Ñoño Đorđević", "Søren Ærø"])
def test_names_in_any_alphabet_survive_the_round_trip(hand_built: HandBuilt, name: str) -> None:
    ref = _new_client(
        hand_built,
        ClientInput(
            name=name,
            kind=ClientKind.INDIVIDUAL,
            contacts=[ContactInput(name, "", ["someone@example.org"])],
            addresses=[AddressInput(AddressKind.POSTAL, "Åsgårdsvej 7", town="Ærøskøbing", country="DK")],
        ),
    )
    data, pdf = _report(hand_built, ref)
    text = pdf_text(pdf)
    assert f"Dear {name}," in text
    assert _has(text, "Åsgårdsvej 7") and _has(text, "Ærøskøbing") and "Denmark" in text
    records = json.loads(portable_copy(data)[0])["sections"][0]["records"]
    assert records[0]["name"] == name


def test_letters_dejavu_lacks_are_set_in_the_fallback_font_in_tables_too(hand_built: HandBuilt) -> None:
    name = "西村 治"
    ref = _new_client(
        hand_built,
        ClientInput(name=name, kind=ClientKind.INDIVIDUAL, contacts=[ContactInput(name, "", ["nishimura@example.jp"])]),
    )
    _data, pdf = _report(hand_built, ref, for_post=False)
    fonts: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: float) -> None:
            if "西村" in text and font is not None:
                fonts.add(str(font.get("/BaseFont", "")).split("+")[-1])

        page.extract_text(visitor_text=visit)
    assert fonts == {theme.FONT_FALLBACK}  # the letter, the title table, the details and the contacts table
    assert pdf_text(pdf).count("西村") >= 4


def test_register_text_that_looks_like_markup_prints_as_typed(hand_built: HandBuilt) -> None:
    odd = "Tom & Jerry <Ltd> <para>x</para> <b>bold</b>"
    ref = _new_client(
        hand_built,
        ClientInput(
            name=odd,
            notes="Uses <b>bold</b> & <i>italics</i> in emails; 3 < 4\n<para>second line</para>",
            addresses=[AddressInput(AddressKind.BILLING, "1 <Angle> & Co Street", town="Truro", postcode="TR1 2HD")],
        ),
    )
    data, pdf = _report(hand_built, ref)
    text = pdf_text(pdf)
    for value in (odd, "Uses <b>bold</b> & <i>italics</i> in emails; 3 < 4", "<para>second line</para>"):
        assert _has(text, value), value
    assert _has(text, "1 <Angle> & Co Street")
    assert "bold" in json.loads(portable_copy(data)[0])["sections"][0]["records"][0]["notes"]


# -- layout -----------------------------------------------------------------------------------------------------------

LONG_WORD = "Unbreakable" * 30
LONG_LOCAL = "averyveryverylongmailboxnamethatgoesonandonforeverandevermore"


@pytest.fixture
def long_client(hand_built: HandBuilt) -> str:
    long_domain = ".".join(["a" * 60, "b" * 60, "c" * 60, "example"])
    ref = _new_client(
        hand_built,
        ClientInput(
            name="Ł" * 120 + " " + "Ö" * 60,
            notes=("A long note. " * 800) + LONG_WORD,
            contacts=[ContactInput("Zoë " + "Q" * 150, "Director of " + "x" * 60, [f"{LONG_LOCAL}@{long_domain}"])],
            addresses=[
                AddressInput(AddressKind.POSTAL, "L" * 200, "M" * 200, "Flat 3", town="T" * 100, postcode="TR1 2HD")
            ],
        ),
    )
    with hand_built.session() as s:
        services.add_service(
            s,
            ADMIN,
            ref,
            services.ServiceInput(
                services.ServiceKind.DOMAIN_REGISTRATION,
                long_domain,
                plan="P" * 120,
                operators=["Fasthosts"],
                registrant_name="Zoë " + "Q" * 150,
                registrant_email=f"{LONG_LOCAL}@{long_domain}",
            ),
        )
        services.add_invoice(
            s,
            ADMIN,
            ref,
            services.InvoiceInput("INV-" + "9" * 36, date(2026, 1, 5), 123456789, billed_name="N" * 200),
        )
    return ref


def _text_runs(pdf: bytes) -> Iterator[tuple[int, str, float, float, float]]:
    """(page, text, x where it starts, x where it ends, page width) of every piece of text drawn."""
    theme.register_fonts()
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        width = float(page.mediabox.width)
        runs: list[tuple[str, float, float]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, runs: list[Any] = runs) -> None:
            if not text.strip() or font is None:
                return
            name = str(font.get("/BaseFont", "")).split("+")[-1]
            font_name = theme.FONT_BOLD if "Bold" in name else theme.FONT
            scale = float(tm[0]) * float(cm[0])
            x = float(tm[4]) * float(cm[0]) + float(cm[4])
            runs.append((text, x, x + stringWidth(text.strip(), font_name, size) * scale))

        page.extract_text(visitor_text=visit)
        for text, start, end in runs:
            yield number, text, start, end, width


def test_extremely_long_values_wrap_inside_the_page(hand_built: HandBuilt, long_client: str) -> None:
    for for_post in (True, False):
        _data, pdf = _report(hand_built, long_client, for_post=for_post)
        text = pdf_text(pdf)
        for value in (LONG_WORD, "L" * 200, "Q" * 150, LONG_LOCAL, "a" * 60 + ".", "N" * 200, "£1,234,567.89"):
            assert _has(text, value), value[:20]
        right_edge = theme.A4[0] - theme.MARGIN + 1.5  # reportlab lets a paragraph line run ~1 pt over
        runs = list(_text_runs(pdf))
        assert runs
        overflowing = [(page, text[:30], end) for page, text, start, end, width in runs if end > right_edge]
        assert not overflowing
        assert all(start >= theme.MARGIN - 1 for _p, _t, start, _e, _w in runs)


def test_table_headers_repeat_on_every_page_a_table_spans(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        for i in range(120):
            services.add_invoice(
                s, ADMIN, hand_built.zoe, services.InvoiceInput(f"INV-9{i:03d}", date(2025, 1, 1), 100, billed_name="Z")
            )
    _data, pdf = _report(hand_built, hand_built.zoe)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    with_invoices = [p for p in pages if "INV-9" in p]
    assert len(with_invoices) >= 3
    assert all("Name on the invoice" in p and "Address on the invoice" in p for p in with_invoices)


def test_report_passes_qpdf_check(zoe: Report, tmp_path: Path) -> None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        if os.environ.get("CI"):
            pytest.fail("qpdf is needed (Debian package qpdf)")
        pytest.skip("qpdf is not installed")
    target = tmp_path / "report.pdf"
    target.write_bytes(zoe.pdf)
    result = subprocess.run([qpdf, "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pdf_properties_name_the_report(zoe: Report) -> None:
    meta = PdfReader(io.BytesIO(zoe.pdf)).metadata
    assert meta is not None
    assert meta.title == "Your personal data: Zoë Łukasiewicz-Öztürk"
    assert meta.author == "Pemberton Quill Hosting Ltd"


# -- the machine-readable copy --------------------------------------------------------------------------------------


def test_embedded_json_and_csv_are_the_portable_copy(zoe: Report) -> None:
    data, pdf = zoe.data, zoe.pdf
    json_bytes, csv_bytes = portable_copy(data)
    attached = {name: content for name, content in PdfReader(io.BytesIO(pdf)).attachments.items()}
    assert attached == {data.json_filename: [json_bytes], data.csv_filename: [csv_bytes]}
    assert data.json_filename == f"data-report-{data.client_ref}.json"

    document = json.loads(json_bytes.decode("utf-8"))
    assert document["format"] == "hartdesk-subject-data/1"
    assert document["subject"] == "Zoë Łukasiewicz-Öztürk"
    sections = {s["key"]: s["records"] for s in document["sections"]}
    assert sections["details"][0]["name"] == "Zoë Łukasiewicz-Öztürk"
    assert sections["contacts"][0]["emails"] == "zoe@lukasiewicz.example"
    assert {i["number"]: i["amount_gbp"] for i in sections["invoices"]} == {"INV-1": "12.00", "INV-2": "12.00"}
    assert {i["issued_on"] for i in sections["invoices"]} == {"2024-03-31", "2024-04-01"}

    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # so Excel reads the accents
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[0] == ["section", "record", "field", "value"]
    assert ["details", "1", "name", "Zoë Łukasiewicz-Öztürk"] in rows
    assert ["domain_registrants", "1", "domain", "lukasiewicz.example"] in rows
    # Every value of the JSON is in the CSV, one per line.
    assert len(rows) - 1 == sum(len(r) for records in sections.values() for r in records)


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(hand_built: HandBuilt) -> None:
    ref = _new_client(hand_built, ClientInput(name='=HYPERLINK("http://evil.example")', notes="+44 calls only"))
    data, _pdf = _report(hand_built, ref, for_post=False)
    json_bytes, csv_bytes = portable_copy(data)
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert ["details", "1", "name", '\'=HYPERLINK("http://evil.example")'] in rows
    assert ["details", "1", "notes", "'+44 calls only"] in rows
    assert json.loads(json_bytes)["sections"][0]["records"][0]["name"] == '=HYPERLINK("http://evil.example")'


def test_embed_files_replaces_a_file_of_the_same_name(zoe: Report) -> None:
    pdf = embed_files(zoe.pdf, [("notes.txt", "première".encode(), "text/plain")])
    pdf = embed_files(pdf, [("notes.txt", b"second", "text/plain")])
    files = attached_files(pdf)
    assert files["notes.txt"] == b"second"
    assert len(files) == 3
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(PdfReader(io.BytesIO(zoe.pdf)).pages)


# -- whom the report is about ---------------------------------------------------------------------------------------


def test_requests_are_listed_with_their_timeline_but_not_other_peoples_details(hand_built: HandBuilt) -> None:
    own = _log(
        hand_built,
        requester_name="Zoë Łukasiewicz-Öztürk",
        requester_email="zoe@lukasiewicz.example",
        client_ref=hand_built.zoe,
        subject="Please send me my data",
    )
    by_solicitor = _log(
        hand_built,
        kind=RequestType.RECTIFICATION,
        channel=RequestChannel.POST,
        requester_name="Quentin Blackwood-Smythe",
        requester_address="Blackwood Solicitors, 9 Lemon Street, Truro",
        client_ref=hand_built.zoe,
        subject="On behalf of our client",
    )
    processor = _log(
        hand_built,
        requester_name="Shopper Person",
        requester_email="shopper@example.net",
        role=RequestRole.PROCESSOR,
        controller_client_ref=hand_built.zoe,
        subject="Delete my account on your client's shop",
    )
    acmes = _log(hand_built, requester_name="Ñoño Đorđević", client_ref=hand_built.acme, subject="Acme's own")

    data, pdf = _report(hand_built, hand_built.zoe, request_ref=own)
    text = pdf_text(pdf)
    assert own in text and by_solicitor in text
    assert processor not in text and acmes not in text
    assert "Shopper" not in text and "Acme's own" not in text
    assert "Quentin" not in text and "Blackwood" not in text
    assert _has(text, "Someone else (their details are left out)")
    assert _has(text, "Please send me my data") and _has(text, "request received by email: Please send me my data")
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Thank you for your request of 2 November 2026" in first and own in first
    json_text = portable_copy(data)[0].decode("utf-8")
    assert "Quentin" not in json_text and "Shopper" not in json_text


def test_documents_sent_to_the_client_are_listed_but_not_notices_to_operators(
    hand_built: HandBuilt, zoe: Report
) -> None:
    from hartdesk.models.enums import Delivery, DocumentKind, LetterKind
    from hartdesk.register import documents

    with hand_built.session() as s:
        sent = documents.record_issued(
            s, ADMIN, kind=DocumentKind.DATA_REPORT, title="Data report for Zoë", pdf=zoe.pdf, client_ref=hand_built.zoe
        )
        documents.record_delivery(s, ADMIN, sent, Delivery.EMAIL_SENT, "zoe@lukasiewicz.example")
        documents.record_issued(
            s,
            ADMIN,
            kind=DocumentKind.LETTER,
            letter_kind=LetterKind.OPERATOR_NOTICE,
            title="Notice of erasure to Fasthosts",
            pdf=zoe.pdf,
            client_ref=hand_built.zoe,
            operator_id=hand_built.fasthosts,
        )
    data, pdf = _report(hand_built, hand_built.zoe)
    text = pdf_text(pdf)
    assert _has(text, "Data report for Zoë") and _has(text, "Sent by email")
    assert "Notice of erasure" not in text
    records = {s["key"]: s["records"] for s in json.loads(portable_copy(data)[0])["sections"]}["documents"]
    assert [(r["title"], r["sent_to"]) for r in records] == [("Data report for Zoë", "zoe@lukasiewicz.example")]


def test_a_request_of_another_client_is_refused(hand_built: HandBuilt) -> None:
    acmes = _log(hand_built, requester_name="Ñoño Đorđević", client_ref=hand_built.acme)
    with pytest.raises(ValidationError, match="not about"):
        _report(hand_built, hand_built.zoe, request_ref=acmes)


def test_report_for_a_contact_is_about_that_person(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        contact_id = s.scalar(select(Contact.id).where(Contact.name == "Ñoño Đorđević"))
    data, pdf = _report(hand_built, hand_built.acme, contact_id=contact_id)
    text = pdf_text(pdf)
    assert data.subject_name == "Ñoño Đorđević"
    assert data.addressee.address_lines[0] == "Acme Widgets Ltd"  # care of the client's address
    assert "Dear Ñoño Đorđević," in text
    for value in ("nono@acme.example", "+33 1 23 45 67 89", "Director", f"Acme Widgets Ltd ({hand_built.acme})"):
        assert _has(text, value), value
    assert data.json_filename == f"data-report-{hand_built.acme}-contact-{contact_id}.json"
    assert {k.name for k in data.kinds} == {"Identity", "Contact details"}


def test_a_contact_of_another_client_is_not_found(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        contact_id = s.scalar(select(Contact.id).where(Contact.name == "Ñoño Đorđević"))
    with pytest.raises(NotFoundError, match="no contact"):
        _report(hand_built, hand_built.zoe, contact_id=contact_id)


# -- what stops a report --------------------------------------------------------------------------------------------


def test_missing_agency_details_name_what_to_fill_in(hand_built: HandBuilt) -> None:
    settings = _settings(hand_built, agency_name="", agency_ico_number=" ")
    with pytest.raises(ValidationError) as caught:
        _report(hand_built, hand_built.zoe, settings=settings)
    assert "Settings" in caught.value.message
    assert settings_mod.label("agency_name") in caught.value.message
    assert settings_mod.label("agency_ico_number") in caught.value.message
    assert settings_mod.label("agency_email") not in caught.value.message


def test_a_report_without_the_icos_contact_details_is_refused(hand_built: HandBuilt) -> None:
    with pytest.raises(ValidationError, match=settings_mod.label("ico_contact")):
        _report(hand_built, hand_built.zoe, settings=_settings(hand_built).with_changes(ico_contact="  "))


def test_a_report_for_post_needs_an_address_but_one_for_email_does_not(hand_built: HandBuilt) -> None:
    with pytest.raises(ValidationError, match="no postal or billing address"):
        _report(hand_built, hand_built.closed)
    data, pdf = _report(hand_built, hand_built.closed, for_post=False)
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Søren Ærø" in first
    assert data.addressee.address_lines == ()


def test_an_unknown_placeholder_in_the_agencys_wording_names_file_and_line(zoe: Report, tmp_path: Path) -> None:
    original = (paths.resources_dir() / "wording" / "data_report_rights.txt").read_text(encoding="utf-8")
    lines = original.splitlines()
    lines.insert(10, "Write to our {data_protection_officer}.")
    (tmp_path / "data_report_rights.txt").write_text("\n".join(lines), encoding="utf-8")
    data = replace(zoe.data, wording_folder=str(tmp_path))
    with pytest.raises(WordingError, match=r"data_report_rights\.txt line 11: unknown placeholder "):
        render_data_report(data, True)


def test_the_agencys_own_wording_is_used(zoe: Report, tmp_path: Path) -> None:
    (tmp_path / "data_report_automated.txt").write_text(
        "# Decisions made by computers\n\nNone at {agency_name}.\n", encoding="utf-8"
    )
    pdf = render_data_report(replace(zoe.data, wording_folder=str(tmp_path)), True)
    text = pdf_text(pdf)
    assert "Decisions made by computers" in text and "None at Pemberton Quill Hosting Ltd." in text


def test_a_table_row_must_match_its_columns() -> None:
    with pytest.raises(ValueError, match="2 values for 1 columns"):
        DataTable("t", "T", (Column("a", "A"),), (("1", "2"),))
