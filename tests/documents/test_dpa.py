"""The data processing agreement: every Art. 28(3) term and clause (a)–(h), annexes filled from the register for the
right client, the settings it depends on, and a PDF that real tools accept."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from hartdesk import settings as settings_mod
from hartdesk.documents import dpa as dpa_mod
from hartdesk.documents.dpa import DpaData, Party, ProcessingDescription, SubProcessor, render_dpa
from hartdesk.documents.letter import Addressee, Letterhead
from hartdesk.documents.wording import WordingError
from hartdesk.errors import ValidationError
from hartdesk.models import AddressKind, ServiceKind, TransferSafeguard
from hartdesk.register import clients, operators, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from hartdesk.register.dpa_data import dpa_data
from hartdesk.settings import Settings
from tests.conftest import ADMIN, AGENCY_NAME
from tests.register.conftest import TODAY, HandBuilt

SIGNATORY = "Morwenna Trelawny"
MEASURES = (
    "Encryption: every disk holding client data is encrypted with LUKS (AES-256).\n"
    "Access control: named accounts only, with two-step sign-in.\n"
    "Backups and restore: nightly encrypted backups; a restore is tested every quarter."
)
HOSTILE = "Smith & <Sons> <para> <b>x</b>"


def _settings(hand_built: HandBuilt, **changes: object) -> Settings:
    with hand_built.session() as s:
        stored = settings_mod.load(s)
    defaults = {"agency_contact_name": SIGNATORY, "agency_contact_position": "Director", "security_measures": MEASURES}
    return stored.with_changes(**{**defaults, **changes})


def _pdf(hand_built: HandBuilt, ref: str, settings: Settings, today: date = TODAY) -> bytes:
    with hand_built.session() as s:
        return render_dpa(dpa_data(s, ref, settings, today))


def _pages(pdf: bytes) -> list[str]:
    """Each page's text with runs of white space folded, so a phrase that wraps still matches."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return " ".join(_pages(pdf))


def _annex(text: str, number: str) -> str:
    """The text of one annex, from its heading to the next annex's."""
    headings = {
        "I": "Annex I — List of parties",
        "II": "Annex II — Description of the processing",
        "III": "Annex III — Technical and organisational measures",
        "IV": "Annex IV — List of sub-processors",
    }
    start = text.rindex(headings[number])
    following = [text.rindex(h) for n, h in headings.items() if text.rindex(h) > start]
    return text[start : min(following, default=len(text))]


@pytest.fixture
def zoe(hand_built: HandBuilt) -> str:
    return _text(_pdf(hand_built, hand_built.zoe, _settings(hand_built)))


# -- what the agreement says -----------------------------------------------------------------------------------------


def test_every_processor_obligation_a_to_h_is_in_the_agreement(zoe: str) -> None:
    clause = zoe[zoe.index("7. The processor’s obligations") : zoe.index("8. Transfers outside the United Kingdom")]
    expected = {
        "(a)": ["only on documented instructions from the controller", "transfers of personal data to a country"],
        "(b)": ["committed themselves to confidentiality", "statutory obligation of confidentiality"],
        "(c)": ["measures required by Article 32 of the UK GDPR", "Annex III"],
        "(d)": [
            "prior general written authorisation",
            "at least 30 days in advance of any intended addition or replacement of a sub-processor",
            "The controller may object to the change",
            "the same data protection obligations as this agreement sets out",
            "remains fully liable to the controller",
        ],
        "(e)": ["requests from data subjects to exercise their rights under Chapter III"],
        "(f)": [
            "Articles 32 to 36",
            "notifying personal data breaches",
            "data protection impact assessments",
            "prior consultation with the Information Commissioner",
        ],
        "(g)": ["at the controller’s choice, delete all the personal data or return it", "unless UK law requires"],
        "(h)": ["all the information necessary to demonstrate compliance", "audits, including inspections"],
    }
    positions = []
    for letter, phrases in expected.items():
        at = clause.index(letter)
        positions.append(at)
        for phrase in phrases:
            assert phrase in clause[at:], f"clause 7.1{letter} lacks “{phrase}”"
    assert positions == sorted(positions)  # (a) to (h) in order
    assert "inform the controller immediately if, in its opinion, an instruction infringes" in clause


def test_the_article_28_3_terms_are_all_stated(zoe: str) -> None:
    for phrase in (
        "4. Subject matter and duration of the processing",
        "Subject matter: the personal data",
        "Duration: the processing lasts for as long as",
        "5. Nature and purpose of the processing; types of personal data; categories of data subjects",
        "6. The controller’s obligations and rights",
        "The controller has the right",
        "7. The processor’s obligations",
    ):
        assert phrase in zoe
    clauses = re.findall(r"\b(\d{1,2})\.1 ", zoe[zoe.index("Section I") : zoe.index("Annex I — List of parties")])
    assert clauses == [str(n) for n in range(1, 12)]  # numbered 1.1 … 11.1, none skipped


