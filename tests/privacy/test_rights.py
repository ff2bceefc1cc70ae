"""Restriction (Art. 18) and rectification (Art. 16), each under its request and followed by the Art. 19 notices."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from hartdesk import settings as settings_mod
from hartdesk.errors import ValidationError
from hartdesk.models.enums import IdentityMethod, RequestChannel, RequestType
from hartdesk.privacy import erasure, notices, rights
from hartdesk.privacy import requests as rq
from hartdesk.register import clients
from hartdesk.register.whoholds import who_holds_what
from hartdesk.security import audit, sealing
from hartdesk.storage.verify import verify
from tests.conftest import ADMIN
from tests.privacy import erasure_scenario
from tests.register.conftest import TODAY, HandBuilt

NEW_EMAIL = "zoe.corrected@lukasiewicz.example"


def log(
    who: Any,
    client_ref: str,
    kind: RequestType,
    *,
    verified: bool = True,
    received_on: date = date(2026, 11, 2),
    today: date = TODAY,
) -> str:
    """A request of ``kind`` from the client's own address, its identity confirmed unless ``verified`` is False."""
    with who.register.session() as s:
        return rq.log_request(
            s,
            ADMIN,
            rq.RequestInput(
                kind,
                RequestChannel.EMAIL,
                received_on,
                "The client",
                client_ref=client_ref,
                identity_verified=verified,
                identity_method=IdentityMethod.KNOWN_CONTACT if verified else None,
                identity_evidence="Wrote from the address on file" if verified else "",
            ),
            settings_mod.load(s),
            today,
        ).ref


def _s(session: Any) -> settings_mod.Settings:
    return settings_mod.load(session)


def restrict(hb: HandBuilt, request_ref: str) -> int:
    with hb.session() as s:
        return rights.restrict(s, ADMIN, request_ref, _s(s), TODAY)


def rectify(who: Any, client_ref: str, request_ref: str, today: date = TODAY, **changes: Any) -> list[str]:
    with who.register.session() as s:
        data = replace(clients.get_client(s, client_ref).as_input(), **changes)
        return rights.rectify(s, ADMIN, request_ref, data, settings_mod.load(s), today)


def with_email(who: Any, client_ref: str, email: str) -> Any:
    with who.register.session() as s:
        data = clients.get_client(s, client_ref).as_input()
    data.contacts[0].emails = [email]
    return data


# -- restriction -----------------------------------------------------------------------------------------------------


def test_restrict_marks_the_client_and_tells_every_operator_that_received_its_data(hand_built: HandBuilt) -> None:
    ref = log(hand_built.who, hand_built.zoe, RequestType.RESTRICTION)
    told = restrict(hand_built, ref)

    with hand_built.session() as s:
        detail = clients.get_client(s, hand_built.zoe)
        recipients = who_holds_what(s, hand_built.zoe, settings_mod.load(s), TODAY).recipients
        made = notices.for_request(s, ref)
        timeline = [e.summary for e in rq.get_request(s, ref, settings_mod.load(s)).events]
        logged = audit.query(s, action="client.restricted", target=f"client:{hand_built.zoe}")
    assert detail.restricted_on == TODAY
    assert detail.restriction_note == f"under request {ref}"
    assert sorted(n.operator_name for n in made) == sorted(d.operator_name for d in recipients)
    assert [n.operator_name for n in made] == ["Fasthosts", "Mailchimp"]  # one each, none twice
    assert told == 2 and all(n.due_on == TODAY and not n.is_sent for n in made)
    assert any("Restricted" in line and "2 operator(s) to be told" in line for line in timeline)
    assert json.loads(logged[0].details) == {"request": ref}
    assert rights.restriction_text(detail.restricted_on, detail.restriction_note) == (
        f"Restricted since 21 November 2026 under request {ref}: the data is only stored, not used for anything "
        "else (UK GDPR Art. 18)."
    )


def test_a_second_restriction_is_refused_until_the_first_is_lifted(hand_built: HandBuilt) -> None:
    first = log(hand_built.who, hand_built.zoe, RequestType.RESTRICTION)
    second = log(hand_built.who, hand_built.zoe, RequestType.RESTRICTION)
    restrict(hand_built, first)
    with pytest.raises(ValidationError, match=f"already restricted \\(under request {first}\\)"):
        restrict(hand_built, second)

    with hand_built.session() as s:
        rights.lift_restriction(
            s, ADMIN, hand_built.zoe, "Told the client on 25/11/2026; the dispute is settled", TODAY
        )
    with hand_built.session() as s:
        detail = clients.get_client(s, hand_built.zoe)
        lifted = audit.query(s, action="client.restriction-lifted", target=f"client:{hand_built.zoe}")
    assert detail.restricted_on is None and detail.restriction_note == ""
    assert rights.restriction_text(detail.restricted_on, detail.restriction_note) == ""
    with hand_built.session() as s:
        sealed = json.loads(lifted[0].details)["sealed"]
        opened = sealing.unseal(s, clients.client_id_for(s, hand_built.zoe), sealed)
    assert "dispute" not in lifted[0].details
    assert opened == {"reason": "Told the client on 25/11/2026; the dispute is settled"}
    assert restrict(hand_built, second) == 2


def test_lifting_needs_a_reason_and_a_restriction(hand_built: HandBuilt) -> None:
    with hand_built.session() as s, pytest.raises(ValidationError, match="is not restricted"):
        rights.lift_restriction(s, ADMIN, hand_built.zoe, "Told the client", TODAY)
    restrict(hand_built, log(hand_built.who, hand_built.zoe, RequestType.RESTRICTION))
    with hand_built.session() as s, pytest.raises(ValidationError, match="reason"):
        rights.lift_restriction(s, ADMIN, hand_built.zoe, "   ", TODAY)


