"""The breach register and its 72-hour clock (SPEC.md §6), against the hand-built register of
tests/register/conftest.py.

The clock is elapsed time from awareness, so across a change of the UK clocks the deadline's wall-clock time moves
by an hour and the time left does not: 2027 goes to BST on Sunday 28 March (01:00 GMT becomes 02:00 BST), 2026
goes back to GMT on Sunday 25 October (02:00 BST becomes 01:00 GMT).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hartdesk import settings as settings_mod
from hartdesk.dates import UK
from hartdesk.errors import FormError, NotFoundError, ValidationError
from hartdesk.models import BreachDecision, BreachRisk, RecipientCondition, TransferSafeguard
from hartdesk.privacy import breaches
from hartdesk.privacy.breaches import DECIDED, OVERDUE, RUNNING, SOON, URGENT, BreachInput, clock, uk_time
from hartdesk.register import operators
from hartdesk.security import audit
from tests.conftest import ADMIN
from tests.register.conftest import HandBuilt

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
ZOE_CATEGORIES = (
    "Identity",
    "Contact details",
    "Postal address",
    "Billing",
    "Customer Centre account",
    "Domain registrant",
    "Technical logs",
    "Hosted content (as processor)",
)


def uk(year: int, month: int, day: int, hour: int, minute: int, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UK, fold=fold)


# -- the clock ------------------------------------------------------------------------------------------------------


def test_the_72_hours_run_in_elapsed_time_across_the_spring_change() -> None:
    aware = uk(2027, 3, 27, 10, 0)  # Saturday, GMT
    c = clock(aware, aware)
    assert c.deadline == uk(2027, 3, 30, 11, 0)  # Tuesday, BST: an hour later on the wall clock
    assert c.deadline - c.aware_at == timedelta(hours=72)
    assert c.deadline.tzinfo is UTC and c.deadline == datetime(2027, 3, 30, 10, 0, tzinfo=UTC)
    assert uk_time(aware) == "Sat 27 Mar 2027 10:00 GMT"
    assert uk_time(c.deadline) == "Tue 30 Mar 2027 11:00 BST"
    assert c.left == timedelta(hours=72) and c.hours_left == 72.0


def test_the_72_hours_run_in_elapsed_time_across_the_autumn_change() -> None:
    aware = uk(2026, 10, 23, 9, 0)  # Friday, BST
    c = clock(aware, aware)
    assert c.deadline == uk(2026, 10, 26, 8, 0)  # Monday, GMT: an hour earlier on the wall clock
    assert c.deadline - c.aware_at == timedelta(hours=72)
    assert uk_time(c.deadline) == "Mon 26 Oct 2026 08:00 GMT"


def test_the_time_left_across_the_spring_change_is_not_the_wall_clock_difference() -> None:
    aware = uk(2027, 3, 27, 10, 0)
    now = uk(2027, 3, 28, 12, 0)  # 26 hours later on the wall clock, 25 in fact
    assert clock(aware, now).left == timedelta(hours=47)
    # Monday 11:00 BST is 48 elapsed hours: 24 left, amber, though the wall clock says 49 hours have gone.
    monday = uk(2027, 3, 29, 11, 0)
    assert clock(aware, monday).left == timedelta(hours=24)
    assert clock(aware, monday).level == SOON
    assert clock(aware, monday + MINUTE).level == URGENT
    assert clock(aware, uk(2027, 3, 30, 10, 59)).level == URGENT  # 10:59 BST: an hour left, not overdue
    assert clock(aware, uk(2027, 3, 30, 11, 0)).level == OVERDUE


def test_the_colours_across_the_autumn_change() -> None:
    aware = uk(2026, 10, 23, 9, 0)
    # Sunday 08:00 GMT is 48 elapsed hours: 24 left, amber, though the wall clock says only 47 have gone.
    sunday = uk(2026, 10, 25, 8, 0)
    assert clock(aware, sunday).left == timedelta(hours=24)
    assert clock(aware, sunday).level == SOON
    assert clock(aware, sunday + MINUTE).level == URGENT
    # The hour that happens twice: 01:30 BST and 01:30 GMT are an hour apart on the clock.
    first, second = uk(2026, 10, 25, 1, 30, fold=0), uk(2026, 10, 25, 1, 30, fold=1)
    assert clock(aware, first).left - clock(aware, second).left == HOUR
    assert uk_time(first) == "Sun 25 Oct 2026 01:30 BST" and uk_time(second) == "Sun 25 Oct 2026 01:30 GMT"
    assert clock(aware, uk(2026, 10, 26, 7, 59)).level == URGENT
    assert clock(aware, uk(2026, 10, 26, 8, 0)).level == OVERDUE


@pytest.mark.parametrize(
    ("left", "level"),
    [
        (timedelta(hours=72), RUNNING),
        (timedelta(hours=48), RUNNING),  # exactly 48 hours left is not amber yet
        (timedelta(hours=48) - MINUTE, SOON),
        (timedelta(hours=24), SOON),  # exactly 24 hours left is not red
        (timedelta(hours=24) - MINUTE, URGENT),
        (MINUTE, URGENT),
        (timedelta(0), OVERDUE),
        (-timedelta(hours=5), OVERDUE),
    ],
)
def test_the_levels_at_their_boundaries(left: timedelta, level: str) -> None:
    aware = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    c = clock(aware, aware + timedelta(hours=72) - left)
    assert c.left == left
    assert c.level == level
    assert clock(aware, aware + timedelta(hours=72) - left, decided=True).level == DECIDED


def test_hours_left_is_a_number_negative_when_overdue() -> None:
    aware = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert clock(aware, aware + timedelta(hours=1, minutes=30)).hours_left == 70.5
    assert clock(aware, aware + timedelta(hours=75, minutes=15)).hours_left == -3.2


def test_the_clock_in_words() -> None:
    aware = uk(2026, 10, 23, 9, 0).astimezone(UTC)  # UTC: adding hours to a UK time adds wall-clock hours
    by = "(by Mon 26 Oct 2026 08:00 GMT)"
    assert clock(aware, aware).words() == f"72 hours left to decide on reporting to the ICO {by}"
    assert clock(aware, aware + timedelta(hours=62, minutes=30)).words() == (
        f"9 hours 30 min left to decide on reporting to the ICO {by}"
    )
    assert clock(aware, aware + timedelta(hours=71)).words().startswith("1 hour left")
    assert clock(aware, aware + timedelta(hours=71, minutes=15)).words().startswith("45 min left")
    assert clock(aware, aware + timedelta(hours=74)).words() == (
        "ICO deadline passed 2 hours ago (Mon 26 Oct 2026 08:00 GMT)"
    )
    assert clock(aware, aware + timedelta(hours=74), decided=True).words() == "ICO decision recorded"


def test_the_clock_needs_aware_datetimes() -> None:
    with pytest.raises(ValueError, match="aware datetimes"):
        clock(datetime(2026, 11, 1, 9, 0), NOW)
    with pytest.raises(ValueError, match="aware datetimes"):
        clock(NOW, datetime(2026, 11, 21, 12, 0))


# -- validation -----------------------------------------------------------------------------------------------------


def _problems(data: BreachInput, now: datetime = NOW) -> dict[str, str]:
    with pytest.raises(FormError) as exc:
        breaches.validate(data, now)
    return exc.value.problems


def test_awareness_cannot_be_in_the_future() -> None:
    assert "future" in _problems(BreachInput("Laptop stolen", NOW + HOUR))["aware_at"]
    assert breaches.validate(BreachInput("Laptop stolen", NOW + 4 * MINUTE), NOW).aware_at == NOW + 4 * MINUTE


def test_a_breach_cannot_happen_after_the_agency_became_aware_of_it() -> None:
    problems = _problems(BreachInput("Laptop stolen", NOW - HOUR, occurred_at=NOW - MINUTE))
    assert "after the agency became aware" in problems["occurred_at"]
    assert breaches.validate(BreachInput("Laptop stolen", NOW - HOUR, occurred_at=NOW - 2 * HOUR), NOW)


def test_naive_datetimes_are_refused() -> None:
    problems = _problems(BreachInput("Laptop stolen", datetime(2026, 11, 20, 9, 0)))
    assert "time zone" in problems["aware_at"]
    problems = _problems(BreachInput("Laptop stolen", NOW - HOUR, occurred_at=datetime(2026, 11, 20, 9, 0)))
    assert "time zone" in problems["occurred_at"]


def test_validate_reports_every_problem_and_tidies_the_rest() -> None:
    problems = _problems(BreachInput("  ", NOW + HOUR, people_count=-1))
    assert set(problems) == {"summary", "aware_at", "people_count"}
    clean = breaches.validate(
        BreachInput(
            "  Email   sent to the wrong client ",
            NOW - HOUR,
            client_refs=(" c-00002", "C-00001", "c-00001 ", " "),
            operator_ids=(3, 1, 3),
            categories=(" Identity", "Identity", ""),
        ),
        NOW,
    )
    assert clean.summary == "Email sent to the wrong client"
    assert clean.client_refs == ("C-00001", "C-00002")
    assert clean.operator_ids == (1, 3)
    assert clean.categories == ("Identity",)


# -- the estimate ---------------------------------------------------------------------------------------------------


def _estimate(hb: HandBuilt, **chosen: Any) -> breaches.Estimate:
    with hb.session() as s:
        return breaches.estimate(s, settings_mod.load(s), NOW, **chosen)


def test_the_estimate_for_chosen_clients(hand_built: HandBuilt) -> None:
    zoe = _estimate(hand_built, client_refs=[hand_built.zoe.lower()])
    assert zoe.client_refs == (hand_built.zoe,)
    assert zoe.people == 1  # her one contact
    assert zoe.records == 9  # client, contact, email and phone, address, two services, two invoices
    assert zoe.categories == ZOE_CATEGORIES  # from who holds what
    both = _estimate(hand_built, client_refs=[hand_built.zoe, hand_built.acme])
    assert (both.people, both.records) == (2, 9 + 5)
    closed = _estimate(hand_built, client_refs=[hand_built.closed])
    assert (closed.people, closed.records, closed.categories) == (1, 2, ("Identity",))  # no contact: the client


def test_an_operator_alone_reaches_the_clients_whose_live_services_name_it_and_what_it_receives(
    hand_built: HandBuilt,
) -> None:
    fasthosts = _estimate(hand_built, operator_ids=[hand_built.fasthosts])
    assert fasthosts.client_refs == (hand_built.zoe,)
    assert fasthosts.categories == ("Contact details", "Domain registrant", "Hosted content (as processor)")
    assert (fasthosts.people, fasthosts.records) == (1, 9)
    # GoDaddy registered only the closed client's domain, which has ended.
    assert _estimate(hand_built, operator_ids=[hand_built.godaddy]) == breaches.Estimate((), 0, 0, ())
    # Chosen with the client, the whole of what the client holds is at stake.
    assert _estimate(hand_built, client_refs=[hand_built.zoe], operator_ids=[hand_built.fasthosts]).categories == (
        ZOE_CATEGORIES
    )


def test_an_operator_receiving_for_every_client_reaches_every_client(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        xero = operators.create_operator(
            s, ADMIN, operators.OperatorInput("Xero", "Accounts", "GB", TransferSafeguard.NOT_RESTRICTED)
        )
        operators.add_rule(s, ADMIN, xero, "billing", None, RecipientCondition.ALWAYS, "Invoicing")
    every = _estimate(hand_built, operator_ids=[xero])
    assert every.client_refs == (hand_built.zoe, hand_built.acme, hand_built.closed)
    assert every.people == 3
    assert every.categories == ("Billing",)  # only Zoë has invoices


def test_an_operator_receiving_only_with_marketing_consent_reaches_only_those_who_consented(
    hand_built: HandBuilt,
) -> None:
    # Mailchimp receives contact details for every client who gave marketing consent: Zoë only (as who-holds-what).
    mailchimp = _estimate(hand_built, operator_ids=[hand_built.mailchimp])
    assert mailchimp.client_refs == (hand_built.zoe,)
    assert mailchimp.categories == ("Contact details",)


# -- logging and updating -------------------------------------------------------------------------------------------


def _log(hb: HandBuilt, data: BreachInput, now: datetime = NOW) -> str:
    with hb.session() as s:
        return breaches.log_breach(s, ADMIN, data, settings_mod.load(s), now).ref


def _detail(hb: HandBuilt, ref: str, now: datetime = NOW) -> breaches.BreachDetail:
    with hb.session() as s:
        return breaches.get_breach(s, ref, now)


def test_logging_estimates_what_is_not_given_and_starts_the_clock(hand_built: HandBuilt) -> None:
    aware = uk(2026, 11, 20, 9, 30)
    ref = _log(hand_built, BreachInput("Invoice emailed to the wrong client", aware, client_refs=(hand_built.zoe,)))
    assert ref == "B-2026-0001"
    d = _detail(hand_built, ref)
    assert (d.people_count, d.records_count, d.categories) == (1, 9, ZOE_CATEGORIES)
    assert d.clients == ((hand_built.zoe, "Zoë Łukasiewicz-Öztürk"),)
    assert d.clock.deadline == aware + timedelta(hours=72) and d.clock.level == SOON  # 45.5 hours left
    assert [(e.kind, e.by) for e in d.events] == [("logged", ADMIN)]
    assert "Aware since Fri 20 Nov 2026 09:30 GMT" in d.events[0].summary
    given = _log(hand_built, BreachInput("Phone lost", aware, people_count=40, records_count=0, categories=("X",)))
    assert given == "B-2026-0002"
    d = _detail(hand_built, given)
    assert (d.people_count, d.records_count, d.categories) == (40, 0, ("X",))


def test_the_reference_year_is_the_uk_year_of_awareness(hand_built: HandBuilt) -> None:
    new_year = datetime(2026, 12, 31, 20, 0, tzinfo=UTC) + timedelta(hours=4, minutes=30)  # 00:30 on 1 Jan, UK
    ref = _log(hand_built, BreachInput("Server broken into", new_year), now=new_year + HOUR)
    assert ref == "B-2027-0001"


def test_an_unknown_client_is_refused(hand_built: HandBuilt) -> None:
    with pytest.raises(FormError) as exc:
        _log(hand_built, BreachInput("Laptop stolen", NOW, client_refs=("C-99999",)))
    assert exc.value.problems == {"client_refs": "There is no client C-99999."}


def test_logging_is_audited_without_personal_data(hand_built: HandBuilt) -> None:
    ref = _log(hand_built, BreachInput("Zoë's invoices sent to Acme", NOW - HOUR, client_refs=(hand_built.zoe,)))
    with hand_built.session() as s:
        row = audit.query(s, action="breach.logged")[0]
    assert (row.actor, row.target, json.loads(row.details)) == (ADMIN, f"breach:{ref}", {})


def test_update_reports_the_changed_fields_and_audits_their_names_only(hand_built: HandBuilt) -> None:
    ref = _log(hand_built, BreachInput("Invoice emailed to the wrong client", NOW - HOUR))
    data = _detail(hand_built, ref).as_input()
    with hand_built.session() as s:
        same = breaches.update_breach(s, ADMIN, ref, data, settings_mod.load(s), NOW)
    assert same == []
    changed = replace(
        data, summary="Zoë's invoice emailed to Acme", risk=BreachRisk.RISK, consequences="Her address is known"
    )
    with hand_built.session() as s:
        names = breaches.update_breach(s, ADMIN, ref, changed, settings_mod.load(s), NOW)
        rows = audit.query(s, action="breach.updated")
    assert names == ["summary", "consequences", "risk"]
    assert len(rows) == 1 and rows[0].target == f"breach:{ref}"
    assert json.loads(rows[0].details) == {"fields": names}
    assert "Zoë" not in rows[0].details and "address" not in rows[0].details
    d = _detail(hand_built, ref)
    assert d.risk is BreachRisk.RISK and d.summary == "Zoë's invoice emailed to Acme"
    assert [e.kind for e in d.events] == ["logged", "updated"]
    assert d.events[-1].summary == "Updated: summary, consequences, risk"


def test_update_keeps_the_clock_on_the_same_moment_whatever_its_zone(hand_built: HandBuilt) -> None:
    aware = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    ref = _log(hand_built, BreachInput("Laptop stolen", aware))
    data = replace(_detail(hand_built, ref).as_input(), aware_at=aware.astimezone(UK))
    with hand_built.session() as s:
        assert breaches.update_breach(s, ADMIN, ref, data, settings_mod.load(s), NOW) == []


def test_an_unknown_breach_is_not_found(hand_built: HandBuilt) -> None:
    with hand_built.session() as s, pytest.raises(NotFoundError, match="There is no breach B-2026-0099"):
        breaches.get_breach(s, "B-2026-0099", NOW)


# -- the decision and the ICO ---------------------------------------------------------------------------------------


def _decide(hb: HandBuilt, ref: str, decision: BreachDecision, reason: str = "", now: datetime = NOW) -> None:
    with hb.session() as s:
        breaches.record_decision(s, ADMIN, ref, decision, reason, now)


def test_the_decision_needs_the_risk_assessed_first(hand_built: HandBuilt) -> None:
    ref = _log(hand_built, BreachInput("Laptop stolen", NOW - HOUR))
    with pytest.raises(ValidationError, match="Assess the risk"):
        _decide(hand_built, ref, BreachDecision.NOTIFY)


@pytest.mark.parametrize("risk", [BreachRisk.RISK, BreachRisk.HIGH])
def test_a_breach_with_a_risk_cannot_go_unreported(hand_built: HandBuilt, risk: BreachRisk) -> None:
    ref = _log(hand_built, BreachInput("Laptop stolen", NOW - HOUR, risk=risk))
    with pytest.raises(ValidationError, match="must be reported to the ICO"):
        _decide(hand_built, ref, BreachDecision.NOT_NOTIFY, "It was encrypted")
    _decide(hand_built, ref, BreachDecision.NOTIFY)
    assert _detail(hand_built, ref).decision is BreachDecision.NOTIFY


def test_not_reporting_needs_a_reason_and_stops_the_clock(hand_built: HandBuilt) -> None:
    ref = _log(hand_built, BreachInput("Encrypted laptop stolen", NOW - HOUR, risk=BreachRisk.NONE))
    with pytest.raises(ValidationError, match="Enter the reason"):
        _decide(hand_built, ref, BreachDecision.NOT_NOTIFY, "  ")
    _decide(hand_built, ref, BreachDecision.NOT_NOTIFY, "Full-disk encryption, key not with it")
    d = _detail(hand_built, ref)
    assert (d.decision, d.decision_reason, d.decided_at) == (
        BreachDecision.NOT_NOTIFY,
        "Full-disk encryption, key not with it",
        NOW,
    )
    assert d.clock.level == DECIDED
    assert d.events[-1].kind == "decided" and "Why: Full-disk encryption" in d.events[-1].summary
    with hand_built.session() as s:
        assert json.loads(audit.query(s, action="breach.decided")[0].details) == {"decision": "not-notify"}


def test_a_late_decision_says_so_on_the_timeline(hand_built: HandBuilt) -> None:
    ref = _log(hand_built, BreachInput("Laptop stolen", NOW - timedelta(hours=80), risk=BreachRisk.RISK))
    _decide(hand_built, ref, BreachDecision.NOTIFY)
    assert _detail(hand_built, ref).events[-1].summary.endswith("(after the 72 hours)")


def _told_ico(hb: HandBuilt, ref: str, at: datetime, late_reason: str = "") -> breaches.BreachDetail:
    with hb.session() as s:
        breaches.record_ico_notified(s, ADMIN, ref, at, "ICO/123456", late_reason, NOW)
    return _detail(hb, ref)


def test_the_ico_notice_follows_the_decision_and_a_late_one_needs_reasons(hand_built: HandBuilt) -> None:
    aware = NOW - timedelta(hours=100)
    ref = _log(hand_built, BreachInput("Laptop stolen", aware, risk=BreachRisk.RISK), now=aware)
    with pytest.raises(ValidationError, match="Record the decision"):
        _told_ico(hand_built, ref, aware + HOUR)
    _decide(hand_built, ref, BreachDecision.NOTIFY, now=aware + HOUR)
    with pytest.raises(FormError) as exc:
        _told_ico(hand_built, ref, NOW + HOUR)
    assert "ico_notified_at" in exc.value.problems
    with pytest.raises(FormError) as exc:
        _told_ico(hand_built, ref, aware + timedelta(hours=73))
    assert "reasons for the delay" in exc.value.problems["late_reason"]
    d = _told_ico(hand_built, ref, aware + timedelta(hours=73), "The owner was abroad")
    assert (d.ico_reference, d.late_reason) == ("ICO/123456", "The owner was abroad")
    assert [e.kind for e in d.events] == ["logged", "decided", "ico-notified"]
    assert d.events[-1].summary == (
        "Reported to the ICO on Fri 20 Nov 2026 09:00 GMT, reference ICO/123456. Late because: The owner was abroad"
    )


def test_an_ico_notice_within_72_hours_needs_no_reasons(hand_built: HandBuilt) -> None:
    aware = NOW - timedelta(hours=100)
    ref = _log(hand_built, BreachInput("Laptop stolen", aware, risk=BreachRisk.HIGH))
    _decide(hand_built, ref, BreachDecision.NOTIFY)
    d = _told_ico(hand_built, ref, aware + timedelta(hours=72))  # exactly 72 hours is in time
    assert d.ico_notified_at == aware + timedelta(hours=72) and d.late_reason == ""


def test_updates_people_and_controllers_told_and_closing(hand_built: HandBuilt) -> None:
    ref = _log(hand_built, BreachInput("Laptop stolen", NOW - 2 * HOUR, risk=BreachRisk.HIGH), now=NOW - 2 * HOUR)
    with hand_built.session() as s:
        breaches.add_update(s, ADMIN, ref, "Laptop found wiped", NOW - HOUR, to_ico=True)
        breaches.record_controllers_told(s, ADMIN, ref, NOW - HOUR)
        breaches.record_people_told(s, ADMIN, ref, NOW, "Email to each")
        with pytest.raises(ValidationError, match="before closing"):
            breaches.close_breach(s, ADMIN, ref, NOW)
    _decide(hand_built, ref, BreachDecision.NOTIFY)
    with hand_built.session() as s:
        breaches.close_breach(s, ADMIN, ref, NOW)
    d = _detail(hand_built, ref)
    assert d.closed_at == NOW and d.people_told_at == NOW and d.controllers_told_at == NOW - HOUR
    assert [e.kind for e in d.events] == [
        "logged",
        "ico-update",
        "controllers-told",
        "people-told",
        "decided",
        "closed",
    ]


# -- the list -------------------------------------------------------------------------------------------------------


def test_the_list_is_newest_first_and_the_undecided_soonest_first(hand_built: HandBuilt) -> None:
    old = _log(hand_built, BreachInput("Old", NOW - timedelta(hours=50), risk=BreachRisk.NONE))
    new = _log(hand_built, BreachInput("New", NOW - HOUR, client_refs=(hand_built.zoe, hand_built.acme)))
    middle = _log(hand_built, BreachInput("Middle", NOW - timedelta(hours=10)))
    with hand_built.session() as s:
        rows = breaches.list_breaches(s, NOW)
        assert [r.ref for r in rows] == [new, middle, old]
        assert [r.clients for r in rows] == [2, 0, 0]
        assert [r.clock.hours_left for r in rows] == [71.0, 62.0, 22.0]
        assert [r.clock.level for r in rows] == [RUNNING, RUNNING, URGENT]
        assert [r.ref for r in breaches.list_breaches(s, NOW, undecided_only=True)] == [old, middle, new]
    _decide(hand_built, old, BreachDecision.NOT_NOTIFY, "Nothing personal in it")
    with hand_built.session() as s:
        assert [r.ref for r in breaches.list_breaches(s, NOW, undecided_only=True)] == [middle, new]
        row = next(r for r in breaches.list_breaches(s, NOW) if r.ref == old)
    assert (row.decision, row.clock.level, row.ico_reference) == (BreachDecision.NOT_NOTIFY, DECIDED, "")


def test_the_demo_register_has_a_settled_breach_and_one_counting_down(tmp_path) -> None:
    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER, create_demo
    from hartdesk.security.signin import sign_in

    create_demo(tmp_path / "demo", clients=5)
    who = sign_in(tmp_path / "demo", DEMO_USER, DEMO_PASSWORD)
    try:
        with who.register.session() as s:
            rows = breaches.list_breaches(s, datetime.now(UTC))
    finally:
        who.lock()
    assert [r.decision for r in rows] == [None, BreachDecision.NOT_NOTIFY]
    assert rows[0].clock.level == breaches.SOON and 41 <= rows[0].clock.hours_left <= 42
