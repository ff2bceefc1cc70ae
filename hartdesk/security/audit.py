"""The audit chain: append-only rows, each hashing the previous row's hash with its own canonical content.

Details must never hold a secret (passwords, keys, TOTP secrets, credentials) or personal data beyond the
reference of the record acted on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk.models import AuditEntry
from hartdesk.models.base import utcnow

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    details: str


def _canonical(entry_id: int, at: datetime, actor: str, action: str, target: str, details: str) -> str:
    return json.dumps(
        {
            "id": entry_id,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    details: dict[str, object] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one row to the chain, in the caller's transaction."""
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    entry_id = 1 if last is None else last.id + 1
    prev_hash = GENESIS if last is None else last.hash
    when = at or utcnow()
    details_text = json.dumps(details or {}, sort_keys=True, ensure_ascii=False)
    entry = AuditEntry(
        id=entry_id,
        at=when,
        actor=actor,
        action=action,
        target=target,
        details=details_text,
        prev_hash=prev_hash,
        hash=_hash(prev_hash, _canonical(entry_id, when, actor, action, target, details_text)),
    )
    session.add(entry)
    session.flush()
    return entry


def first_broken_row(session: Session) -> int | None:
    """The id of the first row whose content, order or link does not match the chain; None if all hold."""
    prev_hash = GENESIS
    expected_id = 1
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        if entry.id != expected_id or entry.prev_hash != prev_hash:
            return entry.id
        canonical = _canonical(entry.id, entry.at, entry.actor, entry.action, entry.target, entry.details)
        if entry.hash != _hash(prev_hash, canonical):
            return entry.id
        prev_hash = entry.hash
        expected_id += 1
    return None


def query(
    session: Session,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
    target: str | None = None,
) -> list[AuditRow]:
    """Newest first, filtered in SQL; ``target`` picks the rows about one record (e.g. ``client:C-00042``)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    if target:
        stmt = stmt.where(AuditEntry.target == target)
    rows = session.execute(stmt.limit(limit).offset(offset)).scalars()
    return [AuditRow(e.id, e.at, e.actor, e.action, e.target, e.details) for e in rows]


def distinct_values(session: Session) -> tuple[list[str], list[str]]:
    """The actors and actions that occur, for filter pick-lists."""
    actors = sorted(session.execute(select(AuditEntry.actor).distinct()).scalars())
    actions = sorted(session.execute(select(AuditEntry.action).distinct()).scalars())
    return actors, actions
