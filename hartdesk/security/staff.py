"""Staff accounts: add, list, disable (removes the slot and re-keys), TOTP enrolment, password changes.

Every change is made by a signed-in administrator (or by the person for their own password and TOTP) and is
audited without any secret.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk.errors import PermissionDeniedError, ValidationError
from hartdesk.models import Role, StaffMember
from hartdesk.models.base import utcnow
from hartdesk.security import audit, totp
from hartdesk.security.signin import SignedIn

MIN_PASSWORD_LENGTH = 12
MIN_ZXCVBN_SCORE = 3
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
TOTP_ISSUER = "hartdesk"


@dataclass(frozen=True)
class StaffRow:
    username: str
    display_name: str
    role: Role
    active: bool
    totp_enrolled: bool
    created_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True)
class PasswordFeedback:
    acceptable: bool
    message: str
    score: int


def password_feedback(password: str, user_inputs: list[str] | None = None) -> PasswordFeedback:
    """Length, the common-password list shipped with zxcvbn, and its strength score (shown while typing)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return PasswordFeedback(False, f"Use at least {MIN_PASSWORD_LENGTH} characters.", 0)
    from zxcvbn import zxcvbn

    if password.lower() in _common_passwords():
        return PasswordFeedback(False, "This is one of the most common passwords. Choose another.", 0)
    result = zxcvbn(password[:100], user_inputs=[u for u in (user_inputs or []) if u])
    score = int(result["score"])
    if score < MIN_ZXCVBN_SCORE:
        hints = [result["feedback"].get("warning") or "This password is too easy to guess."]
        hints += result["feedback"].get("suggestions", [])
        return PasswordFeedback(False, " ".join(h for h in hints if h), score)
    return PasswordFeedback(True, "Strong enough.", score)


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_quality(password: str, user_inputs: list[str] | None = None) -> None:
    feedback = password_feedback(password, user_inputs)
    if not feedback.acceptable:
        raise ValidationError(f"The password is not strong enough: {feedback.message}")


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise ValidationError(
            "A user name has 2 to 40 characters: lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter."
        )
    return name


def _member(session: Session, username: str) -> StaffMember:
    member = session.execute(select(StaffMember).where(StaffMember.username == username)).scalar_one_or_none()
    if member is None:
        raise ValidationError(f"There is no staff member called {username}.")
    return member


def list_staff(who: SignedIn) -> list[StaffRow]:
    with who.register.session() as session:
        return [
            StaffRow(m.username, m.display_name, m.role, m.active, m.totp_confirmed, m.created_at, m.disabled_at)
            for m in session.execute(select(StaffMember).order_by(StaffMember.username)).scalars()
        ]


def add_staff(who: SignedIn, username: str, display_name: str, role: Role, password: str) -> StaffRow:
    who.require_admin()
    username = check_username(username)
    check_password_quality(password, [username, display_name])
    reg = who.register
    with reg.session() as session:
        existing = session.execute(select(StaffMember).where(StaffMember.username == username)).scalar_one_or_none()
        if existing is not None:
            raise ValidationError(f"There is already a staff member called {username}.")
        member = StaffMember(
            username=username,
            display_name=display_name.strip() or username,
            role=role,
            active=True,
            created_at=utcnow(),
            must_change_password=False,
            totp_confirmed=False,
        )
        session.add(member)
        audit.record(session, who.username, "staff.added", f"staff:{username}", {"role": role.value})
        session.flush()
        # The slot is written inside the transaction: if keys.json cannot be written, no row is added.
        reg.set_staff_secret(username, password)
        row = StaffRow(username, member.display_name, role, True, False, member.created_at, None)
    return row


