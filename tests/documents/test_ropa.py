"""The records of processing activities (UK GDPR Art. 30, SPEC.md §5): every required item in each record, read back
from the PDF; the right operators, transfers and controllers from the hand-built register; and the CSV copy."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from hartdesk import settings as settings_mod
from hartdesk.documents.letter import Letterhead
from hartdesk.documents.ropa import (
    CONTROLLER_HEADING,
    CSV_COLUMNS,
    NO_SAFEGUARD,
    PROCESSOR_HEADING,
    UNSAFE_HEADING,
    Agency,
    ControllerClient,
    ControllerRecord,
    ProcessorRecord,
    Recipient,
    RecordCategory,
    RopaData,
    render_ropa,
    ropa_csv,
)
from hartdesk.errors import ValidationError
from hartdesk.models import ClientKind, RecipientCondition, ServiceKind, ServiceStatus, TransferSafeguard
from hartdesk.register import clients, operators, services
from hartdesk.register.clients import ClientInput, ContactInput
from hartdesk.register.ropa_data import ropa_data
from hartdesk.settings import Settings
from tests.conftest import ADMIN, AGENCY_NAME
from tests.pdfs import pdf_text
from tests.register.conftest import TODAY, HandBuilt

CONTACT = "Morwenna Trelawny"
MEASURES = (
    "Encryption: every disk holding client data is encrypted with LUKS (AES-256).\n"
    "Access control: named accounts only, with two-step sign-in.\n"
    "Backups and restore: nightly encrypted backups; a restore is tested every quarter."
)


def _settings(hand_built: HandBuilt, **changes: object) -> Settings:
    with hand_built.session() as s:
        stored = settings_mod.load(s)
    defaults = {
        "agency_contact_name": CONTACT,
        "agency_contact_position": "Director",
        "agency_phone": "01872 555 0199",
        "security_measures": MEASURES,
    }
    return stored.with_changes(**{**defaults, **changes})


def _data(hand_built: HandBuilt, **changes: object) -> RopaData:
    with hand_built.session() as s:
        return ropa_data(s, _settings(hand_built, **changes), TODAY)


def _folded(pdf: bytes) -> str:
    """The PDF's text with runs of white space folded, so a phrase that wraps still matches."""
    return " ".join(pdf_text(pdf).split())


def _parts(pdf: bytes) -> tuple[str, str]:
    """(the controller record, the processor record) as text."""
    text = _folded(pdf)
    start, middle = text.index(CONTROLLER_HEADING), text.index(PROCESSOR_HEADING)
    return text[start:middle], text[middle:]


