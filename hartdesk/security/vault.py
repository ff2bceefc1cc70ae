"""The credentials vault: logins at registrars and other operators, kept for the agency's staff.

The register holds what a login is (operator, account name, login page, the clients and domains it serves, notes,
when it was last rotated and how often it should be); the secret lives only in the operating system's keyring under
service ``hartdesk:<register id>``, user name ``credential:<id>`` (and a login's 2FA seed, if any, under
``credential:<id>:otp``). See DESIGN.md, "Credentials vault".

Showing a secret (reveal, copy, the current 2FA code, a handover export) needs a TOTP code proved within the step-up
window (:meth:`hartdesk.security.signin.SignedIn.require_step_up`), and each one is in the audit log with who and
when, never the secret. Nothing is written to the register that points to a secret that was not stored: a login is
added in one transaction that stores its secret in the keyring before it commits, and takes the secret out again if
the commit fails.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import keyring.errors
from sqlalchemy import ColumnElement, case, delete, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from hartdesk.dates import UK, uk_date
from hartdesk.errors import FormError, KeyringUnavailableError, NotFoundError, ValidationError
from hartdesk.models import (
    Client,
    Credential,
    Operator,
    PendingKeyringDeletion,
    Service,
    ServiceKind,
    credential_clients,
    credential_services,
)
from hartdesk.models.base import utcnow
from hartdesk.security import audit, keyrings
from hartdesk.security.keyrings import MAX_SECRET_CHARS

if TYPE_CHECKING:
    from hartdesk.documents.handover import Handover
    from hartdesk.security.signin import SignedIn
    from hartdesk.storage.register import OpenRegister

log = logging.getLogger(__name__)

MAX_ROTATION_DAYS = 3650
OTP_SUFFIX = ":otp"


def entry_name(credential_id: int) -> str:
    """The keyring user name of a login's secret."""
    return f"credential:{credential_id}"


def otp_entry_name(credential_id: int) -> str:
    """The keyring user name of a login's 2FA seed."""
    return entry_name(credential_id) + OTP_SUFFIX


# -- input ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialInput:
    """A login as typed in a form (without its secret)."""

    operator_id: int | None
    account_name: str
    login_url: str = ""
    notes: str = ""
    client_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()  # domains (or other services) the login manages
    rotate_every_days: int | None = None  # a reminder to change the password; None: no reminder


def validate(data: CredentialInput) -> CredentialInput:
    """``data`` tidied, or a :class:`FormError` naming every field that is wrong."""
    problems: dict[str, str] = {}
    account = data.account_name.strip()
    url = data.login_url.strip()
    if data.operator_id is None:
        problems["operator"] = "Choose the operator this login is for."
    if not account:
        problems["account_name"] = "Fill in the account name (the user name or email you sign in with)."
    elif len(account) > 200:
        problems["account_name"] = "The account name is longer than 200 characters."
    if url:
        if "://" not in url:
            url = "https://" + url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
            problems["login_url"] = "The login page must be a web address, like https://example.com/login."
        elif len(url) > 500:
            problems["login_url"] = "The login page's address is longer than 500 characters."
    days = data.rotate_every_days
    if days is not None and not 1 <= days <= MAX_ROTATION_DAYS:
        problems["rotate_every_days"] = f"Rotation must be between 1 and {MAX_ROTATION_DAYS} days, or none."
    if problems:
        raise FormError(problems)
    return replace(
        data,
        account_name=account,
        login_url=url,
        notes=data.notes.strip(),
        client_ids=tuple(sorted(set(data.client_ids))),
        service_ids=tuple(sorted(set(data.service_ids))),
    )


def check_secret(secret: str) -> str:
    """The password as it will be kept: exactly as typed (spaces included), but never empty or too long."""
    if not secret:
        raise ValidationError("Fill in the password.")
    if len(secret) > MAX_SECRET_CHARS:
        raise ValidationError(
            f"The password is {len(secret):,} characters long; the system keyring keeps at most "
            f"{MAX_SECRET_CHARS:,} (Windows' limit). Nothing was saved."
        )
    if "\x00" in secret:
        raise ValidationError("The password holds a NUL character, which the keyring cannot keep.")
    return secret


