"""Two fictional breaches for the demo register: one settled last spring (reported, people told), and one the agency
learnt of 30 hours ago, still waiting for the ICO decision, so Home shows its countdown."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk.models import BreachDecision, BreachRisk, Client, ClientStatus, Operator
from hartdesk.privacy import breaches
from hartdesk.settings import Settings


def add_breaches(session: Session, actor: str, settings: Settings, now: datetime) -> list[str]:
    """Log the demo's breaches as of ``now`` (aware); return their references."""
    operator = session.scalar(select(Operator.id).where(Operator.name == "Platinum Server Management"))
    clients = list(
        session.scalars(select(Client.ref).where(Client.status == ClientStatus.ACTIVE).order_by(Client.ref).limit(2))
    )
    old_aware = now - timedelta(days=200)
    old = breaches.log_breach(
        session,
        actor,
        breaches.BreachInput(
            summary="Laptop with a copy of the client list stolen from a car",
            aware_at=old_aware,
            occurred_at=old_aware - timedelta(hours=14),
            details="A staff laptop was taken from a locked car. Its disk was encrypted; a spreadsheet of client "
            "contacts had been exported to it the week before.",
            client_refs=tuple(clients),
            consequences="Little: the disk is encrypted with a strong password, so the list cannot be read.",
            measures_taken="Laptop wiped remotely; its accounts' passwords changed; exports to laptops stopped.",
            measures_proposed="Staff reminded not to export client lists.",
            risk=BreachRisk.NONE,
        ),
        settings,
        old_aware + timedelta(hours=2),
    )
    breaches.record_decision(
        session,
        actor,
        old.ref,
        BreachDecision.NOT_NOTIFY,
        "The disk was encrypted (AES-256, BitLocker) and the key was not with the laptop: unlikely to result in a "
        "risk to anyone.",
        old_aware + timedelta(hours=20),
    )
    breaches.close_breach(session, actor, old.ref, old_aware + timedelta(days=3))
    aware = now - timedelta(hours=30)
    new = breaches.log_breach(
        session,
        actor,
        breaches.BreachInput(
            summary="Server management contractor reports an account used from an unknown address",
            aware_at=aware,
            details="Platinum Server Management told us that one of its engineer accounts signed in to two of our "
            "hosting servers from an address it does not recognise. It is investigating.",
            operator_ids=(operator,) if operator else (),
            consequences="Not known yet: the servers hold client websites and mailboxes.",
            measures_taken="The account was disabled and the servers' passwords and keys changed.",
        ),
        settings,
        aware + timedelta(hours=1),
    )
    return [old.ref, new.ref]
