"""The breach documents (SPEC.md §6), made from breaches logged through the real workflow in the hand-built register
and read back from the PDF: the report to the ICO, the notice to each client affected, the notice to the people
affected, and the register for an inspection."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hartdesk import settings as settings_mod
from hartdesk.documents import wording
from hartdesk.errors import ValidationError
from hartdesk.models import IssuedDocument
from hartdesk.models.enums import BreachDecision, BreachRisk, Delivery, DocumentKind
from hartdesk.privacy import breaches, produce
from hartdesk.register import documents as records
from hartdesk.settings import Settings
from tests.conftest import ADMIN, AGENCY_NAME
from tests.pdfs import needed_tool
from tests.register.conftest import HandBuilt

OCCURRED = datetime(2026, 11, 15, 22, 30, tzinfo=UTC)
AWARE = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # the 72 hours end Thu 19 Nov 2026 09:00 GMT
REPORTED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 97 hours after: late
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SUMMARY = "Fasthosts control panel accessed with a stolen password"
DETAILS = "Someone signed in to our reseller account & downloaded the customer list <all of it>."
CONSEQUENCES = "Phishing emails that look like they come from us; domains moved away without consent."
TAKEN = "Password changed, two-factor sign-in turned on, sessions ended."
PROPOSED = "Move every registrar account to hardware keys by January."
LATE_REASON = "The reseller's logs took four days to arrive."
UPDATE = "Fasthosts confirmed that no payment data was exported."
ICO_REF = "IC-123456-A7B8"
CONTACT = {
    "agency_contact_name": "Priya Shah",
    "agency_contact_position": "Data Protection Lead",
    "agency_phone": "01872 555 0100",
}


@dataclass
class Breaches:
    high: str  # Fasthosts: Zoë through the operator, Acme chosen; high risk, reported late, with an update
    none: str  # a lost laptop: no risk, not reported, and why
    risk: str  # a risk, no decision yet


def _settings(s: Any, **changes: Any) -> Settings:
    return settings_mod.load(s).with_changes(**{**CONTACT, **changes})


def _log(built: HandBuilt) -> Breaches:
    with built.session() as s:
        st = _settings(s)
        high = breaches.log_breach(
            s,
            ADMIN,
            breaches.BreachInput(
                summary=SUMMARY,
                aware_at=AWARE,
                details=DETAILS,
                occurred_at=OCCURRED,
                client_refs=(built.acme,),
                operator_ids=(built.fasthosts,),
                people_count=250,
                records_count=1200,
                consequences=CONSEQUENCES,
                measures_taken=TAKEN,
                measures_proposed=PROPOSED,
                risk=BreachRisk.HIGH,
            ),
            st,
            NOW,
        ).ref
        breaches.record_decision(
            s, ADMIN, high, BreachDecision.NOTIFY, "Registrant details can be used to hijack domains.", REPORTED
        )
        breaches.record_ico_notified(s, ADMIN, high, REPORTED, ICO_REF, LATE_REASON, NOW)
        breaches.add_update(s, ADMIN, high, UPDATE, NOW, to_ico=True)
        breaches.record_people_told(s, ADMIN, high, NOW, "Email to every registrant")
        breaches.record_controllers_told(s, ADMIN, high, NOW)
        none = breaches.log_breach(
            s,
            ADMIN,
            breaches.BreachInput(
                summary="Encrypted laptop left on a train",
                aware_at=datetime(2026, 11, 18, 8, 0, tzinfo=UTC),
                occurred_note="on the 07:12 to Paddington",
                client_refs=(built.zoe,),
                risk=BreachRisk.NONE,
            ),
            st,
            NOW,
        ).ref
        breaches.record_decision(
            s, ADMIN, none, BreachDecision.NOT_NOTIFY, "Full-disk encryption; key not with it.", NOW
        )
        risk = breaches.log_breach(
            s,
            ADMIN,
            breaches.BreachInput(
                summary="Newsletter list shared by mistake",
                aware_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
                operator_ids=(built.mailchimp,),
                risk=BreachRisk.RISK,
            ),
            st,
            NOW,
        ).ref
    return Breaches(high, none, risk)


def _text(pdf: bytes) -> str:
    """The text with line breaks undone, so a sentence can be found whole."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _made(built: HandBuilt, make: Any, *args: Any, **kwargs: Any) -> produce.Made:
    with built.session() as s:
        return make(s, *args, _settings(s), NOW, **kwargs) if args else make(s, _settings(s), NOW, **kwargs)


@pytest.fixture
def logged(hand_built: HandBuilt) -> Breaches:
    return _log(hand_built)


# -- the report to the ICO ------------------------------------------------------------------------------------------


