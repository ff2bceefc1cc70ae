"""Letters about privacy requests, made from requests run through the real workflow in the hand-built register and
read back from the PDF as the person receiving them would read them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from hartdesk import settings as settings_mod
from hartdesk.documents import wording
from hartdesk.documents.letters import PLACEHOLDERS, KeptItem, load_letter_wording, render_letter
from hartdesk.errors import ValidationError
from hartdesk.models.enums import LetterKind, RefusalReason, RequestChannel, RequestType
from hartdesk.privacy import requests as rq
from hartdesk.privacy.letter_data import letter_data
from hartdesk.settings import Settings
from tests.conftest import ADMIN
from tests.register.conftest import HandBuilt

TODAY = date(2026, 11, 21)  # a Saturday
RECEIVED = date(2026, 10, 30)  # due Monday 30 November 2026
NAME = "Søren Ærø"
ADDRESS = "Flat 2, Harbour View\n9 Lemon Quay\nTruro\nTR1 2LW"
ERASED = ("Your contact details: name, email address and phone number", "Support tickets from 2019 to 2024")
KEPT = (KeptItem("Invoices INV-1 and INV-2", "tax law requires us to keep invoices", date(2031, 3, 31)),)


def _settings(s: Any, **changes: Any) -> Settings:
    return settings_mod.load(s).with_changes(**changes)


def _log(s: Any, **changes: Any) -> str:
    data = rq.RequestInput(
        **{
            "kind": RequestType.ACCESS,
            "channel": RequestChannel.EMAIL,
            "received_on": RECEIVED,
            "requester_name": NAME,
            "requester_email": "soren@aero.example",
            "requester_address": ADDRESS,
            "subject": "Everything you hold about me",
            **changes,
        }
    )
    return rq.log_request(s, ADMIN, data, _settings(s), TODAY).ref


def _letter(
    s: Any, ref: str, kind: LetterKind, today: date = TODAY, settings: Settings | None = None, **kw: Any
) -> bytes:
    return render_letter(letter_data(s, ref, kind, settings or _settings(s), today, **kw))


def _text(pdf: bytes) -> str:
    """The letter's text with line breaks undone, so a sentence can be found whole."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def _all_letters(built: HandBuilt) -> dict[LetterKind, bytes]:
    """One letter of every kind, each for a request in the state that kind needs."""
    k = LetterKind
    with built.session() as s:
        st = _settings(s)
        ack = _log(s)
        identity = _log(s, kind=RequestType.ERASURE)
        rq.ask_identity(s, ADMIN, identity, date(2026, 11, 2), "A copy of your passport", st, TODAY)
        clarify = _log(s)
        rq.ask_clarification(s, ADMIN, clarify, date(2026, 11, 5), "Which of your websites do you mean?", st, TODAY)
        extended = _log(s)
        rq.extend(s, ADMIN, extended, date(2026, 11, 10), "Eight years of support tickets to search", st, TODAY)
        refused = _log(s)
        rq.refuse(s, ADMIN, refused, date(2026, 11, 12), RefusalReason.MANIFESTLY_EXCESSIVE, "Sent twice", st, TODAY)
        completed = _log(s)
        rq.complete(s, ADMIN, completed, date(2026, 11, 13), "Data report sent", st, TODAY)
        erasure = _log(s, kind=RequestType.ERASURE)
        complaint = _log(s, kind=RequestType.COMPLAINT)
        lists = {"erased": ERASED, "kept": KEPT}
        return {
            k.ACKNOWLEDGEMENT: _letter(s, ack, k.ACKNOWLEDGEMENT),
            k.IDENTITY_REQUEST: _letter(s, identity, k.IDENTITY_REQUEST),
            k.CLARIFICATION_REQUEST: _letter(s, clarify, k.CLARIFICATION_REQUEST),
            k.EXTENSION_NOTICE: _letter(s, extended, k.EXTENSION_NOTICE, date(2026, 11, 20)),
            k.REFUSAL: _letter(s, refused, k.REFUSAL),
            k.COMPLETION: _letter(s, completed, k.COMPLETION),
            k.ERASURE_CONFIRMATION: _letter(s, erasure, k.ERASURE_CONFIRMATION, **lists),
            k.OPERATOR_NOTICE: _letter(
                s, erasure, k.OPERATOR_NOTICE, for_post=False, operator_id=built.godaddy, erased=ERASED
            ),
            k.COMPLAINT_ACKNOWLEDGEMENT: _letter(s, complaint, k.COMPLAINT_ACKNOWLEDGEMENT),
        }


