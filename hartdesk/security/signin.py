"""Staff sign-in: password (unwraps the data key), then a TOTP code where the account has one.

:func:`begin` does the slow part (Argon2id) and opens the register; :class:`PendingSignIn` finishes with the TOTP
code, so the GUI can ask for the code without deriving the key twice. Failures of either step are throttled per
account (see :mod:`hartdesk.security.throttle`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from hartdesk import settings as settings_mod
from hartdesk.errors import (
    HartdeskError,
    PermissionDeniedError,
    SignInError,
    StepUpRequiredError,
    ThrottledError,
    TotpNotSetUpError,
    TotpRequiredError,
)
from hartdesk.models import Role, StaffMember
from hartdesk.security import audit, totp
from hartdesk.security.keyslots import KeyFile, Slot
from hartdesk.security.throttle import Throttle
from hartdesk.storage import register as register_mod
from hartdesk.storage.register import PENDING_KEYS_JSON, OpenRegister

log = logging.getLogger(__name__)
Clock = Callable[[], float]
RECOVERY_ACCOUNT = "recovery"
STEP_UP_PREFIX = "step-up:"  # the throttle's account for step-up codes: a lock-out there leaves sign-in alone
WRONG_CREDENTIALS = "The user name or password is not correct."


@dataclass(frozen=True)
class Identity:
    staff_id: int
    username: str
    display_name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class SignedIn:
    """A person signed in to an open register. ``lock()`` drops the key."""

    def __init__(
        self,
        register: OpenRegister,
        identity: Identity,
        clock: Clock = time.time,
        second_factor_at: float | None = None,
        via_recovery: bool = False,
        must_change_password: bool = False,
    ) -> None:
        self.register = register
        self.identity = identity
        self.clock = clock
        self.second_factor_at = second_factor_at
        self.via_recovery = via_recovery
        self.must_change_password = must_change_password

    @property
    def username(self) -> str:
        return self.identity.username

    def require_admin(self) -> None:
        if not self.identity.is_admin:
            raise PermissionDeniedError("Only an administrator can do this.")

    def settings(self) -> settings_mod.Settings:
        with self.register.session() as session:
            return settings_mod.load(session)

    def audit(self, action: str, target: str = "", details: dict[str, object] | None = None) -> None:
        with self.register.session() as session:
            audit.record(session, self.username, action, target, details)

    def confirm_password(self, password: str) -> None:
        """Ask again for the password before something that cannot be undone (an erasure). Wrong passwords count
        towards the account's sign-in lock-out, so this is no way round it."""
        throttle = Throttle(self.register.register_id, self.clock)
        account = self.register.keyfile.lookup_for(self.username)
        throttle.check(account)
        slot = self.register.keyfile.find_staff_slot(self.username)
        try:
            if slot is None:
                raise SignInError("Your account has no password slot in this register.")
            self.register.keyfile.unlock(slot, password)
        except SignInError:
            throttle.failed(account)
            self.audit("signin.confirm_failed", f"staff:{self.username}")
            raise SignInError("That is not your password. Nothing was changed.") from None
        throttle.succeeded(account)

    def has_fresh_second_factor(self) -> bool:
        """True while a TOTP code proved in this session (the sign-in code counts) is younger than the step-up
        window."""
        if self.second_factor_at is None:
            return False
        window = self.settings().step_up_minutes * 60
        return 0 <= self.clock() - self.second_factor_at <= window

    def has_totp(self) -> bool:
        with self.register.session() as session:
            member = session.get(StaffMember, self.identity.staff_id)
            return bool(member is not None and member.totp_secret and member.totp_confirmed)

    def require_step_up(self) -> None:
        """Before a secret is shown: raise unless a TOTP code was proved within the step-up window.

        A lock-out after wrong step-up codes holds even with a fresh code: signing in again (which is not locked
        out) must not open the vault before the wait is over."""
        self._step_up_throttle().check_locked()
        if self.has_fresh_second_factor():
            return
        if not self.has_totp():
            raise TotpNotSetUpError(
                "Set up two-step sign-in for your account first: passwords in the vault are shown only after a code "
                "from your authenticator app."
            )
        raise StepUpRequiredError("Enter the 6-digit code from your authenticator app first.")

    def step_up(self, code: str) -> None:
        """Prove the second factor again (before revealing, copying or exporting a secret). Wrong codes count
        towards a lock-out of their own, with the same growing delays as sign-in."""
        if not self.has_totp():
            raise TotpNotSetUpError("Set up two-step sign-in for your account first.")
        throttle = self._step_up_throttle()
        throttle.check_locked()
        try:
            _check_totp(
                self.register,
                self.identity,
                code,
                self.clock,
                throttle_account=throttle.account,
                failed_action="signin.step_up_failed",
            )
        except SignInError:
            throttle.check_locked()  # the fifth wrong code locks: say so rather than "not correct"
            raise
        self.second_factor_at = self.clock()
        self.audit("signin.step_up", f"staff:{self.username}")

    def forget_step_up(self) -> None:
        """Forget the code proved in this session: the next secret shown asks for a new one."""
        self.second_factor_at = None

    def _step_up_throttle(self) -> _StepUpThrottle:
        account = STEP_UP_PREFIX + self.register.keyfile.lookup_for(self.username)
        return _StepUpThrottle(Throttle(self.register.register_id, self.clock), account)

    def lock(self) -> None:
        self.register.close()


