"""Finding clients: search-as-you-type, filters, sorting and pages, done in SQL so 50 000 clients stay quick.

Each client has one row in ``client_search`` holding everything a clerk might type to find it (names, contact names,
emails, phones as digits in national and international form, postcodes with and without the space, domain names,
the Customer Centre reference and the client's own reference), folded to lower case without accents. It is an SQLite
FTS5 table with the trigram tokenizer: any substring of three or more characters is found through its index. This is
the only module that reads or writes it (a PostgreSQL register would use pg_trgm here instead).

Every write to a client or to anything shown in its search row must call :func:`reindex` in the same transaction.
"""

from __future__ import annotations

import enum
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.orm import Session

from hartdesk.models import (
    Address,
    Client,
    ClientStatus,
    Contact,
    ContactPoint,
    Operator,
    PointKind,
    Service,
    ServiceKind,
)
from hartdesk.register.fields import fold, format_phone, phone_digits

MIN_INDEXED = 3  # the trigram index finds substrings of at least this many characters
_PHONE_LIKE = re.compile(r"^[\d\s()+.\-]+$")
_CHUNK = 500


class ClientSort(enum.StrEnum):
    REF = "ref"
    NAME = "name"
    STATUS = "status"
    OPENED = "opened"


_SORT_COLUMNS = {
    ClientSort.REF: Client.ref,
    ClientSort.NAME: Client.sort_name,
    ClientSort.STATUS: Client.status,
    ClientSort.OPENED: Client.opened_on,
}


@dataclass(frozen=True)
class ClientQuery:
    text: str = ""
    status: ClientStatus | None = None
    service_kind: ServiceKind | None = None
    sort: ClientSort = ClientSort.NAME
    descending: bool = False


@dataclass(frozen=True)
class ClientRow:
    id: int
    ref: str
    name: str
    trading_name: str
    status: ClientStatus
    email: str
    phone_e164: str
    postcode: str
    services: int
    opened_on: date

    @property
    def phone(self) -> str:
        """Formatted for display only when shown (formatting costs more than finding the row)."""
        return format_phone(self.phone_e164) if self.phone_e164 else ""


# -- the search row -------------------------------------------------------------------------------------------------


def search_body(
    ref: str,
    names: Iterable[str],
    emails: Iterable[str],
    phones: Iterable[str],
    postcodes: Iterable[str],
    domains: Iterable[str],
    customer_centre_ref: str | None,
) -> str:
    parts = [ref, *names, *emails, *domains]
    if customer_centre_ref:
        parts.append(customer_centre_ref)
    for phone in phones:
        parts.extend(phone_digits(phone))
    for postcode in postcodes:
        parts.extend({postcode, postcode.replace(" ", "")})
    # One field per line: a three-letter substring can span two fields only through a line break, which no one types.
    return "\n".join(fold(p) for p in parts if p)