def _rows(csv_bytes: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"), newline="")))


@pytest.fixture
def records(hand_built: HandBuilt) -> tuple[str, str]:
    return _parts(render_ropa(_data(hand_built)))


# -- the controller record (Art. 30(1)) -------------------------------------------------------------------------------


def test_the_controller_record_names_the_controller_its_contact_and_says_there_is_no_dpo(
    records: tuple[str, str],
) -> None:
    controller, _ = records
    for item in (
        AGENCY_NAME,
        "17 Wexcombe Mews Truro TR1 9QZ",
        "privacy@pemberton.example",
        "01872 555 0199",
        "ICO registration Z1234567",
        f"Data protection contact {CONTACT}, Director",
        f"Data protection officer (DPO) No data protection officer appointed; contact: {CONTACT}, Director",
    ):
        assert item in controller, item


def test_each_purpose_has_its_basis_subjects_data_recipients_transfers_and_erasure_limit(
    records: tuple[str, str],
) -> None:
    controller, _ = records
    for label in (
        "Purposes of the processing",
        "Lawful basis",
        "Categories of data subjects",
        "Categories of personal data",
        "Recipients",
        "Transfers outside the UK",
        "Erasure time limits",
        "Categories of recipients",
        "Transfers outside the UK and their safeguards",
        "Security measures (Art. 32)",
    ):
        assert label in controller, label
    # The register's own purposes, bases and time limits, in plain words.
    assert "To register and renew the client's domain names." in controller
    assert "To bill the client and keep the accounting records the law requires." in controller
    assert "Legal obligation (Art. 6(1)(c))" in controller
    assert "Domain registrant: While the service lasts, then 12 months" in controller
    assert "Billing: 6 years after the end of the financial year of the last invoice" in controller
    assert "Technical logs: Each record is deleted 90 days after it is made" in controller
    # The subjects follow from the categories: clients of both kinds, and registrants through domain registration.
    assert "Clients who are individuals" in controller
    assert "Contacts at client organisations" in controller
    assert "Domain registrants" in controller
    assert "Visitors to clients’ websites" in controller  # technical logs are held through web hosting
    # Time limits of the register beyond the categories, from the settings.
    assert "Closed clients: erased 24 months after the account closed" in controller
    assert "none is kept longer than 30 days" in controller
    for measure in MEASURES.splitlines():
        assert measure in controller, measure


def test_the_controller_record_shows_each_operator_and_where_the_data_goes(hand_built: HandBuilt) -> None:
    data = _data(hand_built)
    controller, _ = _parts(render_ropa(data))
    recipients = {r.name: r for r in data.controller.recipients}
    assert set(recipients) == {"Fasthosts", "GoDaddy", "Mailchimp"}
    assert not recipients["Fasthosts"].outside_uk
    assert "GoDaddy: United States — UK adequacy regulations" in controller
    assert "Mailchimp: United States — UK addendum to the EU standard contractual clauses" in controller
    assert "Fasthosts:" not in controller  # processed in the UK: not a transfer
    assert "Not a transfer (processed in the UK)" in controller
    registrant = next(p for p in data.controller.purposes if any(c.code == "domain_registrant" for c in p.categories))
    assert [r.name for r in registrant.recipients] == ["Fasthosts", "GoDaddy"]
    assert [r.name for r in registrant.transfers] == ["GoDaddy"]


def test_data_sent_only_with_marketing_consent_is_a_purpose_of_its_own(hand_built: HandBuilt) -> None:
    data = _data(hand_built)
    newsletter = next(p for p in data.controller.purposes if p.consent)
    assert newsletter.purpose == "Sending our newsletter"
    assert newsletter.lawful_bases == ("Consent (Art. 6(1)(a))",)
    assert [r.name for r in newsletter.recipients] == ["Mailchimp"]
    assert [c.code for c in newsletter.categories] == ["contact"]
    assert any("subscribers" in s for s in newsletter.data_subjects)
    contact = next(p for p in data.controller.purposes if not p.consent and p.categories[0].code == "contact")
    assert "Mailchimp" not in [r.name for r in contact.recipients]  # only those who consented reach Mailchimp


# -- the processor record (Art. 30(2)) --------------------------------------------------------------------------------


def test_the_processor_record_names_the_processor_and_has_every_item(records: tuple[str, str]) -> None:
    _, processor = records
    for item in (
        PROCESSOR_HEADING,
        f"Processor {AGENCY_NAME}",
        "ICO registration Z1234567",
        f"No data protection officer appointed; contact: {CONTACT}",
        "Categories of processing",
        "The controllers we act for",
        "Sub-processors",
        "Transfers outside the UK and their safeguards",
        "Security measures (Art. 32)",
        "Hosted content (as processor)",
        "Storing the website files and databases on servers",  # what the agency does for web hosting
    ):
        assert item in processor, item
    for measure in MEASURES.splitlines():
        assert measure in processor, measure


def test_each_controller_with_a_current_service_is_listed_with_what_is_done_for_it(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        s3 = operators.create_operator(
            s, ADMIN, operators.OperatorInput("Amazon S3", "Backup storage", "IE", TransferSafeguard.UK_ADEQUACY)
        )
        operators.add_rule(s, ADMIN, s3, "hosted_content", ServiceKind.BACKUPS, purpose="Storing backups")
        current = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                "Kernow Bakes Ltd", contacts=[ContactInput("Jenna Pascoe", "Owner", ["jenna@kernow.example"], [])]
            ),
        )
        services.add_service(
            s, ADMIN, current, services.ServiceInput(ServiceKind.BACKUPS, "Nightly", operators=["Amazon S3"])
        )
        ended = clients.create_client(s, ADMIN, ClientInput("Gone Away Gifts Ltd"))
        services.add_service(
            s,
            ADMIN,
            ended,
            services.ServiceInput(
                ServiceKind.WEB_HOSTING,
                "gone-away.example",
                status=ServiceStatus.ENDED,
                start_date=date(2022, 1, 1),
                end_date=date(2026, 10, 1),
                operators=["Fasthosts"],
            ),
        )
    data = _data(hand_built)
    controllers = {c.ref: c for c in data.processor.controllers}
    # Acme has no services, the closed client's domain ended, and a domain is not processed for the client.
    assert list(controllers) == [hand_built.zoe, current]
    zoe = controllers[hand_built.zoe]
    assert zoe.services == (("Web hosting", ("lukasiewicz.example",)),)
    assert zoe.categories == ("hosted_content",) and zoe.subprocessors == ("Fasthosts",)
    assert controllers[current].subprocessors == ("Amazon S3",)
    assert controllers[current].contact == ("Jenna Pascoe", "jenna@kernow.example")
    assert [(a.service, a.controllers) for a in data.processor.activities] == [("Web hosting", 1), ("Backups", 1)]

    _, processor = _parts(render_ropa(data))
    assert f"{hand_built.zoe} Zoë Łukasiewicz-Öztürk" in processor
    assert f"{current} Kernow Bakes Ltd" in processor and "jenna@kernow.example" in processor
    assert "Gone Away Gifts" not in processor and "Søren Ærø" not in processor and "Acme" not in processor
    assert "Amazon S3: Ireland — UK adequacy regulations" in processor
    assert "None: all the sub-processors" not in processor
    assert "GoDaddy" not in processor and "Mailchimp" not in processor  # the agency's own recipients only


