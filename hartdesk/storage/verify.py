"""``hartdesk verify``: every page's HMAC, SQLite integrity, foreign keys and the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from hartdesk.security import audit
from hartdesk.storage.register import OpenRegister


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def verify(reg: OpenRegister) -> list[Check]:
    checks: list[Check] = []
    with reg.engine.connect() as conn:
        hmac_problems = conn.execute(text("PRAGMA cipher_integrity_check")).fetchall()
        checks.append(
            Check(
                "Encryption (page HMACs)",
                not hmac_problems,
                "every page authenticates" if not hmac_problems else f"{len(hmac_problems)} damaged pages",
            )
        )
        integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).fetchall()]
        checks.append(Check("SQLite integrity", integrity == ["ok"], "; ".join(integrity[:3])))
        fk = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
        checks.append(Check("Foreign keys", not fk, "all references resolve" if not fk else f"{len(fk)} broken"))
    with reg.session() as session:
        broken = audit.first_broken_row(session)
    checks.append(
        Check("Audit chain", broken is None, "unbroken" if broken is None else f"broken at audit row {broken}")
    )
    return checks