# -- the wording ----------------------------------------------------------------------------------------------------


def test_every_letter_kind_has_its_placeholders_and_a_wording_file_that_loads() -> None:
    assert set(PLACEHOLDERS) == {k.value for k in LetterKind}
    for kind in LetterKind:
        loaded = load_letter_wording(kind)
        assert loaded.path.name == f"letter_{kind.value.replace('-', '_')}.txt"
        assert loaded.blocks[0].kind == "heading"  # the subject line
        assert "signature" in loaded.placeholders


def test_an_unknown_placeholder_in_the_agencys_copy_names_the_file_and_line(
    hand_built: HandBuilt, tmp_path: Path
) -> None:
    (tmp_path / "letter_refusal.txt").write_text("# Our decision\n\nDear {dear},\nYour {nonsense} request.\n", "utf-8")
    with hand_built.session() as s:
        ref = _log(s)
        rq.refuse(s, ADMIN, ref, TODAY, RefusalReason.NOT_HELD, "Nothing held", _settings(s), TODAY)
        data = letter_data(s, ref, LetterKind.REFUSAL, _settings(s, wording_folder=str(tmp_path)), TODAY)
    with pytest.raises(wording.WordingError) as caught:
        render_letter(data)
    assert "letter_refusal.txt line 4" in caught.value.message
    assert "{nonsense}" in caught.value.message


def test_the_agencys_own_copy_of_a_wording_file_is_used(hand_built: HandBuilt, tmp_path: Path) -> None:
    (tmp_path / "letter_acknowledgement.txt").write_text(
        "# Got it\n\nHello {dear}, we will answer by {due_on}.\n\n{signature}\n", "utf-8"
    )
    with hand_built.session() as s:
        ref = _log(s)
        text = _text(_letter(s, ref, LetterKind.ACKNOWLEDGEMENT, settings=_settings(s, wording_folder=str(tmp_path))))
    assert f"Hello {NAME}, we will answer by Monday 30 November 2026." in text
    assert "two further months" not in text


# -- each kind says what the person needs to know -------------------------------------------------------------------