def test_a_processor_record_without_transfers_says_so(records: tuple[str, str]) -> None:
    _, processor = records
    assert "None: all the sub-processors process the data in the United Kingdom." in processor


# -- flags and safety -------------------------------------------------------------------------------------------------


def test_a_transfer_without_a_safeguard_is_flagged_loudly(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        cheap = operators.create_operator(
            s, ADMIN, operators.OperatorInput("CheapDomains", "Domain registrar", "BR", TransferSafeguard.NONE)
        )
        operators.add_rule(s, ADMIN, cheap, "domain_registrant", ServiceKind.DOMAIN_REGISTRATION)
    data = _data(hand_built)
    assert [r.name for r in data.unprotected] == ["CheapDomains"]
    pdf = render_ropa(data)
    text = _folded(pdf)
    assert UNSAFE_HEADING in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "CheapDomains receives personal data in Brazil with no transfer safeguard" in text
    assert f"CheapDomains: Brazil — {NO_SAFEGUARD}" in text
    flagged = [row for row in _rows(ropa_csv(data)) if "CheapDomains" in row["recipients"]]
    assert flagged and all(f"CheapDomains: Brazil, {NO_SAFEGUARD}" in row["transfers_outside_uk"] for row in flagged)


def test_no_notice_when_every_transfer_has_a_safeguard(hand_built: HandBuilt) -> None:
    assert UNSAFE_HEADING not in _folded(render_ropa(_data(hand_built)))


def test_register_text_is_printed_literally_never_as_markup(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        host = operators.create_operator(
            s,
            ADMIN,
            operators.OperatorInput("Host <b>x</b> & Co", "Servers & <i>racks</i>", "DE", TransferSafeguard.IDTA),
        )
        operators.add_rule(s, ADMIN, host, "support", None, RecipientCondition.ALWAYS, "Help <br/> desk & more")
    text = _folded(render_ropa(_data(hand_built, agency_contact_name="Ann <i>O</i>’Neill & co")))
    for literal in ("Host <b>x</b> & Co", "Servers & <i>racks</i>", "Help <br/> desk & more", "Ann <i>O</i>’Neill"):
        assert literal in text, literal


def test_missing_agency_settings_are_named(hand_built: HandBuilt) -> None:
    with hand_built.session() as s, pytest.raises(ValidationError) as caught:
        ropa_data(s, Settings(), TODAY)
    assert "Agency name" in str(caught.value) and "ICO registration number" in str(caught.value)


def test_without_a_contact_person_the_dpo_line_gives_the_agencys_email(hand_built: HandBuilt) -> None:
    data = _data(hand_built, agency_contact_name="", agency_contact_position="", agency_phone="")
    assert data.agency.dpo == "No data protection officer appointed; contact: privacy@pemberton.example"
    assert "Not named (see Settings)" in _folded(render_ropa(data))


def test_an_empty_register_still_makes_both_records(signed_in_admin: Any) -> None:
    with signed_in_admin.register.session() as s:
        data = ropa_data(s, settings_mod.load(s), TODAY)
    controller, processor = _parts(render_ropa(data))
    assert "None outside the agency" in controller  # no operator receives anything yet
    assert "None: no client has a current service whose data we process." in processor
    assert _rows(ropa_csv(data))  # the controller's categories are still recorded


# -- the CSV ---------------------------------------------------------------------------------------------------------


def test_the_csv_has_the_documented_columns_and_the_same_operators(hand_built: HandBuilt) -> None:
    data = _data(hand_built)
    raw = ropa_csv(data)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = _rows(raw)
    assert tuple(rows[0]) == CSV_COLUMNS
    for column in CSV_COLUMNS:
        assert f"``{column}``" in (ropa_csv.__doc__ or ""), column  # every column is documented
    controller = [r for r in rows if r["record"] == "controller"]
    processor = [r for r in rows if r["record"] == "processor"]
    named = {part.split(" (")[0] for r in controller for part in r["recipients"].split("; ") if part}
    assert named == {r.name for r in data.controller.recipients} == {"Fasthosts", "GoDaddy", "Mailchimp"}
    registrant = next(r for r in controller if r["category_code"] == "domain_registrant")
    assert registrant["recipients"] == "Fasthosts (United Kingdom); GoDaddy (United States)"
    assert registrant["transfers_outside_uk"] == "GoDaddy: United States, UK adequacy regulations"
    assert registrant["erasure_time_limit"] == "While the service lasts, then 12 months"
    assert registrant["controller"] == AGENCY_NAME and registrant["controller_ref"] == ""
    newsletter = next(r for r in controller if r["purpose"] == "Sending our newsletter")
    assert newsletter["lawful_basis"] == "Consent (Art. 6(1)(a))"
    assert [(r["controller_ref"], r["category_code"], r["services"], r["recipients"]) for r in processor] == [
        (hand_built.zoe, "hosted_content", "Web hosting: lukasiewicz.example", "Fasthosts (United Kingdom)")
    ]
    assert processor[0]["controller"] == "Zoë Łukasiewicz-Öztürk"


def test_a_cell_a_spreadsheet_would_run_is_neutralised(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        evil = operators.create_operator(
            s, ADMIN, operators.OperatorInput("=HYPERLINK(1)", "Billing", "GB", TransferSafeguard.NOT_RESTRICTED)
        )
        operators.add_rule(s, ADMIN, evil, "billing", None, purpose="Accounts")
        ref = clients.create_client(s, ADMIN, ClientInput("+44 Widgets", kind=ClientKind.ORGANISATION))
        services.add_service(
            s, ADMIN, ref, services.ServiceInput(ServiceKind.WEB_HOSTING, "plus.example", operators=["Fasthosts"])
        )
    rows = _rows(ropa_csv(_data(hand_built)))
    billing = next(r for r in rows if r["category_code"] == "billing")
    assert billing["recipients"] == "'=HYPERLINK(1) (United Kingdom)"
    assert next(r for r in rows if r["controller_ref"] == ref)["controller"] == "'+44 Widgets"


# -- the PDF itself --------------------------------------------------------------------------------------------------


def test_the_pdf_has_page_numbers_and_passes_qpdf_check(hand_built: HandBuilt, tmp_path: Path) -> None:
    pdf = render_ropa(_data(hand_built))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert "version 2026-11-21" in _folded(pdf) and "As at 21 November 2026" in _folded(pdf)
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        if os.environ.get("CI"):
            pytest.fail("qpdf is needed (Debian package qpdf)")
        pytest.skip("qpdf is not installed (Debian package qpdf)")
    target = tmp_path / "ropa.pdf"
    target.write_bytes(pdf)
    result = subprocess.run([qpdf, "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _big(controllers: int, domains: int) -> RopaData:
    """Records far larger than the hand-built register: the controllers' table spans pages and keeps its header."""
    hosting = RecordCategory("hosted_content", "Hosted content", "Websites", "As processor", "Client", "1 month")
    operator = Recipient(
        "Fasthosts", "Hosting", "United Kingdom", False, "Not needed", False, "Signed", ("Hosted content",), (), ()
    )
    agency = Agency(AGENCY_NAME, ("17 Wexcombe Mews",), "privacy@pemberton.example", "", "Z1234567", "", "", "No DPO")
    return RopaData(
        agency=agency,
        letterhead=Letterhead(AGENCY_NAME, "17 Wexcombe Mews", "privacy@pemberton.example"),
        dated=TODAY,
        version=TODAY.isoformat(),
        produced_by="hartdesk test",
        controller=ControllerRecord((), (), (), ()),
        processor=ProcessorRecord(
            categories=(hosting,),
            activities=(),
            controllers=tuple(
                ControllerClient(
                    f"C-{n:05d}",
                    f"Client {n}",
                    "Active",
                    (),
                    (("Web hosting", tuple(f"site-{n}-{d:03d}.example" for d in range(domains))),),
                    ("hosted_content",),
                    ("Fasthosts",),
                )
                for n in range(1, controllers + 1)
            ),
            subprocessors=(operator,),
            measures=(),
        ),
    )


def test_a_long_controllers_table_repeats_its_header_once_per_page() -> None:
    data = _big(controllers=150, domains=300)
    pdf = render_ropa(data)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    header = "Controller Services (categories of processing) Personal data Sub-processors"
    holding = [page for page in pages if "C-00" in page]
    assert len(holding) >= 3 and all(page.count(header) == 1 for page in holding)
    text = " ".join(pages)
    assert all(f"C-{n:05d} Client {n}" in text for n in range(1, 151))
    assert "and 295 more" in text  # a client's row stays shorter than a page; the CSV names every service
    assert "site-7-299.example" in ropa_csv(data).decode("utf-8-sig")