def reindex(session: Session, client_ids: Iterable[int]) -> None:
    """Rebuild the search rows of these clients from the register (in the caller's transaction)."""
    ids = sorted(set(client_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        bodies = _bodies(session, chunk)
        session.execute(text("DELETE FROM client_search WHERE rowid = :id"), [{"id": i} for i in chunk])
        rows = [{"id": i, "body": body} for i, body in bodies.items()]
        if rows:
            session.execute(text("INSERT INTO client_search (rowid, body) VALUES (:id, :body)"), rows)


def _bodies(session: Session, ids: Sequence[int]) -> dict[int, str]:
    names: dict[int, list[str]] = defaultdict(list)
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    postcodes: dict[int, list[str]] = defaultdict(list)
    domains: dict[int, list[str]] = defaultdict(list)
    clients = session.execute(
        select(Client.id, Client.ref, Client.name, Client.trading_name, Client.customer_centre_ref).where(
            Client.id.in_(ids)
        )
    ).all()
    for client_id, name in session.execute(select(Contact.client_id, Contact.name).where(Contact.client_id.in_(ids))):
        names[client_id].append(name)
    points = select(Contact.client_id, ContactPoint.kind, ContactPoint.value).join(ContactPoint.contact)
    for client_id, kind, value in session.execute(points.where(Contact.client_id.in_(ids))):
        (emails if kind is PointKind.EMAIL else phones)[client_id].append(value)
    addresses = select(Address.client_id, Address.postcode).where(Address.client_id.in_(ids))
    for client_id, postcode in session.execute(addresses):
        postcodes[client_id].append(postcode)
    services = select(Service.client_id, Service.identifier, Service.registrant_name, Service.registrant_email)
    for client_id, identifier, registrant, registrant_email in session.execute(
        services.where(Service.client_id.in_(ids))
    ):
        domains[client_id].append(identifier)
        names[client_id].append(registrant)
        emails[client_id].append(registrant_email)
    return {
        c.id: search_body(
            c.ref,
            [c.name, c.trading_name, *names[c.id]],
            emails[c.id],
            phones[c.id],
            postcodes[c.id],
            domains[c.id],
            c.customer_centre_ref,
        )
        for c in clients
    }


def forget(session: Session, client_id: int) -> None:
    """Remove a client's search row (the client is being deleted)."""
    session.execute(text("DELETE FROM client_search WHERE rowid = :id"), {"id": client_id})


def merge(session: Session) -> None:
    """Merge the index into one segment: the words of rows deleted or rebuilt stay in the old segments until then,
    and an erasure must leave none."""
    session.execute(text("INSERT INTO client_search (client_search) VALUES ('optimize')"))


# -- the query ------------------------------------------------------------------------------------------------------


def query_terms(typed: str) -> list[str]:
    """What to look for: a phone-like query becomes one digit string, anything else its folded words."""
    stripped = typed.strip()
    if _PHONE_LIKE.match(stripped) and sum(c.isdigit() for c in stripped) >= MIN_INDEXED:
        digits = re.sub(r"\D", "", stripped)
        if digits.startswith("00"):
            digits = digits[2:]  # 0044 20... is the international form written from the UK
        if digits.startswith("440"):
            digits = "44" + digits[3:]  # +44 (0)20...
        return [digits]
    return fold(stripped).split()


LIKE_ESCAPE = "\\"  # the ESCAPE character of every LIKE pattern made by :func:`like_contains`


def like_contains(term: str) -> str:
    """A LIKE pattern matching text that contains ``term``, its own ``%`` and ``_`` taken literally (use it with
    ``ESCAPE`` :data:`LIKE_ESCAPE`)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def client_condition(typed: str) -> ColumnElement[bool] | None:
    terms = query_terms(typed)
    if not terms:
        return None
    long_terms = [t for t in terms if len(t) >= MIN_INDEXED]
    short_terms = [t for t in terms if len(t) < MIN_INDEXED]
    if not long_terms:
        # One or two letters: the start of the client's name, through its index.
        prefix = fold(" ".join(terms))
        return and_(Client.sort_name >= prefix, Client.sort_name < prefix + "\U0010ffff")
    match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
    likes = " ".join(f"AND body LIKE :like{i} ESCAPE '{LIKE_ESCAPE}'" for i in range(len(short_terms)))
    params = {"match": match, **{f"like{i}": like_contains(t) for i, t in enumerate(short_terms)}}
    matching = text(f"SELECT rowid FROM client_search WHERE client_search MATCH :match {likes}").bindparams(**params)
    return Client.id.in_(matching)


def _conditions(query: ClientQuery) -> list[ColumnElement[bool]]:
    conditions = []
    found = client_condition(query.text)
    if found is not None:
        conditions.append(found)
    if query.status is not None:
        conditions.append(Client.status == query.status)
    if query.service_kind is not None:
        conditions.append(
            select(Service.id).where(Service.client_id == Client.id, Service.kind == query.service_kind).exists()
        )
    return conditions


def count_clients(session: Session, query: ClientQuery) -> int:
    return int(session.scalar(select(func.count(Client.id)).where(*_conditions(query))) or 0)


def list_clients(session: Session, query: ClientQuery, offset: int = 0, limit: int = 200) -> list[ClientRow]:
    """One page of clients, sorted in SQL; the email, phone and postcode shown are those of the primary contact and
    the billing address (or the first ones)."""
    order = _SORT_COLUMNS[query.sort]
    ordering = [order.desc() if query.descending else order.asc(), Client.id]
    page = session.execute(
        select(
            Client.id,
            Client.ref,
            Client.name,
            Client.trading_name,
            Client.status,
            Client.opened_on,
        )
        .where(*_conditions(query))
        .order_by(*ordering)
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [r.id for r in page]
    firsts = _first_points(session, ids)
    postcodes = _first_postcodes(session, ids)
    counts: dict[int, int] = dict(
        session.execute(
            select(Service.client_id, func.count()).where(Service.client_id.in_(ids)).group_by(Service.client_id)
        ).all()
    )
    return [
        ClientRow(
            id=r.id,
            ref=r.ref,
            name=r.name,
            trading_name=r.trading_name,
            status=r.status,
            email=firsts.get((r.id, PointKind.EMAIL), ""),
            phone_e164=firsts.get((r.id, PointKind.PHONE), ""),
            postcode=postcodes.get(r.id, ""),
            services=counts.get(r.id, 0),
            opened_on=r.opened_on,
        )
        for r in page
    ]


def _first_points(session: Session, ids: Sequence[int]) -> dict[tuple[int, PointKind], str]:
    rows = session.execute(
        select(Contact.client_id, ContactPoint.kind, ContactPoint.value)
        .join(ContactPoint.contact)
        .where(Contact.client_id.in_(ids))
        .order_by(Contact.is_primary.desc(), Contact.position, ContactPoint.id)
    )
    firsts: dict[tuple[int, PointKind], str] = {}
    for row in rows:
        firsts.setdefault((row.client_id, row.kind), row.value)
    return firsts


def _first_postcodes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    rows = session.execute(
        select(Address.client_id, Address.postcode)
        .where(Address.client_id.in_(ids))
        .order_by((Address.kind == "billing").desc(), Address.id)
    )
    firsts: dict[int, str] = {}
    for row in rows:
        firsts.setdefault(row.client_id, row.postcode)
    return firsts


# -- the global search box (Ctrl+K) ---------------------------------------------------------------------------------


class HitKind(enum.StrEnum):
    CLIENT = "client"
    DOMAIN = "domain"
    OPERATOR = "operator"


@dataclass(frozen=True)
class SearchHit:
    kind: HitKind
    key: str  # a client's reference, or an operator's id
    title: str
    detail: str


def global_search(session: Session, typed: str, limit: int = 8) -> list[SearchHit]:
    """Clients, domain names and operators matching what was typed, a few of each."""
    terms = query_terms(typed)
    if not terms:
        return []
    hits: list[SearchHit] = []
    found = client_condition(typed)
    assert found is not None  # there are terms
    clients = session.execute(
        select(Client.id, Client.ref, Client.name, Client.status).where(found).order_by(Client.sort_name).limit(limit)
    ).all()
    hits.extend(SearchHit(HitKind.CLIENT, c.ref, c.name, f"{c.ref} · {c.status.label}") for c in clients)
    long_terms = [t for t in terms if len(t) >= MIN_INDEXED]
    if long_terms:
        domain_like = [func.lower(Service.identifier).like(like_contains(t), escape=LIKE_ESCAPE) for t in long_terms]
        domains = session.execute(
            select(Service.identifier, Service.kind, Client.ref, Client.name)
            .join(Service.client)
            .where(found, *domain_like)
            .order_by(Service.identifier)
            .limit(limit)
        ).all()
        hits.extend(
            SearchHit(HitKind.DOMAIN, d.ref, d.identifier, f"{d.kind.label} · {d.name} ({d.ref})") for d in domains
        )
    operator_like = [
        or_(
            func.lower(Operator.name).like(like_contains(t), escape=LIKE_ESCAPE),
            func.lower(Operator.role).like(like_contains(t), escape=LIKE_ESCAPE),
        )
        for t in terms
    ]
    operators = session.execute(
        select(Operator.id, Operator.name, Operator.role).where(*operator_like).order_by(Operator.name).limit(limit)
    ).all()
    hits.extend(SearchHit(HitKind.OPERATOR, str(o.id), o.name, o.role) for o in operators)
    return hits