@dataclass(frozen=True)
class _StepUpThrottle:
    throttle: Throttle
    account: str

    def check_locked(self) -> None:
        try:
            self.throttle.check(self.account)
        except ThrottledError as exc:
            when = time.strftime("%H:%M:%S", time.localtime(exc.retry_at))
            raise ThrottledError(
                f"Too many wrong codes: passwords stay hidden from you until {when}. Check the time on your phone "
                "matches this computer's.",
                retry_at=exc.retry_at,
            ) from None


def _unlock(path: Path, keyfile: KeyFile, slot: Slot, secret: str) -> list[tuple[KeyFile, bytes]]:
    """Unlock ``slot`` and, after an interrupted re-key, the same slot in keys.json.pending."""
    candidates = [(keyfile, keyfile.unlock(slot, secret))]
    pending_path = path / PENDING_KEYS_JSON
    if pending_path.exists():
        try:
            pending = KeyFile.load(pending_path)
            pending_slot = next((s for s in pending.slots if s.id == slot.id), None)
            if pending_slot is not None:
                candidates.append((pending, pending.unlock(pending_slot, secret)))
        except HartdeskError:
            pass
    return candidates


def _check_totp(
    reg: OpenRegister,
    identity: Identity,
    code: str,
    clock: Clock,
    throttle_account: str | None = None,
    failed_action: str = "signin.totp_failed",
) -> None:
    """Accept ``code`` once, storing its time step in the same transaction; failures count towards throttling
    (of ``throttle_account``, by default the account's sign-in)."""
    throttle = Throttle(reg.register_id, clock)
    account = throttle_account or reg.keyfile.lookup_for(identity.username)
    throttle.check(account)
    with reg.session() as session:
        member = session.get(StaffMember, identity.staff_id)
        if member is None or not member.totp_secret or not member.totp_confirmed:
            raise SignInError("This account has no TOTP code set up yet.")
        step = totp.accepted_step(member.totp_secret, code, clock(), member.totp_last_step)
        if step is None:
            audit.record(session, member.username, failed_action, f"staff:{member.username}")
        else:
            member.totp_last_step = step
    if step is None:
        throttle.failed(account)
        raise SignInError("The TOTP code is not correct, or it was already used. Wait for the next code.")
    throttle.succeeded(account)


def _finish_interrupted_erasure(reg: OpenRegister) -> None:
    """What an erasure does after its commit, if hartdesk stopped before it was done: wipe the freed pages, and
    delete the keyring entries it queued (they also wait here while the keyring is locked). Never a reason for
    sign-in to fail."""
    from hartdesk.privacy import erasure
    from hartdesk.security import vault

    try:
        erasure.finish_pending_wipe(reg)
        vault.delete_queued(reg)
    except Exception:
        log.warning("an interrupted erasure could not be finished", exc_info=True)


class PendingSignIn:
    """The password was right and the register is open; the TOTP code may still be needed."""

    def __init__(self, reg: OpenRegister, member: StaffMember, require_totp_for_all: bool, clock: Clock) -> None:
        self.register = reg
        self.identity = Identity(member.id, member.username, member.display_name, member.role)
        self.needs_totp = bool(member.totp_confirmed)
        # The policy asks for TOTP but this account has none yet: it must enrol before it can work.
        self.needs_enrolment = require_totp_for_all and not member.totp_confirmed
        self.must_change_password = member.must_change_password
        self._clock = clock

    def finish(self, code: str | None = None) -> SignedIn:
        second_factor_at = None
        if self.needs_totp:
            if not code:
                raise TotpRequiredError("Enter the 6-digit code from your authenticator app.")
            _check_totp(self.register, self.identity, code, self._clock)
            second_factor_at = self._clock()
        else:
            account = self.register.keyfile.lookup_for(self.identity.username)
            Throttle(self.register.register_id, self._clock).succeeded(account)
        signed_in = SignedIn(
            self.register,
            self.identity,
            self._clock,
            second_factor_at=second_factor_at,
            must_change_password=self.must_change_password,
        )
        signed_in.audit("signin", f"staff:{self.identity.username}", {"totp": second_factor_at is not None})
        _finish_interrupted_erasure(self.register)
        log.info("signed in (role %s)", self.identity.role.value)
        return signed_in

    def cancel(self) -> None:
        self.register.close()


