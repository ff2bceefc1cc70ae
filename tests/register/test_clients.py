"""Clients, services and operators: validation, duplicates, auditing, and what may not be deleted."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from hartdesk.errors import DuplicateError, FormError, ValidationError
from hartdesk.models import AddressKind, AuditEntry, Client, ServiceKind
from hartdesk.register import clients, fields, operators, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from tests.conftest import ADMIN
from tests.register.conftest import HandBuilt


def _count(hb: HandBuilt) -> int:
    with hb.session() as s:
        return int(s.scalar(select(func.count(Client.id))) or 0)


def test_references_are_short_stable_and_never_reused(hand_built: HandBuilt) -> None:
    assert (hand_built.zoe, hand_built.acme, hand_built.closed) == ("C-00001", "C-00002", "C-00003")
    with hand_built.session() as s:
        extra = clients.create_client(s, ADMIN, ClientInput(name="Temp"))
        clients.delete_client(s, ADMIN, extra)
        assert clients.create_client(s, ADMIN, ClientInput(name="Next")) == "C-00005"


def test_every_wrong_field_is_named_and_nothing_is_saved(hand_built: HandBuilt) -> None:
    before = _count(hand_built)
    bad = ClientInput(
        name="  ",
        vat_number="GB123",
        payment_reference="card 4111 1111 1111 1111",
        contacts=[ContactInput("A", emails=["not-an-email"], phones=["12"])],
        addresses=[AddressInput(AddressKind.BILLING, "1 High St", postcode="XYZ")],
    )
    with pytest.raises(FormError) as caught, hand_built.session() as s:
        clients.create_client(s, ADMIN, bad)
    assert set(caught.value.problems) == {
        "name",
        "vat_number",
        "payment_reference",
        "contacts.0.emails.0",
        "contacts.0.phones.0",
        "addresses.0.postcode",
    }
    assert "card number" in caught.value.problems["payment_reference"]
    assert _count(hand_built) == before


def test_values_are_stored_in_one_form_and_shown_in_another(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name="Đorđević Design",
                vat_number="gb 980 7806 84",
                contacts=[ContactInput("Ana", emails=["Ana@Example.CO.UK"], phones=["+44 (0)20 7946 0999"])],
                addresses=[AddressInput(AddressKind.BILLING, "2 Mill Lane", postcode="sw1a1aa")],
            ),
        )
        detail = clients.get_client(s, ref)
    assert detail.vat_number == "GB980780684"
    assert detail.contacts[0].emails == ("Ana@example.co.uk",)
    assert detail.contacts[0].phones == ("+442079460999",)
    assert detail.contacts[0].phones_display == ("020 7946 0999",)
    assert detail.addresses[0].postcode == "SW1A 1AA"
    assert fields.format_phone("+33123456789") == "+33 1 23 45 67 89"


def test_an_edit_is_audited_with_the_fields_changed_but_not_their_values(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        data = clients.get_client(s, hand_built.acme).as_input()
        data.trading_name = "Acme Online"
        data.contacts[0].emails = ["director@acme.example"]
        changed = clients.update_client(s, ADMIN, hand_built.acme, data)
        assert clients.update_client(s, ADMIN, hand_built.acme, clients.get_client(s, hand_built.acme).as_input()) == []
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert changed == ["trading_name", "contacts"]
    assert last is not None and last.action == "client.updated" and last.target == f"client:{hand_built.acme}"
    assert json.loads(last.details) == {"fields": ["trading_name", "contacts"]}
    assert "acme.example" not in last.details and "Acme Online" not in last.details


def test_duplicates_by_email_warn_and_by_customer_centre_reference_refuse(hand_built: HandBuilt) -> None:
    same_email = ClientInput(name="Someone else", contacts=[ContactInput("X", emails=["ZOE@lukasiewicz.example"])])
    with hand_built.session() as s:
        dups = clients.find_duplicates(s, clients.validate_client(same_email))
        assert [(d.ref, d.reason) for d in dups] == [("C-00001", "email zoe@lukasiewicz.example")]
        clients.create_client(s, ADMIN, same_email)  # allowed after the warning
    with pytest.raises(DuplicateError) as caught, hand_built.session() as s:
        clients.create_client(s, ADMIN, ClientInput(name="Copy", customer_centre_ref="CC-1001"))
    assert caught.value.existing == "C-00001"


def test_a_client_with_invoices_cannot_be_deleted(hand_built: HandBuilt) -> None:
    with pytest.raises(ValidationError, match="invoices, which must be kept for tax"), hand_built.session() as s:
        clients.delete_client(s, ADMIN, hand_built.zoe)
    with hand_built.session() as s:
        assert clients.get_client(s, hand_built.zoe).name


def test_an_operator_linked_to_services_cannot_be_deleted(hand_built: HandBuilt) -> None:
    with pytest.raises(ValidationError, match="still linked to 2 services"), hand_built.session() as s:
        operators.delete_operator(s, ADMIN, hand_built.fasthosts)
    with hand_built.session() as s:
        operators.delete_operator(s, ADMIN, hand_built.mailchimp)
        assert [o.name for o in operators.list_operators(s)] == ["Fasthosts", "GoDaddy"]


def test_an_operator_outside_the_uk_needs_a_transfer_safeguard(hand_built: HandBuilt) -> None:
    from hartdesk.models import TransferSafeguard

    with pytest.raises(FormError) as caught, hand_built.session() as s:
        operators.create_operator(
            s, ADMIN, operators.OperatorInput("CloudCo", "Hosting", "United States", TransferSafeguard.NOT_RESTRICTED)
        )
    assert set(caught.value.problems) == {"safeguard"}


def test_a_domain_service_checks_its_name_and_its_operators(hand_built: HandBuilt) -> None:
    with pytest.raises(FormError) as caught, hand_built.session() as s:
        services.add_service(
            s,
            ADMIN,
            hand_built.acme,
            services.ServiceInput(ServiceKind.DOMAIN_REGISTRATION, "not a domain", operators=["Nobody"]),
        )
    assert set(caught.value.problems) == {"identifier", "operators"}
    with hand_built.session() as s:
        services.add_service(
            s, ADMIN, hand_built.acme, services.ServiceInput(ServiceKind.DOMAIN_REGISTRATION, "https://Acme.Example/")
        )
        assert [sv.identifier for sv in clients.get_client(s, hand_built.acme).services] == ["acme.example"]


def test_consent_is_none_until_recorded_and_every_change_is_kept(hand_built: HandBuilt) -> None:
    from hartdesk.models import ConsentChange, PolicyDocument

    with hand_built.session() as s:
        assert clients.get_client(s, hand_built.acme).marketing_consent == "none"
        clients.record_consent(s, ADMIN, hand_built.acme, ConsentChange.GIVEN, "Phone call")
        clients.record_consent(s, ADMIN, hand_built.acme, ConsentChange.WITHDRAWN, "Email")
        clients.record_acceptance(s, ADMIN, hand_built.acme, PolicyDocument.PRIVACY_POLICY, "2025-1")
        detail = clients.get_client(s, hand_built.acme)
    assert [c.change for c in detail.consents] == [ConsentChange.GIVEN, ConsentChange.WITHDRAWN]
    assert detail.marketing_consent == "withdrawn"
    assert detail.needs_reacceptance(PolicyDocument.PRIVACY_POLICY, "2026-1")
    assert not detail.needs_reacceptance(PolicyDocument.PRIVACY_POLICY, "2025-1")
    with pytest.raises(ValidationError), hand_built.session() as s:
        clients.record_consent(s, ADMIN, hand_built.acme, ConsentChange.GIVEN, "  ")