def test_the_ico_report_holds_every_item_of_article_33(hand_built: HandBuilt, logged: Breaches) -> None:
    made = _made(hand_built, produce.make_breach_ico_summary, logged.high)
    text = _text(made.pdf)
    assert made.kind is DocumentKind.BREACH_ICO_SUMMARY and made.breach_ref == logged.high
    for heading in (
        "Personal data breach report to the ICO",
        "1. The controller and the contact point",
        "2. When it happened and when it was reported",
        "3. The nature of the breach",
        "4. The people and records concerned",
        "5. Clients, services and operators involved",
        "6. Likely consequences",
        "7. Measures taken or proposed",
        "8. Risk assessment and decision",
        "9. Telling the people and the clients affected",
        "10. Information given in phases",
    ):
        assert heading in text
    for item in (
        AGENCY_NAME,
        "Z1234567",  # the agency's ICO registration number
        "Priya Shah, Data Protection Lead",  # the contact point
        "privacy@pemberton.example",
        "01872 555 0100",
        logged.high,
        "Sun 15 Nov 2026 22:30 GMT",  # when it happened
        "Mon 16 Nov 2026 09:00 GMT",  # when the agency became aware
        "Thu 19 Nov 2026 09:00 GMT",  # the 72-hour deadline
        "Fri 20 Nov 2026 10:00 GMT",  # when the ICO was told
        "Late: reported 97 hours after the agency became aware",
        LATE_REASON,
        SUMMARY,
        _flat(DETAILS),  # escaped on the way in, printed as typed
        "Clients who are individuals (1)",
        "Contact people at client organisations (1 organisation)",
        "About 250",
        "About 1,200",
        "Domain registrant",
        "Clients affected (2)",
        f"{hand_built.zoe} Zoë Łukasiewicz-Öztürk",
        f"{hand_built.acme} Acme Widgets Ltd",
        "Fasthosts (United Kingdom)",
        CONSEQUENCES,
        TAKEN,
        PROPOSED,
        "A high risk to people's rights and freedoms",
        "Report to the ICO",
        "Registrant details can be used to hijack domains.",
        UPDATE,
        ICO_REF,
        "Email to every registrant",
    ):
        assert item in text, item
    assert "GoDaddy" not in text and "Søren" not in text  # neither involved


def test_an_ico_report_before_the_decision_says_it_is_a_draft_and_when_the_hours_run_out(
    hand_built: HandBuilt, logged: Breaches
) -> None:
    text = _text(_made(hand_built, produce.make_breach_ico_summary, logged.risk).pdf)
    assert "Draft: no decision recorded" in text
    assert "Mon 23 Nov 2026 15:00 GMT" in text  # 72 hours after Fri 20 Nov 15:00
    assert "Mailchimp (United States)" in text
    assert "Zoë Łukasiewicz-Öztürk" in text  # the only client whose consent sends her details to Mailchimp
    assert "Acme" not in text and "Søren" not in text


def test_the_ico_report_gives_each_moment_in_uk_time_with_its_zone_across_the_clock_change(
    hand_built: HandBuilt,
) -> None:
    with hand_built.session() as s:
        ref = breaches.log_breach(
            s,
            ADMIN,
            breaches.BreachInput(
                "Backup bucket left public", datetime(2026, 10, 23, 11, 0, tzinfo=UTC), client_refs=(hand_built.zoe,)
            ),
            _settings(s),
            NOW,
        ).ref
    text = _text(_made(hand_built, produce.make_breach_ico_summary, ref).pdf)
    assert "Fri 23 Oct 2026 12:00 BST" in text  # aware
    assert "Mon 26 Oct 2026 11:00 GMT" in text  # 72 elapsed hours later, the clocks gone back on the Sunday
    assert "Reasons for the delay" in text  # undecided a month later: the report must say why


def test_the_ico_report_needs_a_contact_point(hand_built: HandBuilt, logged: Breaches) -> None:
    with hand_built.session() as s, pytest.raises(ValidationError) as caught:
        produce.make_breach_ico_summary(s, logged.high, _settings(s, agency_contact_name=""), NOW)
    assert "Person who signs for the agency" in caught.value.message


# -- the notice to a client -----------------------------------------------------------------------------------------