def test_acknowledgement_gives_the_date_received_the_due_date_and_the_possible_extension(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        text = _text(_letter(s, ref, LetterKind.ACKNOWLEDGEMENT))
    assert "We have received your request" in text
    assert f"Dear {NAME}," in text
    assert "We received it by email on 30 October 2026" in text
    assert "a copy of the personal data we hold about you" in text
    assert "We will reply by Monday 30 November 2026 at the latest" in text
    assert "up to two further months" in text
    assert ref in text


def test_identity_request_says_what_to_send_and_that_the_clock_starts_when_it_arrives(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.ask_identity(s, ADMIN, ref, date(2026, 11, 2), "A copy of your passport", _settings(s), TODAY)
        text = _text(_letter(s, ref, LetterKind.IDENTITY_REQUEST))
    assert "please send us: A copy of your passport" in text
    assert "photo identity" in text
    assert "We asked you for this on 2 November 2026" in text
    assert "it starts on the day it arrives" in text


def test_clarification_request_asks_the_question_and_states_the_paused_clock(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.ask_clarification(
            s, ADMIN, ref, date(2026, 11, 5), "Which of your websites do you mean?", _settings(s), TODAY
        )
        text = _text(_letter(s, ref, LetterKind.CLARIFICATION_REQUEST))
    assert "Which of your websites do you mean?" in text
    assert "The time limit is paused" in text
    assert "The clock stopped on 5 November 2026" in text
    assert "stays stopped until the day your answer reaches us" in text
    assert "Before the pause, we had to reply by Monday 30 November 2026" in text


def test_extension_notice_gives_the_reasons_and_the_new_date(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.extend(s, ADMIN, ref, date(2026, 11, 10), "Eight years of support tickets to search", _settings(s), TODAY)
        text = _text(_letter(s, ref, LetterKind.EXTENSION_NOTICE, date(2026, 11, 20)))
    assert "Eight years of support tickets to search" in text
    # 30 October + three months = Saturday 30 January 2027, so the next working day.
    assert "We will reply in full by Monday 1 February 2027" in text
    assert "would have been by Monday 30 November 2026" in text
    assert "within the first month" in text


def test_an_extension_notice_after_the_first_month_is_refused(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.extend(s, ADMIN, ref, date(2026, 11, 10), "Many tickets", _settings(s), TODAY)
        with pytest.raises(ValidationError) as caught:
            letter_data(s, ref, LetterKind.EXTENSION_NOTICE, _settings(s), date(2026, 12, 1))
    assert "within the first month, by 30 Nov 2026" in caught.value.message


def test_refusal_gives_the_reasons_the_ico_and_the_courts(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.refuse(
            s,
            ADMIN,
            ref,
            date(2026, 11, 12),
            RefusalReason.MANIFESTLY_EXCESSIVE,
            "The same report was sent to you twice this month",
            _settings(s),
            TODAY,
        )
        text = _text(_letter(s, ref, LetterKind.REFUSAL))
    assert "The same report was sent to you twice this month" in text
    assert "manifestly excessive" in text
    assert "complain to the Information Commissioner's Office" in text
    assert "Helpline: 0303 123 1113" in text and "ico.org.uk/make-a-complaint" in text
    assert "right to go to court" in text and "judicial remedy" in text


def test_refusal_prints_the_ico_contact_from_settings(hand_built: HandBuilt) -> None:
    moved = "ICO, Manchester office\nHelpline: 0303 123 1113"
    with hand_built.session() as s:
        ref = _log(s)
        rq.refuse(s, ADMIN, ref, TODAY, RefusalReason.NOT_HELD, "We hold nothing about you", _settings(s), TODAY)
        text = _text(_letter(s, ref, LetterKind.REFUSAL, settings=_settings(s, ico_contact=moved)))
    assert "ICO, Manchester office" in text
    assert "We do not hold the personal data" in text


def test_completion_says_what_is_enclosed(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.complete(s, ADMIN, ref, date(2026, 11, 13), "Data report sent by post", _settings(s), TODAY)
        default = _text(_letter(s, ref, LetterKind.COMPLETION))
        own = _text(_letter(s, ref, LetterKind.COMPLETION, enclosure="a USB stick with your website files"))
    assert "What we have done: Data report sent by post" in default
    assert "With this letter you will find your data report" in default
    assert "With this letter you will find a USB stick with your website files." in own


def test_erasure_confirmation_lists_what_was_erased_and_what_was_kept_with_ground_and_date(
    hand_built: HandBuilt,
) -> None:
    with hand_built.session() as s:
        ref = _log(s, kind=RequestType.ERASURE)
        text = _text(_letter(s, ref, LetterKind.ERASURE_CONFIRMATION, erased=ERASED, kept=KEPT, backup_days=35))
        nothing_kept = _text(_letter(s, ref, LetterKind.ERASURE_CONFIRMATION, erased=ERASED))
    assert "On 21 November 2026 we erased the following" in text
    for item in ERASED:
        assert item in text
    assert "Invoices INV-1 and INV-2: kept because tax law requires us to keep invoices, until 31 March 2031" in text
    assert "up to 35 days" in text
    assert "After that date we will delete it. • None. We will not use" in nothing_kept


def test_erasure_confirmation_needs_the_list_of_what_was_erased(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, kind=RequestType.ERASURE)
        with pytest.raises(ValidationError, match="List what was erased"):
            letter_data(s, ref, LetterKind.ERASURE_CONFIRMATION, _settings(s), TODAY)


def test_operator_notice_names_the_person_and_asks_the_operator_to_do_the_same(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, kind=RequestType.ERASURE)
        with pytest.raises(ValidationError, match="no postal address for GoDaddy"):
            letter_data(
                s, ref, LetterKind.OPERATOR_NOTICE, _settings(s), TODAY, operator_id=hand_built.godaddy, erased=ERASED
            )
        data = letter_data(
            s,
            ref,
            LetterKind.OPERATOR_NOTICE,
            _settings(s),
            TODAY,
            for_post=False,
            operator_id=hand_built.godaddy,
            erased=ERASED,
        )
    text = _text(render_letter(data))
    assert data.addressee.name == "GoDaddy"
    assert "Please erase personal data we shared with you" in text
    assert "Dear Sir or Madam," in text
    assert f"Name: {NAME}" in text and "soren@aero.example" in text
    assert "we erased their personal data" in text and "Article 19" in text
    assert ERASED[1] in text


def test_complaint_acknowledgement_says_what_happens_next_and_gives_the_ico(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, kind=RequestType.COMPLAINT, subject="You answered my request late")
        text = _text(_letter(s, ref, LetterKind.COMPLAINT_ACKNOWLEDGEMENT))
    assert "We have received your complaint" in text
    assert "Your complaint, in short: You answered my request late" in text
    assert "within 30 days" in text
    assert "We will look into your complaint without undue delay" in text
    assert "ico.org.uk/make-a-complaint" in text


def test_every_letter_names_the_person_and_the_reference_and_passes_qpdf(hand_built: HandBuilt, tmp_path: Path) -> None:
    letters = _all_letters(hand_built)
    assert set(letters) == set(LetterKind)
    qpdf = shutil.which("qpdf")
    if qpdf is None and os.environ.get("CI"):
        pytest.fail("qpdf is needed (Debian package qpdf)")
    for kind, pdf in letters.items():
        text = _text(pdf)
        assert NAME in text, kind
        assert "R-2026-" in text, kind
        assert "Pemberton Quill Hosting Ltd" in text, kind
        if qpdf is not None:
            target = tmp_path / f"{kind.value}.pdf"
            target.write_bytes(pdf)
            result = subprocess.run([qpdf, "--check", str(target)], capture_output=True, text=True)
            assert result.returncode == 0, f"{kind}: {result.stdout}{result.stderr}"
    if qpdf is None:
        pytest.skip("qpdf is not installed: the letters were read back but not checked with qpdf")


# -- who it goes to -------------------------------------------------------------------------------------------------


def _positions(pdf: bytes, needle: str) -> list[tuple[float, float]]:
    """(mm from the left, mm from the top) of each piece of text on page 1 that contains ``needle``."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        if needle in text:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x / mm, (height - y) / mm))

    page.extract_text(visitor_text=visit)
    return found


def test_for_post_the_name_and_address_sit_in_the_envelope_window(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        pdf = _letter(s, _log(s), LetterKind.ACKNOWLEDGEMENT)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width) / mm), round(float(page.mediabox.height) / mm)) == (210, 297)
    topmost = min(_positions(pdf, NAME), key=lambda p: p[1])  # the window comes before "Dear Søren Ærø"
    left, top = topmost
    assert 20 <= left <= 110 and 50 <= top <= 84, topmost
    for line in ("9 Lemon Quay", "TR1 2LW"):
        [(x, y)] = _positions(pdf, line)
        assert 20 <= x <= 110 and top < y <= 84


def test_without_an_address_a_letter_for_post_is_refused_but_email_works(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, requester_address="")
        with pytest.raises(ValidationError, match="no postal address for Søren Ærø"):
            letter_data(s, ref, LetterKind.ACKNOWLEDGEMENT, _settings(s), TODAY)
        data = letter_data(s, ref, LetterKind.ACKNOWLEDGEMENT, _settings(s), TODAY, for_post=False)
    assert data.addressee.email == "soren@aero.example"
    text = _text(render_letter(data))
    assert "soren@aero.example" in text


def test_without_its_own_address_the_request_uses_the_clients_address(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        zoe = letter_data(
            s, _log(s, requester_address="", client_ref=hand_built.zoe), LetterKind.ACKNOWLEDGEMENT, _settings(s), TODAY
        )
        acme = letter_data(
            s,
            _log(s, requester_address="", client_ref=hand_built.acme),
            LetterKind.ACKNOWLEDGEMENT,
            _settings(s),
            TODAY,
        )
    assert zoe.addressee.address_lines == ("4 Quay Street", "Truro", "TR1 2HD")
    assert zoe.client_ref == hand_built.zoe
    assert acme.addressee.address_lines[-1] == "France"


def test_markup_typed_into_the_register_prints_literally(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, requester_name="Søren <b>Ærø</b> & Co", subject="<para>All</para> my data & more < less")
        text = _text(_letter(s, ref, LetterKind.ACKNOWLEDGEMENT))
    assert "Dear Søren <b>Ærø</b> & Co," in text
    assert "<para>All</para> my data & more < less" in text


def test_empty_details_leave_their_sentence_out_and_the_signatory_signs(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        bare = _text(_letter(s, ref, LetterKind.ACKNOWLEDGEMENT))
        full = _text(
            _letter(
                s,
                ref,
                LetterKind.ACKNOWLEDGEMENT,
                settings=_settings(
                    s,
                    agency_phone="01872 555 0100",
                    agency_contact_name="Priya Nair",
                    agency_contact_position="Data protection lead",
                ),
            )
        )
    assert "call us" not in bare
    assert "You can also call us on 01872 555 0100." in full
    assert "Yours sincerely, Priya Nair Data protection lead Pemberton Quill Hosting Ltd" in full


# -- letters that do not fit ----------------------------------------------------------------------------------------


def test_missing_agency_details_are_listed(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        with pytest.raises(ValidationError) as caught:
            letter_data(s, ref, LetterKind.ACKNOWLEDGEMENT, Settings(), TODAY)
    for label in ("Agency name", "Postal address", "Contact email", "ICO registration number"):
        assert label in caught.value.message


@pytest.mark.parametrize(
    ("kind", "request_type", "words"),
    [
        (LetterKind.EXTENSION_NOTICE, RequestType.ACCESS, "was never extended"),
        (LetterKind.REFUSAL, RequestType.ACCESS, "is not refused"),
        (LetterKind.COMPLETION, RequestType.ACCESS, "is not completed"),
        (LetterKind.IDENTITY_REQUEST, RequestType.ACCESS, "No request for identity evidence"),
        (LetterKind.CLARIFICATION_REQUEST, RequestType.ACCESS, "not waiting for clarification"),
        (LetterKind.ERASURE_CONFIRMATION, RequestType.ACCESS, "not a request for erasure"),
        (LetterKind.OPERATOR_NOTICE, RequestType.ACCESS, "nothing to be told"),
        (LetterKind.COMPLAINT_ACKNOWLEDGEMENT, RequestType.ACCESS, "is not a complaint"),
        (LetterKind.ACKNOWLEDGEMENT, RequestType.COMPLAINT, "complaint acknowledgement"),
    ],
)
def test_a_letter_that_does_not_fit_the_request_is_refused_with_a_reason(
    hand_built: HandBuilt, kind: LetterKind, request_type: RequestType, words: str
) -> None:
    with hand_built.session() as s:
        ref = _log(s, kind=request_type)
        with pytest.raises(ValidationError) as caught:
            letter_data(s, ref, kind, _settings(s), TODAY, operator_id=hand_built.fasthosts, erased=ERASED)
    assert words in caught.value.message
    assert ref in caught.value.message


def test_no_acknowledgement_while_the_clock_waits_for_identity(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.ask_identity(s, ADMIN, ref, date(2026, 11, 2), "", _settings(s), TODAY)
        with pytest.raises(ValidationError, match="waits for identity evidence"):
            letter_data(s, ref, LetterKind.ACKNOWLEDGEMENT, _settings(s), TODAY)


def test_no_acknowledgement_that_would_give_a_date_already_past(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        with pytest.raises(ValidationError, match="was due on 30 Nov 2026"):
            letter_data(s, ref, LetterKind.ACKNOWLEDGEMENT, _settings(s), date(2026, 12, 1))


def test_a_closed_request_gets_no_more_letters_about_its_progress(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.withdraw(s, ADMIN, ref, TODAY, "", _settings(s), TODAY)
        with pytest.raises(ValidationError, match="was withdrawn"):
            letter_data(s, ref, LetterKind.ACKNOWLEDGEMENT, _settings(s), TODAY)