def disable_staff(who: SignedIn, username: str) -> None:
    """Remove the person's key slot and re-key the database so a copy of their old slot opens nothing."""
    who.require_admin()
    if username == who.username:
        raise PermissionDeniedError("You cannot disable your own account.")
    reg = who.register
    with reg.session() as session:
        member = _member(session, username)
        if not member.active:
            raise ValidationError(f"{username} is already disabled.")
        if member.role is Role.ADMIN:
            admins = (
                session.execute(select(StaffMember).where(StaffMember.role == Role.ADMIN, StaffMember.active.is_(True)))
                .scalars()
                .all()
            )
            if len(admins) <= 1:
                raise PermissionDeniedError("The register must keep at least one active administrator.")
        member.active = False
        member.disabled_at = utcnow()
        member.totp_secret = None
        member.totp_pending_secret = None
        member.totp_confirmed = False
        member.totp_last_step = None
        audit.record(session, who.username, "staff.disabled", f"staff:{username}")
    slot = reg.keyfile.find_staff_slot(username)
    if slot is not None:
        reg.keyfile.remove_slot(slot.id)
    reg.rekey()
    who.audit("register.rekeyed", f"register:{reg.register_id}", {"reason": "staff disabled"})


def enable_staff(who: SignedIn, username: str, password: str) -> None:
    """Give a disabled account a new slot (with a new password set by the admin)."""
    who.require_admin()
    reg = who.register
    with reg.session() as session:
        member = _member(session, username)
        if member.active:
            raise ValidationError(f"{username} is already active.")
        check_password_quality(password, [username, member.display_name])
        member.active = True
        member.disabled_at = None
        member.must_change_password = True
        audit.record(session, who.username, "staff.enabled", f"staff:{username}")
        reg.set_staff_secret(username, password)


def change_password(who: SignedIn, username: str, new_password: str) -> None:
    """A person changes their own password; an admin may set anyone's (they must change it at next sign-in)."""
    if username != who.username:
        who.require_admin()
    reg = who.register
    with reg.session() as session:
        member = _member(session, username)
        check_password_quality(new_password, [username, member.display_name])
        member.must_change_password = username != who.username
        audit.record(session, who.username, "staff.password_changed", f"staff:{username}")
        reg.set_staff_secret(username, new_password)
    if username == who.username:
        who.must_change_password = False


def start_totp_enrolment(who: SignedIn, username: str) -> str:
    """Give the account a new pending TOTP secret and return its otpauth:// URI (the old one keeps working)."""
    if username != who.username:
        who.require_admin()
    secret = totp.new_secret()
    with who.register.session() as session:
        member = _member(session, username)
        member.totp_pending_secret = secret
        audit.record(session, who.username, "staff.totp_enrolment_started", f"staff:{username}")
    return totp.provisioning_uri(secret, username, TOTP_ISSUER)


def confirm_totp(who: SignedIn, username: str, code: str) -> None:
    """Activate the pending secret once the person has typed a code from their app."""
    if username != who.username:
        who.require_admin()
    with who.register.session() as session:
        member = _member(session, username)
        if not member.totp_pending_secret:
            raise ValidationError(f"{username} has not started TOTP enrolment.")
        # A brand-new secret has never accepted a code, so there is nothing to replay yet.
        step = totp.accepted_step(member.totp_pending_secret, code, who.clock(), None)
        if step is None:
            raise ValidationError("That code does not match. Check the time on the phone and try the next code.")
        member.totp_secret = member.totp_pending_secret
        member.totp_pending_secret = None
        member.totp_confirmed = True
        member.totp_last_step = step
        audit.record(session, who.username, "staff.totp_enrolled", f"staff:{username}")
    if username == who.username:
        who.second_factor_at = who.clock()


def secret_of_pending_enrolment(who: SignedIn, username: str) -> str:
    """The base32 secret of a pending enrolment, to show as text beside the QR code."""
    if username != who.username:
        who.require_admin()
    with who.register.session() as session:
        member = _member(session, username)
        if not member.totp_pending_secret:
            raise ValidationError("There is no TOTP enrolment in progress for this account.")
        return member.totp_pending_secret