def begin(path: Path, username: str, password: str, clock: Clock = time.time) -> PendingSignIn:
    """Check the password, open the register; raise a clear error for every way this can fail."""
    keyfile = register_mod.load_keyfile(path)
    throttle = Throttle(keyfile.register_id, clock)
    account = keyfile.lookup_for(username)
    throttle.check(account)
    slot = keyfile.find_staff_slot(username)
    try:
        if slot is None:
            raise SignInError(WRONG_CREDENTIALS)
        candidates = _unlock(path, keyfile, slot, password)
    except SignInError:
        throttle.failed(account)
        raise SignInError(WRONG_CREDENTIALS) from None
    reg = register_mod.open_with_key(path, candidates)
    try:
        with reg.session() as session:
            # User names are stored in lower case (staff.check_username), as the slot lookup folds case too.
            member = session.execute(
                select(StaffMember).where(StaffMember.username == username.strip().lower())
            ).scalar_one_or_none()
            if member is None or not member.active:
                raise SignInError("This account is disabled. Ask an administrator.")
            policy = settings_mod.load(session).require_totp_for_all
            session.expunge(member)
    except BaseException:
        reg.close()
        raise
    # The failure count is cleared only when the whole sign-in succeeds (see PendingSignIn.finish), so a right
    # password does not wipe out a run of wrong TOTP codes.
    return PendingSignIn(reg, member, policy, clock)


def sign_in(
    path: Path, username: str, password: str, totp_code: str | None = None, clock: Clock = time.time
) -> SignedIn:
    """Password and (where enrolled) TOTP in one call: the command line's way in."""
    pending = begin(path, username, password, clock)
    try:
        if pending.needs_enrolment:
            raise TotpRequiredError(
                "This account must set up a TOTP code before it can be used. Sign in to the hartdesk window "
                "to set it up, or ask an administrator."
            )
        return pending.finish(totp_code)
    except BaseException:
        pending.cancel()
        raise


class RecoverySignIn:
    """The recovery key opened the register: an admin must now be given a new password."""

    def __init__(self, reg: OpenRegister, clock: Clock) -> None:
        self.register = reg
        self._clock = clock

    def admins(self) -> list[str]:
        with self.register.session() as session:
            return list(
                session.execute(
                    select(StaffMember.username)
                    .where(StaffMember.role == Role.ADMIN, StaffMember.active.is_(True))
                    .order_by(StaffMember.username)
                ).scalars()
            )

    def set_new_password(self, username: str, new_password: str) -> SignedIn:
        from hartdesk.security import staff

        staff.check_password_quality(new_password, [username])
        with self.register.session() as session:
            member = session.execute(
                select(StaffMember).where(StaffMember.username == username, StaffMember.role == Role.ADMIN)
            ).scalar_one_or_none()
            if member is None or not member.active:
                raise SignInError("Choose one of the register's administrators.")
            identity = Identity(member.id, member.username, member.display_name, member.role)
            member.must_change_password = False
            audit.record(session, username, "signin.recovery", f"staff:{username}")
            audit.record(session, username, "staff.password_reset", f"staff:{username}", {"by": "recovery key"})
        self.register.set_staff_secret(username, new_password)
        return SignedIn(self.register, identity, self._clock, via_recovery=True)

    def cancel(self) -> None:
        self.register.close()


def begin_recovery(path: Path, recovery_key: str, clock: Clock = time.time) -> RecoverySignIn:
    from hartdesk.security.keyslots import normalise_recovery_key

    keyfile = register_mod.load_keyfile(path)
    throttle = Throttle(keyfile.register_id, clock)
    throttle.check(RECOVERY_ACCOUNT)
    slot = keyfile.recovery_slot()
    try:
        candidates = _unlock(path, keyfile, slot, normalise_recovery_key(recovery_key))
    except SignInError:
        throttle.failed(RECOVERY_ACCOUNT)
        raise SignInError("The recovery key is not correct. Check it against your emergency kit.") from None
    throttle.succeeded(RECOVERY_ACCOUNT)
    return RecoverySignIn(register_mod.open_with_key(path, candidates), clock)
