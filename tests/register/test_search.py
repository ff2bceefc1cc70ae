"""Search-as-you-type: what a clerk types finds the right clients."""

from __future__ import annotations

import pytest

from hartdesk.models import ClientStatus, ServiceKind
from hartdesk.register import search
from hartdesk.register.search import ClientQuery, ClientSort, HitKind
from tests.register.conftest import HandBuilt


def _refs(hb: HandBuilt, **query: object) -> list[str]:
    with hb.session() as s:
        q = ClientQuery(**query)  # type: ignore[arg-type]
        rows = search.list_clients(s, q)
        assert search.count_clients(s, q) == len(rows)
        return [r.ref for r in rows]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lukasiewicz", ["C-00001"]),  # accents folded
        ("ÖZTÜRK", ["C-00001"]),
        ("020 7946 0018", ["C-00001"]),
        ("+44 (0)20 7946 0018", ["C-00001"]),
        ("0044 20 7946 0018", ["C-00001"]),
        ("79460018", ["C-00001"]),
        ("+33 1 23 45 67 89", ["C-00002"]),
        ("tr1 2hd", ["C-00001"]),
        ("TR12HD", ["C-00001"]),
        ("aero.exa", ["C-00003"]),
        ("cc-1001", ["C-00001"]),
        ("c-00002", ["C-00002"]),
        ("nono@acme", ["C-00002"]),
        ("dorđević", ["C-00002"]),
        ("ac", ["C-00002"]),  # two letters: the start of the name
        ("zo ozt", ["C-00001"]),  # a short word checked inside the matches
        ("nothing like this", []),
        ("   ", ["C-00002", "C-00003", "C-00001"]),
    ],
)
def test_typed_text_finds_the_right_clients(hand_built: HandBuilt, typed: str, expected: list[str]) -> None:
    assert _refs(hand_built, text=typed) == expected


def test_filters_and_sorting(hand_built: HandBuilt) -> None:
    assert _refs(hand_built, status=ClientStatus.CLOSED) == ["C-00003"]
    assert _refs(hand_built, service_kind=ServiceKind.WEB_HOSTING) == ["C-00001"]
    assert _refs(hand_built, sort=ClientSort.REF, descending=True) == ["C-00003", "C-00002", "C-00001"]
    assert _refs(hand_built, text="example", service_kind=ServiceKind.DOMAIN_REGISTRATION) == ["C-00003", "C-00001"]


def test_rows_show_the_primary_contact_and_the_billing_postcode(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        (row,) = search.list_clients(s, ClientQuery(text="zoe"))
    assert (row.email, row.phone, row.postcode, row.services) == (
        "zoe@lukasiewicz.example",
        "020 7946 0018",
        "TR1 2HD",
        2,
    )


def test_an_edit_is_found_at_once(hand_built: HandBuilt) -> None:
    from hartdesk.register import clients
    from tests.conftest import ADMIN

    with hand_built.session() as s:
        data = clients.get_client(s, hand_built.acme).as_input()
        data.name = "Quillfeather Widgets"
        clients.update_client(s, ADMIN, hand_built.acme, data)
    assert _refs(hand_built, text="quillfeather") == ["C-00002"]
    assert _refs(hand_built, text="widgets ltd") == []  # the old name is gone from the index


def test_the_global_search_finds_clients_domains_and_operators(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        hits = search.global_search(s, "lukasiewicz")
        assert [(h.kind, h.key, h.title) for h in hits] == [
            (HitKind.CLIENT, "C-00001", "Zoë Łukasiewicz-Öztürk"),
            (HitKind.DOMAIN, "C-00001", "lukasiewicz.example"),
            (HitKind.DOMAIN, "C-00001", "lukasiewicz.example"),
        ]
        assert [(h.kind, h.title) for h in search.global_search(s, "godad")] == [(HitKind.OPERATOR, "GoDaddy")]
