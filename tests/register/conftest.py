"""A small register built by hand, whose every answer is known: three operators, three clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from hartdesk.models import (
    AddressKind,
    ClientKind,
    ClientStatus,
    ConsentChange,
    InvoiceStatus,
    RecipientCondition,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
)
from hartdesk.register import clients, operators, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from tests.conftest import ADMIN

TODAY = date(2026, 11, 21)


@dataclass
class HandBuilt:
    who: Any
    zoe: str  # an individual with a domain at Fasthosts, hosting, marketing consent and two invoices
    acme: str  # an organisation with no services and no consent
    closed: str  # a closed client whose domain ended
    fasthosts: int
    godaddy: int
    mailchimp: int

    def session(self) -> Any:
        return self.who.register.session()


def build(who: Any) -> HandBuilt:
    with who.register.session() as s:
        fasthosts = operators.create_operator(
            s, ADMIN, operators.OperatorInput("Fasthosts", "Registrar", "GB", TransferSafeguard.NOT_RESTRICTED)
        )
        godaddy = operators.create_operator(
            s, ADMIN, operators.OperatorInput("GoDaddy", "Registrar", "US", TransferSafeguard.UK_ADEQUACY)
        )
        mailchimp = operators.create_operator(
            s, ADMIN, operators.OperatorInput("Mailchimp", "Newsletters", "US", TransferSafeguard.ADDENDUM)
        )
        for op_id in (fasthosts, godaddy):
            operators.add_rule(s, ADMIN, op_id, "domain_registrant", ServiceKind.DOMAIN_REGISTRATION)
            operators.add_rule(s, ADMIN, op_id, "contact", ServiceKind.DOMAIN_REGISTRATION)
        operators.add_rule(s, ADMIN, fasthosts, "hosted_content", ServiceKind.WEB_HOSTING, purpose="Servers")
        operators.add_rule(
            s, ADMIN, mailchimp, "contact", None, RecipientCondition.MARKETING_CONSENT, "Sending our newsletter"
        )
        zoe = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name="Zoë Łukasiewicz-Öztürk",
                kind=ClientKind.INDIVIDUAL,
                customer_centre_ref="CC-1001",
                contacts=[ContactInput("Zoë Łukasiewicz-Öztürk", "", ["zoe@lukasiewicz.example"], ["020 7946 0018"])],
                addresses=[AddressInput(AddressKind.BILLING, "4 Quay Street", town="Truro", postcode="tr1 2hd")],
            ),
            today=date(2020, 5, 1),
        )
        services.add_service(
            s,
            ADMIN,
            zoe,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                "lukasiewicz.example",
                operators=["Fasthosts"],
                registrant_name="Zoë Łukasiewicz-Öztürk",
                registrant_email="zoe@lukasiewicz.example",
            ),
        )
        services.add_service(
            s,
            ADMIN,
            zoe,
            services.ServiceInput(ServiceKind.WEB_HOSTING, "lukasiewicz.example", operators=["Fasthosts"]),
        )
        for number, issued in (("INV-1", date(2024, 3, 31)), ("INV-2", date(2024, 4, 1))):
            services.add_invoice(
                s, ADMIN, zoe, services.InvoiceInput(number, issued, 1200, InvoiceStatus.PAID, "Zoë Ł-Ö", "Truro")
            )
        clients.record_consent(
            s, ADMIN, zoe, ConsentChange.GIVEN, "Ticked the box on the order form", datetime(2021, 1, 5, tzinfo=UTC)
        )
        acme = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name="Acme Widgets Ltd",
                contacts=[ContactInput("Ñoño Đorđević", "Director", ["nono@acme.example"], ["+33 1 23 45 67 89"])],
                addresses=[
                    AddressInput(
                        AddressKind.BILLING, "1 Rue de Rivoli", town="Paris", postcode="75001", country="France"
                    )
                ],
            ),
        )
        closed = clients.create_client(
            s, ADMIN, ClientInput(name="Søren Ærø", kind=ClientKind.INDIVIDUAL), today=date(2019, 1, 1)
        )
        services.add_service(
            s,
            ADMIN,
            closed,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                "aero.example",
                status=ServiceStatus.ENDED,
                start_date=date(2019, 1, 1),
                end_date=date(2025, 1, 31),
                operators=["GoDaddy"],
                registrant_name="Søren Ærø",
            ),
        )
        clients.set_status(s, ADMIN, closed, ClientStatus.CLOSED, date(2025, 1, 31))
    return HandBuilt(who, zoe, acme, closed, fasthosts, godaddy, mailchimp)


@pytest.fixture
def hand_built(signed_in_admin: Any) -> Iterator[HandBuilt]:
    yield build(signed_in_admin)


@pytest.fixture
def built_register(register_dir: Any) -> Any:
    """The hand-built register, closed again (for the command line, which opens it itself)."""
    from hartdesk.security.signin import sign_in
    from tests.conftest import ADMIN_PASSWORD

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        build(who)
    finally:
        who.lock()
    return register_dir