def test_a_client_reached_through_the_operator_is_told_what_concerns_it(
    hand_built: HandBuilt, logged: Breaches
) -> None:
    made = _made(hand_built, produce.make_breach_controller_notice, logged.high, hand_built.zoe)
    text = _text(made.pdf)
    assert (made.kind, made.client_ref, made.breach_ref) == (
        DocumentKind.BREACH_CONTROLLER_NOTICE,
        hand_built.zoe,
        logged.high,
    )
    assert made.recipient == "Zoë Łukasiewicz-Öztürk" and made.email == "zoe@lukasiewicz.example"
    for item in (
        "Personal data breach affecting your data",
        "4 Quay Street",  # her billing address, in the window
        "TR1 2HD",
        "Dear Zoë Łukasiewicz-Öztürk,",
        "as your processor",
        SUMMARY,
        "When it happened: Sun 15 Nov 2026 22:30 GMT.",
        "We became aware of it on Mon 16 Nov 2026 09:00 GMT.",
        "lukasiewicz.example (domain registration)",
        "lukasiewicz.example (web hosting)",
        "Domain registrant",
        "Fasthosts (United Kingdom)",
        "about 250 people and about 1,200 records",
        CONSEQUENCES,
        TAKEN,
        PROPOSED,
        "it is for you to decide whether the breach must be reported to the Information Commissioner's Office",
        "72 hours from when you became aware",
        "Priya Shah, Data Protection Lead",
        "Email: privacy@pemberton.example",
        "Phone: 01872 555 0100",
    ):
        assert item in text, item
    assert "Acme" not in text  # another client's name never reaches her


def test_an_organisation_is_told_through_its_contact_by_email(hand_built: HandBuilt, logged: Breaches) -> None:
    made = _made(hand_built, produce.make_breach_controller_notice, logged.high, hand_built.acme, for_post=False)
    text = _text(made.pdf)
    assert "Ñoño Đorđević" in text and "nono@acme.example" in text and "Dear Ñoño Đorđević," in text
    assert "Rue de Rivoli" not in text  # for email: no postal address in the window
    assert "Your services involved" not in text  # Acme was named itself, through none of its services
    assert "Zoë" not in text and "lukasiewicz" not in text


def test_a_client_the_breach_did_not_touch_is_refused(hand_built: HandBuilt, logged: Breaches) -> None:
    with hand_built.session() as s, pytest.raises(ValidationError) as caught:
        produce.make_breach_controller_notice(s, logged.high, hand_built.closed, _settings(s), NOW)
    message = caught.value.message
    assert hand_built.closed in message and "is not among the clients" in message
    assert hand_built.zoe in message and hand_built.acme in message  # the clients that are affected


# -- the notice to the people affected ------------------------------------------------------------------------------


def test_the_people_are_told_in_plain_words_without_anyones_address(hand_built: HandBuilt, logged: Breaches) -> None:
    made = _made(hand_built, produce.make_breach_people_notice, logged.high)
    text = _text(made.pdf)
    assert made.kind is DocumentKind.BREACH_PEOPLE_NOTICE and made.email == "" and made.client_ref == ""
    for item in (
        "Important: a problem with your personal data",
        "Dear customer,",
        "What happened",
        SUMMARY,
        "We found out on 16 November 2026.",
        "What this could mean for you",
        CONSEQUENCES,
        "What we have done",
        TAKEN,
        "What you can do",
        "Change your password",
        "We will never ask for your password.",
        "Who to contact",
        "Priya Shah, Data Protection Lead",
        "Email: privacy@pemberton.example",
        "Phone: 01872 555 0100",
        "0303 123 1113",  # the ICO's helpline, from the settings
    ):
        assert item in text, item
    for private in ("Zoë", "Acme", "Quay Street", "Rivoli", hand_built.zoe):
        assert private not in text


@pytest.mark.parametrize("which", ["risk", "none"])
def test_the_people_notice_is_refused_unless_the_risk_is_high(
    hand_built: HandBuilt, logged: Breaches, which: str
) -> None:
    ref = getattr(logged, which)
    with hand_built.session() as s, pytest.raises(ValidationError) as caught:
        produce.make_breach_people_notice(s, ref, _settings(s), NOW)
    assert "only when a breach is likely to result in a high risk" in caught.value.message
    assert ref in caught.value.message


def test_the_agencys_own_wording_is_checked_before_a_notice_goes_out(
    hand_built: HandBuilt, logged: Breaches, tmp_path: Path
) -> None:
    (tmp_path / "breach_people_notice.txt").write_text("# Sorry\n\nDear {dear}, about {client_name}.\n", "utf-8")
    with hand_built.session() as s, pytest.raises(wording.WordingError) as caught:
        produce.make_breach_people_notice(s, logged.high, _settings(s, wording_folder=str(tmp_path)), NOW)
    assert "unknown placeholder {client_name}" in caught.value.message


# -- the register ---------------------------------------------------------------------------------------------------