# -- rectification ---------------------------------------------------------------------------------------------------


def test_rectify_changes_the_data_and_seals_the_values_before_and_after(hand_built: HandBuilt) -> None:
    ref = log(hand_built.who, hand_built.zoe, RequestType.RECTIFICATION)
    data = with_email(hand_built.who, hand_built.zoe, NEW_EMAIL)
    with hand_built.session() as s:
        changed = rights.rectify(s, ADMIN, ref, replace(data, notes="Spelling of the surname checked"), _s(s), TODAY)
    assert changed == ["notes", "contacts"]

    with hand_built.session() as s:
        detail = clients.get_client(s, hand_built.zoe)
        row = audit.query(s, action="client.rectified", target=f"client:{hand_built.zoe}")[0]
        logged = json.loads(row.details)
        opened = sealing.unseal(s, detail.id, logged["sealed"])
        made = notices.for_request(s, ref)
    assert detail.contacts[0].emails == (NEW_EMAIL,)
    assert detail.notes == "Spelling of the surname checked"
    assert logged["request"] == ref and logged["fields"] == ["notes", "contacts"]
    assert "zoe@lukasiewicz.example" not in row.details and NEW_EMAIL not in row.details  # only sealed
    assert opened is not None
    assert opened["before"]["notes"] == "" and opened["after"]["notes"] == "Spelling of the surname checked"
    assert opened["before"]["contacts"][0]["emails"] == ["zoe@lukasiewicz.example"]
    assert opened["after"]["contacts"][0]["emails"] == [NEW_EMAIL]
    assert [n.operator_name for n in made] == ["Fasthosts", "Mailchimp"]


def test_rectify_without_a_change_is_refused_and_changes_nothing(hand_built: HandBuilt) -> None:
    ref = log(hand_built.who, hand_built.zoe, RequestType.RECTIFICATION)
    with pytest.raises(ValidationError, match="Nothing was changed"):
        rectify(hand_built.who, hand_built.zoe, ref)
    with hand_built.session() as s:
        assert notices.for_request(s, ref) == []
        assert audit.query(s, action="client.rectified") == []


def test_wrong_kind_unconfirmed_identity_and_closed_request_are_refused_in_words(hand_built: HandBuilt) -> None:
    access = log(hand_built.who, hand_built.zoe, RequestType.ACCESS)
    with pytest.raises(ValidationError) as wrong_kind:
        rectify(hand_built.who, hand_built.zoe, access, notes="x")
    assert wrong_kind.value.message == (
        f"{access} is a request for access (a copy of their data), not rectification (correct their data)."
    )
    with pytest.raises(ValidationError, match=f"{access} is a request for access .*, not restriction"):
        restrict(hand_built, access)

    unconfirmed = log(hand_built.who, hand_built.zoe, RequestType.RECTIFICATION, verified=False)
    with pytest.raises(ValidationError) as unchecked:
        rectify(hand_built.who, hand_built.zoe, unconfirmed, notes="x")
    assert unchecked.value.message == (
        f"The identity of the person behind {unconfirmed} is not confirmed: confirm it first."
    )

    closed = log(hand_built.who, hand_built.zoe, RequestType.RECTIFICATION)
    with hand_built.session() as s:
        rq.withdraw(s, ADMIN, closed, TODAY, "Changed their mind", _s(s), TODAY)
    with pytest.raises(ValidationError, match=f"{closed} is already withdrawn: reopen it first."):
        rectify(hand_built.who, hand_built.zoe, closed, notes="x")

    with hand_built.session() as s:
        assert clients.get_client(s, hand_built.zoe).notes == ""  # nothing half-saved


def test_after_the_erasure_the_sealed_values_are_unreadable_and_the_register_still_verifies(
    signed_in_admin: Any, register_dir: Any
) -> None:
    from tests.conftest import run_as_admin

    sc = erasure_scenario.build(signed_in_admin)
    today = erasure_scenario.TODAY
    ref = log(sc.who, sc.client_ref, RequestType.RECTIFICATION, received_on=date(2026, 11, 3), today=today)
    rectify(sc.who, sc.client_ref, ref, today=today, notes="Prefers calls in the evening.")
    with sc.who.register.session() as s:
        rq.complete(s, ADMIN, ref, today, "Corrected", _s(s), today)
        sealed = json.loads(audit.query(s, action="client.rectified")[0].details)["sealed"]
        opened = sealing.unseal(s, sc.client_id, sealed)
        settings = _s(s)
        plan = erasure.plan(s, sc.client_ref, settings, today, request_ref=sc.request_ref)
    assert opened is not None and opened["before"]["notes"] == erasure_scenario.NOTES
    assert plan.can_run, plan.blockers

    erasure.erase(sc.who.register, ADMIN, plan, settings, today)

    with sc.who.register.session() as s:
        row = audit.query(s, action="client.rectified")[0]
        assert json.loads(row.details)["sealed"] == sealed  # the log keeps its row: the chain is whole
        assert sealing.unseal(s, sc.client_id, sealed) is None
    assert all(check.ok for check in verify(sc.who.register)), verify(sc.who.register)
    sc.who.lock()
    code, out, err = run_as_admin(register_dir, "verify")
    assert code == 0, out + err
    assert erasure_scenario.NOTES.encode() not in (register_dir / "register.db").read_bytes()