@dataclass(frozen=True)
class OtpCode:
    code: str
    seconds_left: int  # until the next code


_BASE32 = re.compile(r"^[A-Z2-7]+=*$")
_ALGORITHMS = ("SHA1", "SHA256", "SHA512")


@dataclass(frozen=True)
class OtpKey:
    """A login's 2FA key as the registrar gave it: base32 secret, digits, hash and period (RFC 6238)."""

    secret: str
    digits: int = 6
    algorithm: str = "SHA1"
    period: int = 30

    def uri(self) -> str:
        """How it is kept in the keyring (and handed over): an ``otpauth://`` address any authenticator reads."""
        return (
            f"otpauth://totp/hartdesk?secret={self.secret}&digits={self.digits}&algorithm={self.algorithm}"
            f"&period={self.period}"
        )

    def code(self, now: float) -> OtpCode:
        """The code at ``now`` and the seconds until the next (computed with ``cryptography``: registrars'
        80-bit keys are shorter than pyotp accepts)."""
        import base64

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.twofactor.totp import TOTP

        padded = self.secret + "=" * (-len(self.secret) % 8)
        algorithm: hashes.SHA1 | hashes.SHA256 | hashes.SHA512 = (
            hashes.SHA256()
            if self.algorithm == "SHA256"
            else hashes.SHA512()
            if self.algorithm == "SHA512"
            else hashes.SHA1()
        )
        generator = TOTP(base64.b32decode(padded), self.digits, algorithm, self.period, enforce_key_length=False)
        code = generator.generate(int(now)).decode("ascii")
        return OtpCode(code, int(self.period - now % self.period) or self.period)


def parse_otp_key(text: str) -> OtpKey | None:
    """A 2FA key typed or pasted by a clerk: base32 (spaces, dashes and case ignored) or the ``otpauth://``
    address of the registrar's QR code; None for an empty field."""
    from urllib.parse import parse_qs

    text = text.strip()
    if not text:
        return None
    key = OtpKey("")
    if text.lower().startswith("otpauth://"):
        parts = urlsplit(text)
        if parts.netloc.lower() != "totp":
            raise ValidationError("Only time-based 2FA keys (otpauth://totp/...) can be kept.")
        query = {name.lower(): values[0] for name, values in parse_qs(parts.query).items()}
        try:
            key = OtpKey(
                "",
                digits=int(query.get("digits", "6")),
                algorithm=query.get("algorithm", "SHA1").upper(),
                period=int(query.get("period", "30")),
            )
        except ValueError:
            raise ValidationError("That otpauth:// address has a digits or period that is not a number.") from None
        if key.digits not in (6, 7, 8) or key.algorithm not in _ALGORITHMS or not 1 <= key.period <= 300:
            raise ValidationError("That otpauth:// address asks for codes hartdesk cannot make.")
        text = query.get("secret", "")
        if not text:
            raise ValidationError("That otpauth:// address holds no secret.")
    secret = re.sub(r"[\s-]", "", text).upper().rstrip("=")
    if not _BASE32.match(secret) or len(secret) < 16:
        raise ValidationError(
            "The 2FA key must be the letters A–Z and digits 2–7 the registrar showed (at least 16 of them), or the "
            "otpauth:// address of its QR code."
        )
    key = replace(key, secret=secret)
    try:
        key.code(0)
    except Exception:  # a length base32 cannot have (e.g. 17 characters)
        raise ValidationError("The 2FA key cannot be read. Copy it again from the registrar's page.") from None
    return key


# -- reading --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialRow:
    id: int
    operator_id: int
    operator: str
    account_name: str
    login_url: str
    clients: tuple[str, ...]  # "C-00042 Name"
    domains: tuple[str, ...]
    has_otp: bool
    rotated_on: date
    rotation_due: date | None

    @property
    def reference(self) -> str:
        return f"{self.operator} — {self.account_name}"

    def rotation_overdue(self, today: date) -> bool:
        return self.rotation_due is not None and self.rotation_due <= today


@dataclass(frozen=True)
class CredentialDetail(CredentialRow):
    notes: str = ""
    client_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()
    rotate_every_days: int | None = None
    created_by: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def as_input(self) -> CredentialInput:
        return CredentialInput(
            operator_id=self.operator_id,
            account_name=self.account_name,
            login_url=self.login_url,
            notes=self.notes,
            client_ids=self.client_ids,
            service_ids=self.service_ids,
            rotate_every_days=self.rotate_every_days,
        )


