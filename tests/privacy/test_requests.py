"""Logging requests and running the workflow against a real register: the due date, its explanation and the
timeline change as a clerk would see them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from hartdesk import settings as settings_mod
from hartdesk.errors import FormError, ValidationError
from hartdesk.models import AuditEntry
from hartdesk.models.enums import (
    EventKind,
    IdentityMethod,
    IdentityStatus,
    RefusalReason,
    RequestChannel,
    RequestRole,
    RequestStatus,
    RequestType,
)
from hartdesk.privacy import requests as rq
from tests.conftest import ADMIN
from tests.register.conftest import HandBuilt

TODAY = date(2026, 11, 21)  # a Saturday
SETTINGS = settings_mod.Settings()


def _input(**changes: Any) -> rq.RequestInput:
    base = rq.RequestInput(
        kind=RequestType.ACCESS,
        channel=RequestChannel.EMAIL,
        received_on=date(2026, 10, 30),
        requester_name="Zoë Łukasiewicz-Öztürk",
        requester_email="zoe@lukasiewicz.example",
        subject="Everything you hold about me",
    )
    return rq.RequestInput(**{**base.__dict__, **changes})


def _log(s: Any, **changes: Any) -> str:
    return rq.log_request(s, ADMIN, _input(**changes), SETTINGS, TODAY).ref


def test_a_logged_request_has_a_reference_a_due_date_and_its_first_timeline_entry(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, client_ref=hand_built.zoe)
        detail = rq.get_request(s, ref, SETTINGS)
    assert ref == "R-2026-0001"
    # 30 Oct 2026 + one month = 30 Nov 2026 (a Monday; St Andrew's Day is a holiday in Scotland only).
    assert detail.due_on == date(2026, 11, 30)
    assert detail.status is RequestStatus.NEW
    assert detail.client_ref == hand_built.zoe
    assert detail.events[0].kind is EventKind.RECEIVED
    assert "Everything you hold about me" in detail.events[0].summary
    assert detail.events[0].due_after == date(2026, 11, 30)


def test_the_region_setting_changes_the_due_date(hand_built: HandBuilt) -> None:
    scotland = SETTINGS.with_changes(bank_holiday_region="SCT")
    with hand_built.session() as s:
        ref = rq.log_request(s, ADMIN, _input(), scotland, TODAY).ref
        detail = rq.get_request(s, ref, scotland)
    assert detail.due_on == date(2026, 12, 1)
    assert "Saint Andrew's Day" in detail.due_explanation


def test_references_count_up_within_the_year(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        refs = [_log(s, requester_email=f"p{i}@example.com") for i in range(3)]
    assert refs == ["R-2026-0001", "R-2026-0002", "R-2026-0003"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"received_on": TODAY + timedelta(days=1)}, "received_on", "future"),
        ({"requester_name": "  "}, "requester_name", "name"),
        ({"requester_email": "not an email"}, "requester_email", "not a valid email"),
        ({"requester_phone": "12"}, "requester_phone", "phone"),
        ({"letter_date": date(2026, 10, 31)}, "letter_date", "after the day it arrived"),
        ({"role": RequestRole.PROCESSOR}, "controller_client_ref", "client whose data"),
        ({"client_ref": "C-99999"}, "client_ref", "no client"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    hand_built: HandBuilt, changes: dict[str, Any], field: str, words: str
) -> None:
    with hand_built.session() as s, pytest.raises(FormError) as caught:
        _log(s, **changes)
    assert words in caught.value.problems[field]
    with hand_built.session() as s:
        assert rq.list_requests(s, rq.RequestQuery(), SETTINGS, TODAY) == []


def test_the_list_finds_a_request_by_phone_written_any_way_and_percent_is_literal(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        by_phone = _log(s, requester_phone="020 7946 0018", requester_email="phone@example.com")
        _log(s, requester_email="other@example.com", subject="Refund of 100% of the fee")

        def found(text: str) -> list[str]:
            return [r.ref for r in rq.list_requests(s, rq.RequestQuery(text=text), SETTINGS, TODAY)]

        for typed in ("020 7946 0018", "02079460018", "+44 20 7946 0018", "7946", "(020)"):
            assert found(typed) == [by_phone], typed
        assert found("100%") != [] and found("1%f") == []  # "%" is a character searched for, not a wildcard


def test_a_request_received_before_the_register_existed_is_refused(hand_built: HandBuilt) -> None:
    with hand_built.session() as s, pytest.raises(FormError) as caught:
        rq.log_request(s, ADMIN, _input(), SETTINGS, TODAY, earliest=date(2026, 11, 1))
    assert "created on 1 Nov 2026" in caught.value.problems["received_on"]


def test_an_attachment_that_is_not_what_its_name_says_stops_the_whole_request(hand_built: HandBuilt) -> None:
    bad = rq.NewAttachment("scan.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with hand_built.session() as s, pytest.raises(FormError) as caught:
        _log(s, attachments=(bad,))
    assert "scan.pdf" in caught.value.problems["attachments.0"]
    with hand_built.session() as s:
        assert rq.count_requests(s, rq.RequestQuery(), TODAY) == 0


def test_attachments_are_kept_inside_the_register_byte_for_byte(hand_built: HandBuilt) -> None:
    text = b"Dear Sir or Madam,\nPlease send me my data.\n"
    with hand_built.session() as s:
        ref = _log(s, attachments=(rq.NewAttachment("letter.txt", text),))
        detail = rq.get_request(s, ref, SETTINGS)
        [kept] = detail.attachments
        assert rq.attachment_content(s, kept.id) == ("letter.txt", "text/plain", text)
    assert kept.size == len(text)


def test_phone_identity_questions_answered_confirm_identity(hand_built: HandBuilt) -> None:
    questions = (rq.IdentityAnswer("Postcode on the account", True), rq.IdentityAnswer("Last invoice amount", True))
    with hand_built.session() as s:
        ref = _log(s, channel=RequestChannel.PHONE, requester_phone="020 7946 0018", identity_questions=questions)
        detail = rq.get_request(s, ref, SETTINGS)
    assert detail.identity_status is IdentityStatus.VERIFIED
    assert detail.identity_method is IdentityMethod.SECURITY_QUESTIONS
    assert "Last invoice amount — answered correctly" in detail.identity_evidence
    assert detail.requester_phone == "+442079460018"


def test_the_workflow_moves_the_due_date_and_says_why(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, received_on=date(2026, 10, 1))
        assert rq.get_request(s, ref, SETTINGS).due_on == date(2026, 11, 2)  # 1 Nov is a Sunday

        rq.ask_identity(s, ADMIN, ref, date(2026, 10, 2), "", SETTINGS, TODAY)
        waiting = rq.get_request(s, ref, SETTINGS)
        assert waiting.status is RequestStatus.AWAITING_IDENTITY
        assert waiting.due_on is None and waiting.waiting_for == "identity evidence"

        rq.identity_received(
            s, ADMIN, ref, date(2026, 10, 9), IdentityMethod.DOCUMENT, "Passport seen", SETTINGS, TODAY
        )
        started = rq.get_request(s, ref, SETTINGS)
        assert started.status is RequestStatus.IN_PROGRESS
        assert started.due_on == date(2026, 11, 9)
        assert "identity evidence arrived 9 Oct 2026" in started.due_explanation

        rq.ask_clarification(s, ADMIN, ref, date(2026, 10, 12), "Which website?", SETTINGS, TODAY)
        assert rq.get_request(s, ref, SETTINGS).status is RequestStatus.AWAITING_CLARIFICATION
        rq.clarification_received(s, ADMIN, ref, date(2026, 10, 14), "The shop", SETTINGS, TODAY)
        paused = rq.get_request(s, ref, SETTINGS)
        assert paused.due_on == date(2026, 11, 12)  # 3 days stopped
        assert "clock stopped 3 days for clarification" in paused.due_explanation

        rq.extend(s, ADMIN, ref, date(2026, 11, 2), "Eight years of support tickets", SETTINGS, TODAY)
        extended = rq.get_request(s, ref, SETTINGS)
        assert extended.status is RequestStatus.EXTENDED
        assert extended.due_on == date(2027, 1, 14)  # 9 Jan 2027 is a Saturday: Mon 11 Jan, + 3 days

        rq.complete(s, ADMIN, ref, date(2026, 11, 20), "Report sent by protected email", SETTINGS, TODAY)
        done = rq.get_request(s, ref, SETTINGS)
    assert done.status is RequestStatus.COMPLETED
    assert done.answered_on_time is True
    assert done.actions == [rq.Action.REOPEN]
    kinds = [e.kind for e in done.events]
    assert kinds == [
        EventKind.RECEIVED,
        EventKind.IDENTITY_REQUESTED,
        EventKind.IDENTITY_RECEIVED,
        EventKind.CLARIFICATION_REQUESTED,
        EventKind.CLARIFICATION_RECEIVED,
        EventKind.EXTENDED,
        EventKind.COMPLETED,
    ]
    assert [(e.due_before, e.due_after) for e in done.events][1:3] == [
        (date(2026, 11, 2), None),
        (None, date(2026, 11, 9)),
    ]


def test_an_extension_after_the_first_month_is_refused_and_nothing_changes(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, received_on=date(2026, 9, 1))  # due Thu 1 Oct 2026
        with pytest.raises(ValidationError) as caught:
            rq.extend(s, ADMIN, ref, date(2026, 10, 2), "Complex", SETTINGS, TODAY)
        detail = rq.get_request(s, ref, SETTINGS)
    assert "by 1 Oct 2026" in caught.value.message
    assert detail.extended_on is None and len(detail.events) == 1


def test_a_refusal_needs_a_reason_and_closes_the_request(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        with pytest.raises(ValidationError):
            rq.refuse(s, ADMIN, ref, TODAY, RefusalReason.MANIFESTLY_EXCESSIVE, " ", SETTINGS, TODAY)
        rq.refuse(s, ADMIN, ref, TODAY, RefusalReason.MANIFESTLY_EXCESSIVE, "Third copy this month", SETTINGS, TODAY)
        detail = rq.get_request(s, ref, SETTINGS)
        with pytest.raises(ValidationError) as caught:
            rq.complete(s, ADMIN, ref, TODAY, "x", SETTINGS, TODAY)
    assert detail.status is RequestStatus.REFUSED
    assert detail.refusal_reason is RefusalReason.MANIFESTLY_EXCESSIVE
    assert "reopen it first" in caught.value.message


def test_action_dates_in_the_future_or_before_receipt_are_refused(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        for on in (TODAY + timedelta(days=1), date(2026, 10, 29)):
            with pytest.raises(ValidationError):
                rq.complete(s, ADMIN, ref, on, "Done", SETTINGS, TODAY)


def test_a_complaint_is_due_for_acknowledgement_within_30_days(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, kind=RequestType.COMPLAINT, received_on=date(2026, 11, 2))
        detail = rq.get_request(s, ref, SETTINGS)
        assert detail.due_on == date(2026, 12, 2)
        assert rq.Action.EXTEND not in detail.actions
        rq.acknowledge(s, ADMIN, ref, date(2026, 11, 5), SETTINGS, TODAY)
        acknowledged = rq.get_request(s, ref, SETTINGS)
    assert acknowledged.due_on is None
    assert "without undue delay" in acknowledged.due_explanation


def test_a_request_about_a_clients_data_is_forwarded_to_that_client(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s, role=RequestRole.PROCESSOR, controller_client_ref=hand_built.acme)
        assert rq.Action.FORWARD in rq.get_request(s, ref, SETTINGS).actions
        rq.forward(s, ADMIN, ref, TODAY, "Emailed to their office manager", SETTINGS, TODAY)
        detail = rq.get_request(s, ref, SETTINGS)
    assert detail.forwarded_on == TODAY
    assert detail.controller_ref == hand_built.acme
    assert "Forwarded to Acme" in detail.events[-1].summary


def test_the_audit_log_names_the_request_but_never_the_requester(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _log(s)
        rq.complete(s, ADMIN, ref, TODAY, "Report sent", SETTINGS, TODAY)
        rows = s.query(AuditEntry).filter(AuditEntry.target == f"request:{ref}").all()
    assert [r.action for r in rows] == ["request.logged", "request.complete"]
    assert all("zoe" not in (r.details + r.target).lower() for r in rows)


def test_matching_suggests_the_client_by_email_and_by_a_name_typed_without_accents(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        by_email = rq.suggest_requesters(s, email="ZOE@lukasiewicz.example")
        by_name = rq.suggest_requesters(s, name="zoe ozturk")
    assert [(x.client_ref, x.reason) for x in by_email] == [(hand_built.zoe, "same email")]
    assert hand_built.zoe in {x.client_ref for x in by_name}


def test_a_second_request_of_the_same_type_from_the_same_person_is_flagged(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        first = _log(s)
        dups = rq.likely_duplicates(s, _input(received_on=TODAY))
        other_type = rq.likely_duplicates(s, _input(kind=RequestType.ERASURE))
    assert [(d.ref, d.reason) for d in dups] == [(first, "same email")]
    assert other_type == []


def test_due_lists_and_colours(hand_built: HandBuilt) -> None:
    today = date(2026, 11, 23)  # Monday
    with hand_built.session() as s:
        overdue = _log(s, received_on=date(2026, 10, 19), requester_email="a@example.com")  # due Thu 19 Nov
        soon = _log(s, received_on=date(2026, 10, 26), requester_email="b@example.com")  # due Thu 26 Nov
        later = _log(s, received_on=date(2026, 11, 20), requester_email="c@example.com")  # due 21 Dec
        waiting = _log(s, received_on=date(2026, 11, 20), requester_email="d@example.com")
        rq.ask_clarification(s, ADMIN, waiting, date(2026, 11, 21), "Which site?", SETTINGS, TODAY)
        complaint = _log(s, kind=RequestType.COMPLAINT, received_on=date(2026, 11, 2), requester_email="e@example.com")
        rq.acknowledge(s, ADMIN, complaint, date(2026, 11, 3), SETTINGS, TODAY)
        lists = rq.due_lists(s, SETTINGS, today)
    assert [r.ref for r in lists.overdue] == [overdue]
    assert lists.overdue[0].urgency == rq.Urgency.OVERDUE
    assert lists.overdue[0].countdown == "overdue by 2 working days"
    assert [r.ref for r in lists.due_soon] == [soon]
    assert lists.due_soon[0].urgency == rq.Urgency.SOON and lists.due_soon[0].countdown == "3 working days left"
    assert [r.ref for r in lists.waiting] == [waiting]
    # An acknowledged complaint has no date, but it waits for the agency, not for the requester.
    assert {later, complaint}.isdisjoint({r.ref for r in lists.overdue + lists.due_soon + lists.waiting})


def test_the_csv_export_counts_each_type_and_the_share_answered_on_time(hand_built: HandBuilt, tmp_path: Path) -> None:
    with hand_built.session() as s:
        on_time = _log(s, received_on=date(2026, 9, 1), requester_email="a@example.com")
        late = _log(s, received_on=date(2026, 9, 2), requester_email="b@example.com")
        _log(s, kind=RequestType.ERASURE, requester_email="c@example.com", requester_name='=HYPERLINK("x")')
        rq.complete(s, ADMIN, on_time, date(2026, 9, 20), "Sent", SETTINGS, TODAY)
        rq.complete(s, ADMIN, late, date(2026, 10, 20), "Sent", SETTINGS, TODAY)
        counts = rq.export_requests(s, rq.RequestQuery(), SETTINGS, TODAY, tmp_path / "requests.csv")
    text = (tmp_path / "requests.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("reference,type,channel,status,received,due,closed,answered on time")
    assert "'=HYPERLINK" in text  # a formula is never run by a spreadsheet
    assert "access,2,2,1,50%" in lines
    assert "erasure,1,0,0," in lines
    assert lines[-1] == "all,3,2,1,50%"
    access = next(c for c in counts if c.kind is RequestType.ACCESS)
    assert access.share_on_time == 0.5


def test_the_readme_lists_the_columns_of_the_requests_export() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Requests export**", 1)[1].split("## Command line", 1)[0]
    assert [c for c in rq.CSV_COLUMNS if f"`{c}`" not in section] == []
