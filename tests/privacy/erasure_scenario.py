"""A client asking to be forgotten, with data in every corner of the register: contacts, addresses, notes, consent,
ended services with a registrant, invoices, two vault logins (one only theirs, one shared), an earlier request with
a file, the erasure request itself (arrived by email, with the message attached) and a data report sent to them.

Every personal value is a string found nowhere else in the register, so a test can look for it in the file's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hartdesk import settings as settings_mod
from hartdesk.models import (
    AddressKind,
    ClientKind,
    ConsentChange,
    InvoiceStatus,
    RecipientCondition,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
)
from hartdesk.models.enums import DocumentKind, IdentityMethod, RequestChannel, RequestType
from hartdesk.privacy import requests
from hartdesk.privacy.requests import NewAttachment, RequestInput
from hartdesk.register import clients, documents, operators, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from hartdesk.security.vault import CredentialInput, Vault
from tests.conftest import ADMIN

TODAY = date(2026, 11, 20)

NAME = "Wilhelmina Quarrendon-Fyfe"
PARTNER = "Barnaby Quillfeather"  # a second contact
EMAILS = ("wilhelmina@quarrendon.example", "accounts.wqf@quarrendon.example")
PHONES = ("+442079460731",)  # stored as E.164; typed as 020 7946 0731
ADDRESS_LINES = ("Flat 9, Tolgarrick House", "Penwithick Lane", "PL26 8ZZ")
NOTES = "Prefers calls after the school run; allergic to spam."
DOMAIN = "quarrendon-fyfe.example"
ATTACHMENT_TEXT = "Scanned lease for Tolgarrick House, private and confidential"
EMAIL_BODY = "Please forget me entirely. My old number was 07700 900731. Wilhelmina"
BILLED_NAME = "W. Quarrendon-Fyfe"
BILLED_ADDRESS = "Flat 9, Tolgarrick House\nPL26 8ZZ"
LOGIN_OWN = "wqf-registrar-login"
LOGIN_SHARED = "agency-reseller-account"
SECRET_OWN = "Own-Secret-For-Wilhelmina-1"
SECRET_SHARED = "Shared-Reseller-Secret-2"

# Everything that must be gone after the erasure, from the file and from every query.
ERASED_VALUES = (
    PARTNER,
    *EMAILS[1:],
    "2079460731",
    ADDRESS_LINES[1],
    NOTES,
    DOMAIN,
    ATTACHMENT_TEXT,
    "07700 900731",
    LOGIN_OWN,
    "Tolgarrick lease.txt",
)


@dataclass
class Scenario:
    who: Any
    client_ref: str
    client_id: int
    other_ref: str  # a client sharing a login, never touched
    request_ref: str  # the erasure request
    earlier_ref: str  # an access request answered last year
    fasthosts: int
    mailchimp: int
    login_own: int
    login_shared: int


def build(who: Any) -> Scenario:
    actor = ADMIN
    with who.register.session() as s:
        settings_mod.save(
            s,
            settings_mod.load(s).with_changes(
                agency_phone="01872 555 0101",
                agency_contact_name="Alice Admin",
                agency_contact_position="Data protection lead",
            ),
        )
        fasthosts = operators.create_operator(
            s,
            actor,
            operators.OperatorInput(
                "Fasthosts",
                "Registrar",
                "GB",
                TransferSafeguard.NOT_RESTRICTED,
                address="1 Server Row\nGloucester\nGL1 1AA",
            ),
        )
        mailchimp = operators.create_operator(
            s, actor, operators.OperatorInput("Mailchimp", "Newsletters", "US", TransferSafeguard.ADDENDUM)
        )
        operators.add_rule(s, actor, fasthosts, "domain_registrant", ServiceKind.DOMAIN_REGISTRATION)
        operators.add_rule(s, actor, fasthosts, "contact", ServiceKind.DOMAIN_REGISTRATION)
        operators.add_rule(s, actor, mailchimp, "contact", None, RecipientCondition.MARKETING_CONSENT, "Newsletter")
        ref = clients.create_client(
            s,
            actor,
            ClientInput(
                name=NAME,
                kind=ClientKind.INDIVIDUAL,
                notes=NOTES,
                payment_reference="DD mandate QF-7781",
                contacts=[
                    ContactInput(NAME, "", list(EMAILS), ["020 7946 0731"]),
                    ContactInput(PARTNER, "Partner", [], []),
                ],
                addresses=[
                    AddressInput(
                        AddressKind.BILLING,
                        ADDRESS_LINES[0],
                        ADDRESS_LINES[1],
                        town="St Austell",
                        postcode=ADDRESS_LINES[2],
                    ),
                ],
            ),
            today=date(2021, 2, 1),
        )
        other = clients.create_client(s, actor, ClientInput(name="Unrelated Bakery Ltd"))
        services.add_service(
            s,
            actor,
            ref,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                DOMAIN,
                status=ServiceStatus.ENDED,
                start_date=date(2021, 2, 1),
                end_date=date(2026, 10, 1),
                operators=["Fasthosts"],
                registrant_name=NAME,
                registrant_email=EMAILS[0],
            ),
        )
        for number, issued in (("INV-7001", date(2024, 3, 31)), ("INV-7002", date(2025, 6, 1))):
            services.add_invoice(
                s,
                actor,
                ref,
                services.InvoiceInput(number, issued, 4800, InvoiceStatus.PAID, BILLED_NAME, BILLED_ADDRESS),
            )
        clients.record_consent(
            s, actor, ref, ConsentChange.GIVEN, "Newsletter box ticked", datetime(2021, 2, 1, 9, tzinfo=UTC)
        )
        client_id = clients.client_id_for(s, ref)
        other_id = clients.client_id_for(s, other)
        settings = settings_mod.load(s)
        earlier = requests.log_request(
            s,
            actor,
            RequestInput(
                RequestType.ACCESS,
                RequestChannel.POST,
                date(2025, 9, 1),
                NAME,
                requester_address="\n".join(ADDRESS_LINES),
                client_ref=ref,
                identity_verified=True,
                identity_method=IdentityMethod.DOCUMENT,
                identity_evidence="Lease seen",
                attachments=(NewAttachment("Tolgarrick lease.txt", ATTACHMENT_TEXT.encode()),),
            ),
            settings,
            date(2025, 9, 1),
        ).ref
        requests.complete(s, actor, earlier, date(2025, 9, 20), "Report sent", settings, date(2025, 9, 20))
        erasure = requests.log_request(
            s,
            actor,
            RequestInput(
                RequestType.ERASURE,
                RequestChannel.EMAIL,
                date(2026, 11, 2),
                NAME,
                requester_email=EMAILS[0],
                requester_address="\n".join(ADDRESS_LINES),
                requester_phone="020 7946 0731",
                client_ref=ref,
                subject="Forget me",
                details=EMAIL_BODY,
                identity_verified=True,
                identity_method=IdentityMethod.KNOWN_CONTACT,
                identity_evidence="Wrote from the address on file",
                attachments=(NewAttachment("message.txt", EMAIL_BODY.encode(), is_original=True),),
            ),
            settings,
            date(2026, 11, 2),
        ).ref
        documents.record_issued(
            s,
            actor,
            kind=DocumentKind.DATA_REPORT,
            title=f"Data report for {NAME}",
            pdf=_tiny_pdf(),
            client_ref=ref,
            request_ref=earlier,
            recipient=NAME,
            today=date(2025, 9, 20),
        )
    vault = Vault(who)
    own = vault.add(CredentialInput(fasthosts, LOGIN_OWN, client_ids=(client_id,)), SECRET_OWN)
    shared = vault.add(CredentialInput(fasthosts, LOGIN_SHARED, client_ids=(client_id, other_id)), SECRET_SHARED)
    return Scenario(who, ref, client_id, other, erasure, earlier, fasthosts, mailchimp, own, shared)


def _tiny_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "report")
    c.save()
    return out.getvalue()