def _row_values(c: Credential) -> dict[str, object]:
    return {
        "id": c.id,
        "operator_id": c.operator_id,
        "operator": c.operator.name,
        "account_name": c.account_name,
        "login_url": c.login_url,
        "clients": tuple(f"{client.ref} {client.name}" for client in c.clients),
        "domains": tuple(s.identifier for s in c.services),
        "has_otp": c.has_otp,
        "rotated_on": c.rotated_on,
        "rotation_due": _rotation_due(c.rotated_on, c.rotate_every_days),
    }


def _loaded() -> list[ExecutableOption]:
    return [selectinload(Credential.operator), selectinload(Credential.clients), selectinload(Credential.services)]


def list_credentials(
    session: Session, search: str = "", operator_id: int | None = None, client_id: int | None = None
) -> list[CredentialRow]:
    """Logins by operator, then account; ``search`` matches the operator, account, login page, clients and domains."""
    from hartdesk.register.fields import fold
    from hartdesk.register.search import LIKE_ESCAPE, like_contains

    conditions: list[ColumnElement[bool]] = []
    for word in search.split():
        pattern = like_contains(word)
        folded = like_contains(fold(word))  # client names: SQLite folds the case of ASCII letters only ("Ł" vs "ł")
        conditions.append(
            or_(
                Operator.name.ilike(pattern, escape=LIKE_ESCAPE),
                Credential.account_name.ilike(pattern, escape=LIKE_ESCAPE),
                Credential.login_url.ilike(pattern, escape=LIKE_ESCAPE),
                Credential.clients.any(
                    or_(
                        Client.name.ilike(pattern, escape=LIKE_ESCAPE),
                        Client.sort_name.like(folded, escape=LIKE_ESCAPE),
                        Client.ref.ilike(pattern, escape=LIKE_ESCAPE),
                    )
                ),
                Credential.services.any(Service.identifier.ilike(pattern, escape=LIKE_ESCAPE)),
            )
        )
    if operator_id is not None:
        conditions.append(Credential.operator_id == operator_id)
    if client_id is not None:
        conditions.append(_serves_client(client_id))
    query = select(
        Credential.id,
        Credential.operator_id,
        Operator.name,
        Credential.account_name,
        Credential.login_url,
        Credential.has_otp,
        Credential.rotated_on,
        Credential.rotate_every_days,
    ).join(Operator)
    if conditions:
        query = query.where(*conditions)
    found = session.execute(query.order_by(Operator.name, Credential.account_name)).all()
    # The clients and domains of every login listed, in two queries (not one per login, nor the ORM's objects: the
    # Vault screen lists thousands of logins).
    ids = [row.id for row in found]
    listed: Any = ids if len(ids) <= 5000 else query.with_only_columns(Credential.id).scalar_subquery()
    clients: dict[int, list[str]] = {}
    for credential_id, ref, name in session.execute(
        select(credential_clients.c.credential_id, Client.ref, Client.name)
        .join(Client, Client.id == credential_clients.c.client_id)
        .where(credential_clients.c.credential_id.in_(listed) if conditions else true())
        .order_by(Client.ref)
    ):
        clients.setdefault(credential_id, []).append(f"{ref} {name}")
    domains: dict[int, list[str]] = {}
    for credential_id, identifier in session.execute(
        select(credential_services.c.credential_id, Service.identifier)
        .join(Service, Service.id == credential_services.c.service_id)
        .where(credential_services.c.credential_id.in_(listed) if conditions else true())
        .order_by(Service.identifier)
    ):
        domains.setdefault(credential_id, []).append(identifier)
    return [
        CredentialRow(
            id=row.id,
            operator_id=row.operator_id,
            operator=row.name,
            account_name=row.account_name,
            login_url=row.login_url,
            clients=tuple(clients.get(row.id, ())),
            domains=tuple(domains.get(row.id, ())),
            has_otp=row.has_otp,
            rotated_on=row.rotated_on,
            rotation_due=_rotation_due(row.rotated_on, row.rotate_every_days),
        )
        for row in found
    ]


