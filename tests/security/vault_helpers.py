"""Shared by the vault's unit, command-line and integration tests: a clock, TOTP enrolment and a small agency."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp

from hartdesk.security.vault import CredentialInput

T0 = 1_800_000_000.0  # 2027-01-15, a time step boundary


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def code_at(secret: str, at: float) -> str:
    return str(pyotp.TOTP(secret).at(at))


def wrong_code(secret: str, at: float) -> str:
    """A well-formed code that matches none of the steps accepted at ``at`` (one step of drift either way)."""
    near = {code_at(secret, at + drift) for drift in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(100_000, 1_000_000, 7919)) if c not in near)


def enrol(register_dir: Path, username: str, password: str, clock: FakeClock) -> str:
    """Give ``username`` TOTP (confirmed with the code at ``clock``), then move the clock to the next step.
    Returns the TOTP secret."""
    from hartdesk.security import staff
    from hartdesk.security.signin import sign_in

    who = sign_in(register_dir, username, password, clock=clock)
    try:
        secret = str(pyotp.parse_uri(staff.start_totp_enrolment(who, username)).secret)
        staff.confirm_totp(who, username, code_at(secret, clock.now))
    finally:
        who.lock()
    clock.now += 30
    return secret


@dataclass(frozen=True)
class Agency:
    fasthosts: int  # operator ids
    godaddy: int
    zoe_ref: str  # a client with a domain and hosting at Fasthosts
    zoe_id: int
    zoe_domain: int  # service ids
    zoe_hosting: int
    acme_ref: str  # a client with a domain at GoDaddy
    acme_id: int
    acme_domain: int


def build_agency(who: Any) -> Agency:
    from hartdesk.models import ServiceKind, TransferSafeguard
    from hartdesk.register import clients, operators, services
    from hartdesk.register.clients import ClientInput

    actor = who.username
    with who.register.session() as s:
        fasthosts = operators.create_operator(
            s, actor, operators.OperatorInput("Fasthosts", "Registrar", "GB", TransferSafeguard.NOT_RESTRICTED)
        )
        godaddy = operators.create_operator(
            s, actor, operators.OperatorInput("GoDaddy", "Registrar", "US", TransferSafeguard.UK_ADEQUACY)
        )
        zoe = clients.create_client(s, actor, ClientInput(name="Zoë Łukasiewicz"))
        acme = clients.create_client(s, actor, ClientInput(name="Acme Widgets Ltd"))
        # The domain's name sorts after the hosting plan's, while its id is lower: ids and names differ in order.
        zoe_domain = services.add_service(
            s,
            actor,
            zoe,
            services.ServiceInput(ServiceKind.DOMAIN_REGISTRATION, "zukasiewicz.example", operators=["Fasthosts"]),
        )
        zoe_hosting = services.add_service(
            s, actor, zoe, services.ServiceInput(ServiceKind.WEB_HOSTING, "alpha.example", operators=["Fasthosts"])
        )
        acme_domain = services.add_service(
            s,
            actor,
            acme,
            services.ServiceInput(ServiceKind.DOMAIN_REGISTRATION, "acme-widgets.example", operators=["GoDaddy"]),
        )
        return Agency(
            fasthosts=fasthosts,
            godaddy=godaddy,
            zoe_ref=zoe,
            zoe_id=clients.client_id_for(s, zoe),
            zoe_domain=zoe_domain,
            zoe_hosting=zoe_hosting,
            acme_ref=acme,
            acme_id=clients.client_id_for(s, acme),
            acme_domain=acme_domain,
        )


def login(operator_id: int | None, account: str = "ops@pemberton.example", **more: Any) -> CredentialInput:
    return CredentialInput(operator_id=operator_id, account_name=account, **more)


def register_text(who: Any) -> str:
    """Every row of every table of the register, decrypted, as one text (to look for secrets in)."""
    from sqlalchemy import select

    from hartdesk.models.base import Base

    parts: list[str] = []
    with who.register.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def audit_rows(who: Any) -> list[Any]:
    """The whole audit log, oldest first."""
    from hartdesk.security import audit

    with who.register.session() as session:
        return list(reversed(audit.query(session, limit=100_000)))