def test_the_notice_of_new_sub_processors_comes_from_the_settings(hand_built: HandBuilt) -> None:
    text = _text(_pdf(hand_built, hand_built.zoe, _settings(hand_built, subprocessor_notice_days=45)))
    assert "at least 45 days in advance of any intended addition" in text
    assert "at least 45 days’ notice in writing" in _annex(text, "IV")
    assert "30 days" not in text


def test_title_carries_the_version_and_date_from_the_settings(hand_built: HandBuilt) -> None:
    pdf = _pdf(hand_built, hand_built.zoe, _settings(hand_built, dpa_version="2026.2"))
    pages = _pages(pdf)
    assert "Data processing agreement Version 2026.2, dated 21 November 2026" in pages[1]
    assert "version 2026.2" in pages[0]  # the reference beside the window
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None and meta.title is not None
    assert meta.title == "Data processing agreement: Zoë Łukasiewicz-Öztürk"
    assert meta.author == AGENCY_NAME
    assert "version 2026.2" in str(meta.get("/Keywords"))


def test_cover_letter_goes_to_the_client_and_asks_for_a_signed_copy(hand_built: HandBuilt) -> None:
    cover = _pages(_pdf(hand_built, hand_built.zoe, _settings(hand_built)))[0]
    for expected in (
        "Zoë Łukasiewicz-Öztürk 4 Quay Street Truro TR1 2HD",  # the window, postcode written the Royal Mail way
        "Dear Zoë Łukasiewicz-Öztürk,",
        "Annex IV, the sub-processors we use for your data",
        "send a signed copy back to us",
        "privacy@pemberton.example",
        f"{SIGNATORY} Director, {AGENCY_NAME}",
        "C-",
    ):
        assert expected in cover
    assert "7.1" not in cover  # the agreement starts on a page of its own


def test_a_restricted_clients_agreement_says_so_in_a_box_on_the_cover(hand_built: HandBuilt) -> None:
    from hartdesk.models.enums import IdentityMethod, RequestChannel, RequestType
    from hartdesk.privacy import requests as rq
    from hartdesk.privacy import rights

    settings = _settings(hand_built)
    before = _text(_pdf(hand_built, hand_built.zoe, settings))
    with hand_built.session() as s:
        ref = rq.log_request(
            s,
            ADMIN,
            rq.RequestInput(
                RequestType.RESTRICTION,
                RequestChannel.POST,
                date(2026, 11, 2),
                "Zoë Łukasiewicz-Öztürk",
                client_ref=hand_built.zoe,
                identity_verified=True,
                identity_method=IdentityMethod.DOCUMENT,
            ),
            settings,
            TODAY,
        ).ref
        rights.restrict(s, ADMIN, ref, settings, TODAY)
    cover = _pages(_pdf(hand_built, hand_built.zoe, settings))[0]
    sentence = (
        f"Restricted since 21 November 2026 under request {ref}: the data is only stored, not used for anything "
        "else (UK GDPR Art. 18)."
    )
    assert f"Restriction of processing {sentence}" in cover
    assert cover.index(sentence) < cover.index("Dear Zoë Łukasiewicz-Öztürk,")
    assert "Restriction of processing" not in before and "UK GDPR Art. 18" not in before


# -- the annexes -----------------------------------------------------------------------------------------------------


def test_annex_i_lists_both_parties_with_a_place_to_sign_on_one_page(hand_built: HandBuilt) -> None:
    pages = _pages(_pdf(hand_built, hand_built.zoe, _settings(hand_built)))
    page = next(p for p in pages if "Annex I — List of parties" in p)
    annex = page[page.index("Annex I — List of parties") :]
    for expected in (
        "1. The controller",
        "2. The processor",
        "Zoë Łukasiewicz-Öztürk",
        "4 Quay Street",
        "zoe@lukasiewicz.example",
        AGENCY_NAME,
        "17 Wexcombe Mews",
        "privacy@pemberton.example",
        SIGNATORY,
        "Director",
        "ICO registration Z1234567",
        "Signed for the controller",
        "Signed for the processor",
        "Signature",
        "Date",
    ):
        assert expected in annex, expected


def test_annex_ii_describes_the_processing_for_the_clients_services(zoe: str) -> None:
    annex = _annex(zoe, "II")
    for expected in (
        "Services covered",
        "Web hosting: lukasiewicz.example",
        "Categories of data subjects",
        "visitors to the controller’s websites",
        "Categories of personal data",
        "Hosted content (as processor)",
        "Sensitive data None recorded",
        "Nature of the processing",
        "Purposes",
        "To host the client's content on its instructions.",
        "Duration",
        "kept while the service lasts, then 1 month",
    ):
        assert expected in annex, expected
    # The domain registration is the agency's own business with the client, not processing on its behalf.
    assert "Domain registration" not in annex


