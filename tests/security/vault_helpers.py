"""Shared by the vault's unit, command-line and integration tests: a small agency, Alice signed in with TOTP at its
desk, and the register read back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from hartdesk.security.signin import SignedIn, sign_in
from hartdesk.security.vault import CredentialInput, Vault
from tests.conftest import ADMIN, ADMIN_PASSWORD
from tests.totp import FakeClock, code_at, enrol


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


@dataclass
class Desk:
    """Alice (admin, TOTP enrolled) signed in with a code at ``clock``; an agency with two operators."""

    who: SignedIn
    vault: Vault
    clock: FakeClock
    totp: str  # Alice's TOTP secret
    signin_code: str  # the code she signed in with (which counts as a step-up)
    agency: Agency
    register_dir: Path

    @property
    def service(self) -> str:
        """The keyring service this register's secrets are kept under, as DESIGN.md documents it (spelled out here,
        not asked of hartdesk)."""
        return f"hartdesk:{self.who.register.register_id}"


_Desk = TypeVar("_Desk", bound=Desk)


def open_desk(register_dir: Path, make: Callable[..., _Desk], **more: Any) -> _Desk:
    """Alice enrols TOTP and signs in with a code, then builds the agency: ``make`` (:class:`Desk` or a subclass,
    given ``more``) holds it all. The caller locks ``who`` at the end."""
    clock = FakeClock()
    totp = enrol(register_dir, ADMIN, ADMIN_PASSWORD, clock)
    signin_code = code_at(totp, clock.now)
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD, signin_code, clock=clock)
    return make(who, Vault(who), clock, totp, signin_code, build_agency(who), register_dir, **more)


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