def _rotation_due(rotated_on: date, every_days: int | None) -> date | None:
    return rotated_on + timedelta(days=every_days) if every_days else None


def _serves_client(client_id: int) -> ColumnElement[bool]:
    return or_(Credential.clients.any(Client.id == client_id), Credential.services.any(Service.client_id == client_id))


def _credential(session: Session, credential_id: int) -> Credential:
    found = session.execute(
        select(Credential).where(Credential.id == credential_id).options(*_loaded())
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError("That login is no longer in the vault (someone deleted it).")
    return found


def get_credential(session: Session, credential_id: int) -> CredentialDetail:
    c = _credential(session, credential_id)
    return CredentialDetail(
        **_row_values(c),  # type: ignore[arg-type]
        notes=c.notes,
        # Sorted like validate() sorts a form's choices, so an unchanged form compares equal (the relationships
        # are ordered by reference and domain name, not by id).
        client_ids=tuple(sorted(client.id for client in c.clients)),
        service_ids=tuple(sorted(s.id for s in c.services)),
        rotate_every_days=c.rotate_every_days,
        created_by=c.created_by,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def clients_with_logins(session: Session) -> list[tuple[int, str, str]]:
    """(id, reference, name) of every client a login serves, directly or through one of its services."""
    linked = select(credential_clients.c.client_id)
    through_services = select(Service.client_id).join(
        credential_services, credential_services.c.service_id == Service.id
    )
    rows = session.execute(
        select(Client.id, Client.ref, Client.name)
        .where(or_(Client.id.in_(linked), Client.id.in_(through_services)))
        .order_by(Client.ref)
    )
    return [(row.id, row.ref, row.name) for row in rows]


def services_of_clients(session: Session, client_ids: Sequence[int]) -> list[tuple[int, str, ServiceKind, str]]:
    """(id, identifier, kind, client reference) of the clients' services a login may manage: by client, domains
    first, then by name."""
    rows = session.execute(
        select(Service.id, Service.identifier, Service.kind, Client.ref)
        .join(Service.client)
        .where(Service.client_id.in_(client_ids))
        .order_by(
            Client.ref,
            case((Service.kind == ServiceKind.DOMAIN_REGISTRATION, 0), else_=1),
            func.lower(Service.identifier),
        )
    )
    return [(row.id, row.identifier, row.kind, row.ref) for row in rows]


def count_rotation_due(session: Session, today: date) -> int:
    """Logins whose reminder to change the password has come (Home shows it)."""
    rows = session.execute(
        select(Credential.rotated_on, Credential.rotate_every_days).where(Credential.rotate_every_days.is_not(None))
    )
    return sum(1 for rotated_on, days in rows if (due := _rotation_due(rotated_on, days)) is not None and due <= today)


# -- the keyring ----------------------------------------------------------------------------------------------------


class _Keyring:
    """One register's secrets in the keyring, every failure turned into a :class:`KeyringUnavailableError`."""

    def __init__(self, register_id: str) -> None:
        problem = keyring_problem()
        if problem is not None:
            raise KeyringUnavailableError(problem)
        self.backend = keyrings.backend()
        self.service = keyrings.service_name(register_id)

    @contextlib.contextmanager
    def _calling(self) -> Iterator[None]:
        try:
            yield
        except keyring.errors.PasswordDeleteError:
            raise
        except Exception as exc:  # keyring's errors, and the D-Bus and platform errors some backends let through
            log.warning("keyring failed: %s", type(exc).__name__)
            raise KeyringUnavailableError(keyrings.describe(exc)) from None

    def get(self, username: str) -> str | None:
        with self._calling():
            return self.backend.get_password(self.service, username)

    def set(self, username: str, secret: str) -> None:
        with self._calling():
            self.backend.set_password(self.service, username, secret)

    def delete(self, username: str) -> None:
        """Forget ``username``'s secret; one already gone is fine."""
        with contextlib.suppress(keyring.errors.PasswordDeleteError), self._calling():
            self.backend.delete_password(self.service, username)

    def restore_quietly(self, before: dict[str, str | None]) -> None:
        """Put entries back as they were (None: there was none), after the register refused a change (best effort:
        the error that got us here is the one to report)."""
        for username, secret in before.items():
            with contextlib.suppress(Exception):
                if secret is None:
                    self.delete(username)
                else:
                    self.set(username, secret)


def _stored_otp_key(text: str) -> OtpKey:
    key = parse_otp_key(text)
    if key is None:
        raise ValidationError("The 2FA key in the keyring is empty. Store it again with Rotate.")
    return key


def queue_keyring_deletion(session: Session, credential_id: int) -> None:
    """Queue a login's keyring entries for deletion, in the transaction that drops the login: the keyring cannot
    roll back, so it is only touched once that transaction has committed (:func:`delete_queued`)."""
    now = utcnow()
    for name in (entry_name(credential_id), otp_entry_name(credential_id)):
        session.merge(PendingKeyringDeletion(entry_name=name, queued_at=now))


def delete_queued(register: OpenRegister) -> int:
    """Delete the queued keyring entries of ``register``; return how many are still queued because the keyring
    could not be reached (they are tried again at the next sign-in)."""
    with register.session() as session:
        names = list(session.scalars(select(PendingKeyringDeletion.entry_name)))
    if not names:
        return 0
    done: list[str] = []
    try:
        ring = _Keyring(register.register_id)
        for name in names:
            ring.delete(name)
            done.append(name)
    except KeyringUnavailableError:
        log.warning("queued keyring deletions left for later")
    with register.session() as session:
        session.execute(delete(PendingKeyringDeletion).where(PendingKeyringDeletion.entry_name.in_(done)))
    return len(names) - len(done)


def keyring_problem() -> str | None:
    """Why the vault cannot be used on this computer now, or None (a locked keyring shows only when used)."""
    if keyrings.is_missing(keyrings.backend()):
        return keyrings.describe()
    return None


# -- the vault ------------------------------------------------------------------------------------------------------


class Vault:
    """The vault as one signed-in person uses it."""

    def __init__(self, who: SignedIn) -> None:
        self.who = who
        self._keyring: _Keyring | None = None

    @property
    def _ring(self) -> _Keyring:
        if self._keyring is None:
            self._keyring = _Keyring(self.who.register.register_id)
        return self._keyring

    def _today(self) -> date:
        return uk_date(datetime.fromtimestamp(self.who.clock(), UK))

    # reading -------------------------------------------------------------------------------------------------------

    def rows(
        self, search: str = "", operator_id: int | None = None, client_id: int | None = None
    ) -> list[CredentialRow]:
        with self.who.register.session() as session:
            return list_credentials(session, search, operator_id, client_id)

    def get(self, credential_id: int) -> CredentialDetail:
        with self.who.register.session() as session:
            return get_credential(session, credential_id)

    # changing ------------------------------------------------------------------------------------------------------

    def _apply(self, session: Session, c: Credential, data: CredentialInput) -> None:
        operator = session.get(Operator, data.operator_id)
        if operator is None:
            raise FormError({"operator": "That operator is no longer in the register."})
        clients = list(session.execute(select(Client).where(Client.id.in_(data.client_ids))).scalars())
        services = list(session.execute(select(Service).where(Service.id.in_(data.service_ids))).scalars())
        if len(clients) != len(data.client_ids) or len(services) != len(data.service_ids):
            raise ValidationError("A client or domain chosen for this login is no longer in the register.")
        # Compared in Python: SQLite's lower() folds A-Z only, and "Łukasz" is "łukasz".
        others = session.scalars(
            select(Credential.account_name).where(Credential.operator_id == operator.id, Credential.id != (c.id or 0))
        )
        if any(name.casefold() == data.account_name.casefold() for name in others):
            raise FormError(
                {"account_name": f"The vault already has the account {data.account_name} at {operator.name}."}
            )
        c.operator = operator
        c.account_name = data.account_name
        c.login_url = data.login_url
        c.notes = data.notes
        c.clients = clients
        c.services = services
        c.rotate_every_days = data.rotate_every_days
        c.updated_at = utcnow()

    def add(self, data: CredentialInput, secret: str, otp_key: str = "") -> int:
        """Store a new login: its secret (and 2FA seed) in the keyring, the rest in the register. Returns its id."""
        data = validate(data)
        secret = check_secret(secret)
        key = parse_otp_key(otp_key)
        ring = self._ring
        stored: list[str] = []
        try:
            with self.who.register.session() as session:
                now = utcnow()
                c = Credential(
                    has_otp=key is not None,
                    rotated_on=self._today(),
                    created_by=self.who.username,
                    created_at=now,
                    updated_at=now,
                )
                self._apply(session, c, data)
                session.add(c)
                session.flush()
                credential_id = c.id
                ring.set(entry_name(credential_id), secret)
                stored.append(entry_name(credential_id))
                if key is not None:
                    ring.set(otp_entry_name(credential_id), key.uri())
                    stored.append(otp_entry_name(credential_id))
                audit.record(
                    session,
                    self.who.username,
                    "vault.added",
                    f"credential:{credential_id}",
                    {"operator": c.operator_id, "otp": key is not None},
                )
        except IntegrityError:
            ring.restore_quietly(dict.fromkeys(stored))
            raise ValidationError(
                "The register changed while this login was being saved (an operator, client or domain was removed, "
                "or someone added the same account at the same moment). Nothing was saved: try again."
            ) from None
        except BaseException:
            ring.restore_quietly(dict.fromkeys(stored))
            raise
        return credential_id

    def update(self, credential_id: int, data: CredentialInput) -> list[str]:
        """Change what the register says about a login (not its secret). Returns the fields changed."""
        data = validate(data)
        with self.who.register.session() as session:
            c = _credential(session, credential_id)
            before = get_credential(session, credential_id).as_input()
            changed = [
                name for name in CredentialInput.__dataclass_fields__ if getattr(before, name) != getattr(data, name)
            ]
            if not changed:
                return []
            self._apply(session, c, data)
            audit.record(session, self.who.username, "vault.edited", f"credential:{credential_id}", {"fields": changed})
        return changed

    def rotate(self, credential_id: int, secret: str, otp_key: str | None = None) -> None:
        """Store a new secret for a login (and, unless ``otp_key`` is None, a new 2FA key; "" removes it).

        The keyring is put back as it was if the register cannot record the rotation (the commit included)."""
        secret = check_secret(secret)
        key = None if otp_key is None else parse_otp_key(otp_key)
        ring = self._ring
        change_otp = otp_key is not None
        secret_name, otp_name = entry_name(credential_id), otp_entry_name(credential_id)
        before: dict[str, str | None] = {}
        try:
            with self.who.register.session() as session:
                c = _credential(session, credential_id)
                before[secret_name] = ring.get(secret_name)  # None: it was removed outside hartdesk
                if change_otp:
                    before[otp_name] = ring.get(otp_name)
                ring.set(secret_name, secret)
                if key is not None:
                    ring.set(otp_name, key.uri())
                elif change_otp:
                    ring.delete(otp_name)
                c.rotated_on = self._today()
                c.updated_at = utcnow()
                if change_otp:
                    c.has_otp = key is not None
                audit.record(
                    session,
                    self.who.username,
                    "vault.rotated",
                    f"credential:{credential_id}",
                    {"otp": "kept" if not change_otp else ("replaced" if key else "removed")},
                )
        except BaseException:
            ring.restore_quietly(before)
            raise

    def delete(self, credential_id: int) -> None:
        """Remove a login from the register and its secrets from the keyring.

        A keyring that cannot be reached keeps the login (its secret would otherwise be left behind unseen), and
        the secrets are put back if the register cannot record the deletion."""
        ring = self._ring
        before: dict[str, str | None] = {}
        try:
            with self.who.register.session() as session:
                c = _credential(session, credential_id)
                operator_id = c.operator_id
                session.delete(c)
                session.flush()
                for name in (entry_name(credential_id), otp_entry_name(credential_id)):
                    before[name] = ring.get(name)
                for name in before:
                    ring.delete(name)
                audit.record(
                    session,
                    self.who.username,
                    "vault.deleted",
                    f"credential:{credential_id}",
                    {"operator": operator_id},
                )
        except BaseException:
            ring.restore_quietly(before)
            raise

    # showing (step-up) --------------------------------------------------------------------------------------------

    def _secret(self, username: str, c: Credential) -> str:
        secret = self._ring.get(username)
        if secret is None:
            raise ValidationError(
                f"The password of {c.account_name} at {c.operator.name} is not in this computer's keyring: it was "
                "removed outside hartdesk, or the register was moved from another computer. If you know it, store "
                "it again with Rotate."
            )
        return secret

    def reveal(self, credential_id: int, purpose: str = "revealed") -> str:
        """The secret of a login, after step-up; ``purpose`` ("revealed" or "copied") is what the audit log says."""
        if purpose not in ("revealed", "copied"):
            raise ValueError(purpose)
        self.who.require_step_up()
        with self.who.register.session() as session:
            c = _credential(session, credential_id)
            secret = self._secret(entry_name(credential_id), c)
            audit.record(session, self.who.username, f"vault.{purpose}", f"credential:{credential_id}")
        return secret

    def otp_code(self, credential_id: int) -> OtpCode:
        """The login's current 2FA code (like an authenticator app), after step-up; audited."""
        self.who.require_step_up()
        now = self.who.clock()
        with self.who.register.session() as session:
            c = _credential(session, credential_id)
            if not c.has_otp:
                raise ValidationError("This login has no 2FA key in the vault.")
            key = _stored_otp_key(self._secret(otp_entry_name(credential_id), c))
            audit.record(session, self.who.username, "vault.otp_shown", f"credential:{credential_id}")
        return key.code(now)

    def handover(self, client_id: int, new_provider: str = "") -> HandoverFile:
        """Every login serving the client or its domains, with their secrets, in a PDF for the new provider,
        encrypted with a new password (shown once to the clerk, then forgotten): after step-up. Refused when the
        client has none, or any secret is missing from the keyring. Audited once the file exists."""
        from hartdesk.documents.delivery import encrypt_pdf, new_pdf_password
        from hartdesk.documents.handover import build_handover_pdf

        doc, credential_ids = self._handover_document(client_id, new_provider)
        password = new_pdf_password()
        pdf = encrypt_pdf(build_handover_pdf(doc), password)
        self.who.audit("vault.exported", f"client:{doc.client_ref}", {"credentials": credential_ids})
        return HandoverFile(pdf, password, len(doc.entries), f"{doc.client_ref} logins handover.pdf")

    def _handover_document(self, client_id: int, new_provider: str) -> tuple[Handover, list[int]]:
        from hartdesk.documents.handover import Handover, HandoverEntry
        from hartdesk.register.letterhead import letterhead_from, page_size

        self.who.require_step_up()
        settings = self.who.settings()
        with self.who.register.session() as session:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFoundError("That client is no longer in the register.")
            credentials = list(
                session.execute(
                    select(Credential)
                    .join(Operator)
                    .where(_serves_client(client_id))
                    .options(*_loaded())
                    .order_by(Operator.name, Credential.account_name)
                ).scalars()
            )
            if not credentials:
                raise ValidationError(f"The vault has no login for {client.name} ({client.ref}) or its domains.")
            entries = []
            for c in credentials:
                secret = self._secret(entry_name(c.id), c)
                seed = _stored_otp_key(self._secret(otp_entry_name(c.id), c)).uri() if c.has_otp else ""
                domains = tuple(s.identifier for s in c.services if s.client_id == client_id)
                entries.append(
                    HandoverEntry(
                        operator=c.operator.name,
                        operator_role=c.operator.role,
                        account_name=c.account_name,
                        login_url=c.login_url,
                        secret=secret,
                        otp_key=seed,
                        domains=domains,
                        notes=c.notes,
                        rotated_on=c.rotated_on,
                    )
                )
            return Handover(
                letterhead=letterhead_from(settings),
                pagesize=page_size(settings),
                client_ref=client.ref,
                client_name=client.name,
                new_provider=new_provider.strip(),
                prepared_by=self.who.identity.display_name,
                produced_at=datetime.fromtimestamp(self.who.clock(), UK),
                entries=tuple(entries),
            ), [c.id for c in credentials]


@dataclass(frozen=True)
class HandoverFile:
    pdf: bytes = field(repr=False)  # encrypted (AES-256, R=6)
    password: str = field(repr=False)  # shown once, never stored (nor shown by repr())
    count: int
    filename: str
