"""Who holds what, checked for exact answers on the hand-built register."""

from __future__ import annotations

from datetime import date

from hartdesk.models import ServiceKind, TransferSafeguard
from hartdesk.register import operators, whoholds
from hartdesk.settings import Settings
from tests.conftest import ADMIN
from tests.register.conftest import TODAY, HandBuilt


def _answer(hb: HandBuilt, ref: str, settings: Settings | None = None, today: date = TODAY) -> whoholds.WhoHoldsWhat:
    with hb.session() as s:
        return whoholds.who_holds_what(s, ref, settings or Settings(), today)


def test_an_individual_with_a_domain_hosting_invoices_and_consent(hand_built: HandBuilt) -> None:
    answer = _answer(hand_built, hand_built.zoe)
    assert [(c.code, c.evidence) for c in answer.categories] == [
        ("identity", ("the client's name", "1 contact")),
        ("contact", ("1 email address", "1 phone number")),
        ("postal_address", ("billing address",)),
        ("billing", ("2 invoices",)),
        ("account", ("Customer Centre account CC-1001",)),
        ("domain_registrant", ("registrant of lukasiewicz.example",)),
        ("technical_logs", ("lukasiewicz.example (Web hosting)",)),
        ("hosted_content", ("lukasiewicz.example (Web hosting)",)),
    ]
    billing = answer.held("billing")
    assert billing is not None
    # The last invoice (1 April 2024) falls in the financial year ending 31 March 2025; six years after that.
    assert billing.retain_until == date(2031, 3, 31)
    assert "until 31 March 2031" in billing.retention
    identity = answer.held("identity")
    assert identity is not None and identity.retain_until is None
    assert identity.retention == "while the client has an account with us, then 72 months"
    hosted = answer.held("hosted_content")
    assert hosted is not None and hosted.as_processor
    assert [
        (r.operator_name, r.categories, r.via, r.purposes, r.safeguard, r.restricted_transfer)
        for r in answer.recipients
    ] == [
        (
            "Fasthosts",
            ("contact", "domain_registrant", "hosted_content"),
            ("lukasiewicz.example (Domain registration)", "lukasiewicz.example (Web hosting)"),
            ("Servers",),
            TransferSafeguard.NOT_RESTRICTED,
            False,
        ),
        ("Mailchimp", ("contact",), ("every client",), ("Sending our newsletter",), TransferSafeguard.ADDENDUM, True),
    ]


def test_an_organisation_without_services_or_consent_reaches_no_operator(hand_built: HandBuilt) -> None:
    answer = _answer(hand_built, hand_built.acme)
    assert [(c.code, c.evidence) for c in answer.categories] == [
        ("identity", ("the client's name", "1 contact")),
        ("contact", ("1 email address", "1 phone number")),
        ("postal_address", ("billing address",)),
    ]
    assert answer.recipients == ()


def test_a_closed_client_keeps_only_what_is_still_within_its_retention(hand_built: HandBuilt) -> None:
    answer = _answer(hand_built, hand_built.closed)
    identity = answer.held("identity")
    assert [c.code for c in answer.categories] == ["identity"]  # the domain ended 31 Jan 2025 + 12 months < today
    assert identity is not None and identity.retain_until == date(2031, 1, 31)
    assert identity.retention == "72 months after the account closed, so until 31 January 2031"
    assert answer.recipients == ()
    # A day before the registrant data's period ran out, it was still held, and GoDaddy had it.
    earlier = _answer(hand_built, hand_built.closed, today=date(2026, 1, 30))
    registrant = earlier.held("domain_registrant")
    assert registrant is not None and registrant.retain_until == date(2026, 1, 31)
    assert [(r.operator_name, r.categories) for r in earlier.recipients] == [("GoDaddy", ("domain_registrant",))]


def test_the_financial_year_and_retention_years_come_from_settings(hand_built: HandBuilt) -> None:
    settings = Settings(invoice_retention_years=10, financial_year_end="12-31")
    billing = _answer(hand_built, hand_built.zoe, settings).held("billing")
    assert billing is not None and billing.retain_until == date(2034, 12, 31)


def test_who_receives_what_is_data_an_admin_changes(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        rule = next(
            r for r in operators.get_operator(s, hand_built.fasthosts).rules if r.category_code == "hosted_content"
        )
        operators.remove_rule(s, ADMIN, rule.id)
        operators.add_rule(s, ADMIN, hand_built.godaddy, "identity", None)
    answer = _answer(hand_built, hand_built.zoe)
    by_name = {r.operator_name: r for r in answer.recipients}
    assert by_name["Fasthosts"].categories == ("contact", "domain_registrant")
    assert by_name["GoDaddy"].categories == ("identity",) and by_name["GoDaddy"].via == ("every client",)
    acme = _answer(hand_built, hand_built.acme)
    assert [r.operator_name for r in acme.recipients] == ["GoDaddy"]


def test_a_category_added_by_an_admin_is_held_through_its_service_kinds(hand_built: HandBuilt) -> None:
    from hartdesk.models import LawfulBasis, RetentionKind

    with hand_built.session() as s:
        operators.save_category(
            s,
            ADMIN,
            operators.CategoryInput(
                "mailbox_contents",
                "Mailbox contents",
                "To deliver the client's email",
                LawfulBasis.PROCESSOR,
                "The client's correspondents",
                RetentionKind.AFTER_SERVICE_ENDS,
                3,
                service_kinds=[ServiceKind.WEB_HOSTING],
            ),
        )
    zoe = _answer(hand_built, hand_built.zoe).held("mailbox_contents")
    assert zoe is not None and zoe.evidence == ("lukasiewicz.example (Web hosting)",)
    assert _answer(hand_built, hand_built.acme).held("mailbox_contents") is None