def test_annex_iii_prints_each_measure_from_the_settings(zoe: str) -> None:
    annex = _annex(zoe, "III")
    for line in MEASURES.splitlines():
        assert line in annex


def test_annex_iv_lists_only_the_operators_processing_this_clients_data(zoe: str) -> None:
    annex = _annex(zoe, "IV")
    header = "Sub-processor Address and country What it does Transfer safeguard"
    assert header in annex
    assert "Fasthosts" in annex
    assert "United Kingdom" in annex and "None needed: the data stays in the United Kingdom." in annex
    assert "Services: Web hosting" in annex
    # Zoë consented to the newsletter, so who-holds-what names Mailchimp; but the newsletter is the agency's own
    # processing, not processing for Zoë, so Mailchimp is no sub-processor here. GoDaddy has none of her services.
    assert "Mailchimp" not in zoe
    assert "GoDaddy" not in zoe


def test_a_restricted_transfer_shows_its_safeguard_in_words(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        operators.add_rule(s, ADMIN, hand_built.godaddy, "hosted_content", ServiceKind.BACKUPS, purpose="Backups")
        services.add_service(
            s, ADMIN, hand_built.zoe, services.ServiceInput(ServiceKind.BACKUPS, "Daily", operators=["GoDaddy"])
        )
    annex = _annex(_text(_pdf(hand_built, hand_built.zoe, _settings(hand_built))), "IV")
    assert "GoDaddy" in annex and "United States" in annex
    assert "UK adequacy regulations cover transfers to United States." in annex


def test_a_client_without_services_gets_an_agreement_that_says_so(hand_built: HandBuilt) -> None:
    pdf = _pdf(hand_built, hand_built.acme, _settings(hand_built))
    text = _text(pdf)
    assert "Acme Widgets Ltd has no service with Pemberton Quill Hosting Ltd" in _annex(text, "II")
    assert "Services covered" not in text
    annex_iv = _annex(text, "IV")
    assert "engages no sub-processor for the controller’s personal data" in annex_iv
    assert "Sub-processor Address and country" not in annex_iv
    cover = _pages(pdf)[0]
    assert "Ñoño Đorđević Acme Widgets Ltd 1 Rue de Rivoli Paris 75001 France" in cover  # for the contact's attention
    assert "Dear Ñoño Đorđević," in cover


def test_register_text_is_printed_literally_never_as_markup(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        host = operators.create_operator(
            s,
            ADMIN,
            operators.OperatorInput(
                "Host <b>x</b> & Co",
                "Servers & <i>racks</i>",
                "GB",
                TransferSafeguard.NOT_RESTRICTED,
                address="<para>1 & 2 Yard</para>",
            ),
        )
        operators.add_rule(
            s, ADMIN, host, "hosted_content", ServiceKind.EMAIL_HOSTING, purpose="Mail <br/> & <font>spam</font>"
        )
        ref = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                HOSTILE,
                contacts=[ContactInput("Ann <i>O</i>’Neill & co", "Owner <u>", ["ann@smith.example"])],
                addresses=[AddressInput(AddressKind.BILLING, "<b>3</b> & Lane", town="Bath", postcode="BA1 1AA")],
            ),
        )
        services.add_service(
            s,
            ADMIN,
            ref,
            services.ServiceInput(ServiceKind.EMAIL_HOSTING, "Mail <25>", operators=["Host <b>x</b> & Co"]),
        )
    text = _text(_pdf(hand_built, ref, _settings(hand_built)))
    for literal in (
        HOSTILE,
        "Ann <i>O</i>’Neill & co",
        "Owner <u>",
        "<b>3</b> & Lane",
        "Host <b>x</b> & Co",
        "Servers & <i>racks</i>",
        "<para>1 & 2 Yard</para>",
        "Mail <br/> & <font>spam</font>",
        "Email hosting: Mail <25>",
    ):
        assert literal in text, literal


# -- what stops a DPA ------------------------------------------------------------------------------------------------


def test_missing_agency_settings_are_named(hand_built: HandBuilt) -> None:
    with hand_built.session() as s, pytest.raises(ValidationError) as caught:
        dpa_data(s, hand_built.zoe, Settings(), TODAY)
    message = str(caught.value)
    for label in (
        "Agency name",
        "Postal address",
        "Contact email",
        "ICO registration number",
        "Person who signs for the agency",
        "Their position",
    ):
        assert f"“{label}”" in message
    assert message.startswith("Fill in ") and message.endswith(" in Settings before a DPA can be produced.")


