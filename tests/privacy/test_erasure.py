"""Erasure: the plan says what goes and what stays; the erasure does exactly that, in one transaction."""

from __future__ import annotations

from typing import Any

import pytest

from hartdesk import settings as settings_mod
from hartdesk.privacy import erasure
from tests.privacy.erasure_scenario import TODAY, Scenario, build


@pytest.fixture
def scenario(signed_in_admin: Any) -> Scenario:
    return build(signed_in_admin)


def _plan(sc: Scenario) -> erasure.ErasurePlan:
    with sc.who.register.session() as s:
        return erasure.plan(s, sc.client_ref, settings_mod.load(s), TODAY, request_ref=sc.request_ref)


def test_the_plan_matches_what_the_erasure_does(scenario: Scenario) -> None:
    p = _plan(scenario)
    assert p.can_run, p.blockers
    with scenario.who.register.session() as s:
        settings = settings_mod.load(s)
    result = erasure.erase(scenario.who.register, "alice", p, settings, TODAY)
    assert result.rows == p.rows
    print(p.erased, p.kept, p.notices)


def test_letters_after_the_erasure(scenario: Scenario) -> None:
    from hartdesk.privacy import notices, produce
    from tests.pdfs import pdf_text

    p = _plan(scenario)
    with scenario.who.register.session() as s:
        settings = settings_mod.load(s)
    erasure.erase(scenario.who.register, "alice", p, settings, TODAY)
    with scenario.who.register.session() as s:
        made = produce.make_erasure_confirmation(s, scenario.request_ref, settings, TODAY)
        print(pdf_text(made.pdf))
        rows = notices.for_request(s, scenario.request_ref)
        print(rows)
        notice = produce.make_operator_notice(s, scenario.request_ref, rows[0].id, settings, TODAY)
        print(pdf_text(notice.pdf))
        produce.printed(s, "alice", notice)
    with scenario.who.register.session() as s:
        print(notices.for_request(s, scenario.request_ref))
        from hartdesk.privacy.requests import get_request

        for e in get_request(s, scenario.request_ref, settings).events:
            print(e.on, e.kind, e.summary)