def test_the_register_lists_every_breach_reported_or_not(hand_built: HandBuilt, logged: Breaches) -> None:
    made = _made(hand_built, produce.make_breach_register)
    text = _text(made.pdf)
    assert made.kind is DocumentKind.BREACH_REGISTER and made.breach_ref == ""
    assert "Register of personal data breaches" in text
    assert text.index(logged.high) < text.index(logged.none) < text.index(logged.risk)  # oldest first
    for item in (
        "3 breaches",
        # the reported one: facts, effects, remedial action, the decision, the delay and the reference
        SUMMARY,
        CONSEQUENCES,
        TAKEN,
        PROPOSED,
        "Registrant details can be used to hijack domains.",
        LATE_REASON,
        ICO_REF,
        "Email to every registrant",
        # the one not reported, and why
        "Encrypted laptop left on a train",
        "on the 07:12 to Paddington",
        "Not reported to the ICO",
        "Full-disk encryption; key not with it.",
        "Not reported: assessed as unlikely to result in a risk to people",
        # the one still to decide
        "Newsletter list shared by mistake",
        "No decision yet",
    ):
        assert item in text, item


# -- recording ------------------------------------------------------------------------------------------------------


def test_a_saved_breach_document_is_on_the_breachs_timeline(
    hand_built: HandBuilt, logged: Breaches, tmp_path: Path
) -> None:
    made = _made(hand_built, produce.make_breach_controller_notice, logged.high, hand_built.zoe)
    with hand_built.session() as s:
        produce.save(s, ADMIN, made, tmp_path / made.filename)
        [row] = records.list_documents(s, breach_ref=logged.high)
        breach_id = s.scalar(select(IssuedDocument.breach_id).where(IssuedDocument.id == row.id))
        events = breaches.get_breach(s, logged.high, NOW).events
        assert breach_id == breaches.breach_by_ref(s, logged.high).id
    assert (row.kind, row.client_ref, row.breach_ref, row.delivery) == (
        DocumentKind.BREACH_CONTROLLER_NOTICE,
        hand_built.zoe,
        logged.high,
        Delivery.SAVED,
    )
    documents = [e.summary for e in events if e.kind == "document"]
    notice = f"Breach notice to a client (as its processor), {hand_built.zoe}"
    assert documents == [f"Produced: {notice}", f"Saved as a file: {notice}"]
    assert (tmp_path / made.filename).read_bytes() == made.pdf


def test_a_breachs_timeline_names_a_notice_by_the_clients_reference_only(
    hand_built: HandBuilt, logged: Breaches
) -> None:
    """The breach register outlives an erasure of the client (Art. 33(5)): its name and address must not be in it."""
    made = _made(hand_built, produce.make_breach_controller_notice, logged.high, hand_built.zoe)
    with hand_built.session() as s:
        document_id = produce.printed(s, ADMIN, made)
        records.record_delivery(s, ADMIN, document_id, Delivery.EMAIL_SENT, "zoe@lukasiewicz.example")
        shown = " ".join(e.summary for e in breaches.get_breach(s, logged.high, NOW).events)
    assert f"Sent by email: Breach notice to a client (as its processor), {hand_built.zoe}" in shown
    assert "Zoë" not in shown and "zoe@lukasiewicz.example" not in shown


def test_the_register_is_recorded_without_touching_a_breachs_timeline(
    hand_built: HandBuilt, logged: Breaches, tmp_path: Path
) -> None:
    made = _made(hand_built, produce.make_breach_register)
    with hand_built.session() as s:
        produce.printed(s, ADMIN, made)
        [row] = records.list_documents(s, kind=DocumentKind.BREACH_REGISTER)
        events = breaches.get_breach(s, logged.high, NOW).events
    assert row.breach_ref == "" and row.delivery is Delivery.PRINTED
    assert not [e for e in events if e.kind == "document"]


# -- the files themselves ------------------------------------------------------------------------------------------


def test_every_breach_document_is_a_sound_pdf_with_its_title(
    hand_built: HandBuilt, logged: Breaches, tmp_path: Path
) -> None:
    qpdf = needed_tool("qpdf", "qpdf")
    made = {
        "Personal data breach report to the ICO": _made(hand_built, produce.make_breach_ico_summary, logged.high),
        "Personal data breach affecting your data": _made(
            hand_built, produce.make_breach_controller_notice, logged.high, hand_built.acme
        ),
        "Important: a problem with your personal data": _made(
            hand_built, produce.make_breach_people_notice, logged.high
        ),
        "Register of personal data breaches": _made(hand_built, produce.make_breach_register),
    }
    for title, document in made.items():
        path = tmp_path / document.filename
        path.write_bytes(document.pdf)
        subprocess.run([qpdf, "--check", str(path)], check=True, capture_output=True)
        metadata = PdfReader(io.BytesIO(document.pdf)).metadata
        assert metadata is not None and (metadata.title or "").startswith(title)
        assert metadata.author == AGENCY_NAME