def test_only_the_missing_contact_is_named_when_the_letterhead_is_complete(hand_built: HandBuilt) -> None:
    settings = _settings(hand_built, agency_contact_position="  ")
    with hand_built.session() as s, pytest.raises(ValidationError) as caught:
        dpa_data(s, hand_built.zoe, settings, TODAY)
    assert str(caught.value) == "Fill in “Their position” in Settings before a DPA can be produced."


def test_an_unknown_placeholder_in_the_agencys_copy_names_file_and_line(hand_built: HandBuilt, tmp_path: Path) -> None:
    original = (dpa_mod.wording.wording_dirs()[-1] / "dpa.txt").read_text(encoding="utf-8")
    lines = original.splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("4.1 "))
    lines[number - 1] += " Signed by {controler_name}."
    (tmp_path / "dpa.txt").write_text("\n".join(lines), encoding="utf-8")
    settings = _settings(hand_built, wording_folder=str(tmp_path))
    with pytest.raises(WordingError) as caught:
        _pdf(hand_built, hand_built.zoe, settings)
    assert f"dpa.txt line {number}: unknown placeholder {{controler_name}}" in str(caught.value)


def test_the_agencys_own_wording_is_used(hand_built: HandBuilt, tmp_path: Path) -> None:
    original = (dpa_mod.wording.wording_dirs()[-1] / "dpa.txt").read_text(encoding="utf-8")
    own = original.replace("# 3. Hierarchy", "# 3. Which agreement wins")
    (tmp_path / "dpa.txt").write_text(own, encoding="utf-8")
    text = _text(_pdf(hand_built, hand_built.zoe, _settings(hand_built, wording_folder=str(tmp_path))))
    assert "3. Which agreement wins" in text and "3. Hierarchy" not in text


def test_an_agreement_without_its_annex_headings_is_refused(hand_built: HandBuilt, tmp_path: Path) -> None:
    original = (dpa_mod.wording.wording_dirs()[-1] / "dpa.txt").read_text(encoding="utf-8")
    (tmp_path / "dpa.txt").write_text(original.replace("# Annex III", "# Appendix III"), encoding="utf-8")
    with pytest.raises(WordingError, match="Annex III"):
        _pdf(hand_built, hand_built.zoe, _settings(hand_built, wording_folder=str(tmp_path)))


# -- the PDF itself --------------------------------------------------------------------------------------------------


def test_the_pdf_passes_qpdf_check(hand_built: HandBuilt, tmp_path: Path) -> None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        if os.environ.get("CI"):
            pytest.fail("qpdf is needed (Debian package qpdf)")
        pytest.skip("qpdf is not installed (Debian package qpdf)")
    target = tmp_path / "dpa.pdf"
    target.write_bytes(_pdf(hand_built, hand_built.zoe, _settings(hand_built)))
    result = subprocess.run([qpdf, "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _big(services_count: int, subprocessors: int) -> DpaData:
    """A DPA made by hand, far larger than any client: tables must split over pages and keep their headers."""
    party = Party("Controller", "Łódź Widgets sp. z o.o.", ("ul. Piotrkowska 1", "Łódź", "Poland"), "Ąda", "", ())
    return DpaData(
        letterhead=Letterhead(AGENCY_NAME, "17 Wexcombe Mews\nTruro\nTR1 9QZ", "privacy@pemberton.example"),
        addressee=Addressee("Łódź Widgets sp. z o.o.", ("ul. Piotrkowska 1", "Łódź", "Poland")),
        controller=party,
        processor=replace(party, role="Processor", name=AGENCY_NAME),
        client_ref="C-00042",
        version="1.0",
        dated=TODAY,
        notice_days=30,
        processing=ProcessingDescription(
            services=("Web hosting: " + ", ".join(f"site-{n:03d}.example" for n in range(services_count)),),
            data_subjects=("Web hosting: visitors",),
            personal_data=("Web hosting: " + "names and addresses; " * 200,),
            nature=("Web hosting: storing",),
            purposes=("Hosting",),
            duration=("While the services last",),
        ),
        measures=("Encryption: everywhere",),
        subprocessors=tuple(
            SubProcessor(f"Operator {n:02d}", ("1 Street", "Town"), "Germany", ("Hosting",), "UK adequacy")
            for n in range(subprocessors)
        ),
    )


def test_long_annexes_split_across_pages_and_repeat_the_table_header() -> None:
    pages = _pages(render_dpa(_big(services_count=200, subprocessors=40)))
    text = " ".join(pages)
    assert "site-000.example" in text and "site-199.example" in text
    assert all(f"Operator {n:02d}" in text for n in range(40))
    header = "Sub-processor Address and country What it does Transfer safeguard"
    assert sum(header in page for page in pages) >= 2
