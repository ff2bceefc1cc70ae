"""The credentials vault with an in-memory keyring: what is stored where, the step-up window, lock-out, keyring
trouble, 2FA codes and the audit log."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring.backends.fail
import pyotp
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from hartdesk import settings as settings_mod
from hartdesk.errors import (
    FormError,
    KeyringUnavailableError,
    NotFoundError,
    SignInError,
    StepUpRequiredError,
    ThrottledError,
    TotpNotSetUpError,
    ValidationError,
)
from hartdesk.security import audit, keyrings
from hartdesk.security.signin import SignedIn, sign_in
from hartdesk.security.throttle import delay_after
from hartdesk.security.vault import (
    CredentialInput,
    Vault,
    check_secret,
    entry_name,
    keyring_problem,
    otp_entry_name,
    parse_otp_key,
)
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD
from tests.keyrings import MemoryKeyring
from tests.pdfs import pdf_text
from tests.security.vault_helpers import Desk, audit_rows, login, open_desk, register_text
from tests.totp import code_at, wrong_code

SECRET = "Tr0ub4dor &3 — ünïcode ✓ "  # spaces kept exactly, including the trailing one
OTP_KEY = "JBSW Y3DP EHPK 3PXP"  # an 80-bit key, as registrars show it (base32 in groups)


@dataclass
class MemoryDesk(Desk):
    """The :class:`Desk` with the in-memory keyring its secrets go to."""

    ring: MemoryKeyring

    def stored(self, username: str) -> str | None:
        return self.ring.secrets.get((self.service, username))

    def add(self, account: str = "ops@pemberton.example", secret: str = SECRET, otp_key: str = "", **more: Any) -> int:
        return self.vault.add(login(self.agency.fasthosts, account, **more), secret, otp_key)

    def step_up(self) -> None:
        self.who.step_up(code_at(self.totp, self.clock.now))

    def sign_in_again(self, code: str) -> None:
        """Sign out and in again (one process opens a register once)."""
        self.who.lock()
        self.who = sign_in(self.register_dir, ADMIN, ADMIN_PASSWORD, code, clock=self.clock)
        self.vault = Vault(self.who)

    def credential_count(self) -> int:
        from sqlalchemy import func, select

        from hartdesk.models import Credential

        with self.who.register.session() as session:
            return int(session.scalar(select(func.count()).select_from(Credential)) or 0)

    def vault_actions(self) -> list[str]:
        return [r.action for r in audit_rows(self.who) if r.action.startswith("vault.")]


@pytest.fixture
def desk(register_dir: Path, memory_keyring: MemoryKeyring) -> Iterator[MemoryDesk]:
    desk = open_desk(register_dir, MemoryDesk, ring=memory_keyring)
    yield desk
    desk.who.lock()


def _save_setting(who: SignedIn, **values: Any) -> None:
    with who.register.session() as session:
        settings_mod.save(session, replace(settings_mod.load(session), **values))


@pytest.fixture
def failing_commit() -> Iterator[None]:
    """Every commit of the register fails from now on (after everything in the transaction has been done)."""

    def refuse(session: Session) -> None:
        raise OSError("disk full")

    event.listen(Session, "before_commit", refuse)
    yield
    event.remove(Session, "before_commit", refuse)


# -- storing and listing ----------------------------------------------------------------------------------------------


def test_a_login_is_split_between_the_register_and_the_keyring(desk: MemoryDesk) -> None:
    a = desk.agency
    data = CredentialInput(
        operator_id=a.fasthosts,
        account_name="  ops@pemberton.example ",
        login_url="admin.fasthosts.co.uk/login",
        notes="Shared by the support team",
        client_ids=(a.zoe_id,),
        service_ids=(a.zoe_domain,),
        rotate_every_days=90,
    )
    credential_id = desk.vault.add(data, SECRET, OTP_KEY)
    # The secret, exactly as typed, under the documented service and user name; the 2FA key beside it.
    service = f"hartdesk:{desk.who.register.register_id}"
    assert desk.ring.secrets[(service, f"credential:{credential_id}")] == SECRET
    assert desk.ring.secrets[(service, f"credential:{credential_id}:otp")].startswith(
        "otpauth://totp/hartdesk?secret=JBSWY3DPEHPK3PXP&digits=6&algorithm=SHA1&period=30"
    )
    assert set(desk.ring.secrets) == {(service, entry_name(credential_id)), (service, otp_entry_name(credential_id))}
    # The register has the rest, tidied, and never the secret or the 2FA key (even decrypted).
    detail = desk.vault.get(credential_id)
    assert (detail.operator, detail.account_name, detail.login_url) == (
        "Fasthosts",
        "ops@pemberton.example",
        "https://admin.fasthosts.co.uk/login",
    )
    assert detail.clients == (f"{a.zoe_ref} Zoë Łukasiewicz",) and detail.domains == ("zukasiewicz.example",)
    assert detail.has_otp and detail.notes == "Shared by the support team" and detail.created_by == ADMIN
    assert detail.rotated_on == date(2027, 1, 15)  # today on the session's clock, in the UK
    assert detail.rotation_due == date(2027, 4, 15)
    assert not detail.rotation_overdue(date(2027, 4, 14)) and detail.rotation_overdue(date(2027, 4, 15))
    text = register_text(desk.who)
    assert "ops@pemberton.example" in text  # the search really looks at the register's rows
    assert SECRET.strip() not in text and "JBSWY3DPEHPK3PXP" not in text and "JBSW Y3DP" not in text


def test_list_is_by_operator_then_account_and_searches_clients_and_domains(desk: MemoryDesk) -> None:
    a = desk.agency
    godaddy = desk.vault.add(
        login(a.godaddy, "billing@pemberton.example", service_ids=(a.acme_domain,)), "secret-godaddy"
    )
    fh_b = desk.vault.add(login(a.fasthosts, "b-team@pemberton.example", client_ids=(a.zoe_id,)), "secret-fh-b")
    fh_a = desk.vault.add(login(a.fasthosts, "a-team@pemberton.example"), "secret-fh-a")
    rows = desk.vault.rows()
    assert [r.id for r in rows] == [fh_a, fh_b, godaddy]
    assert rows[0].reference == "Fasthosts — a-team@pemberton.example"
    assert [r.id for r in desk.vault.rows("acme-widgets")] == [godaddy]  # by domain
    assert [r.id for r in desk.vault.rows(a.zoe_ref.lower())] == [fh_b]  # by client reference
    assert [r.id for r in desk.vault.rows("łukasiewicz")] == [fh_b]  # by client name, in any case and accents
    assert [r.id for r in desk.vault.rows("Zoe")] == [fh_b]
    assert [r.id for r in desk.vault.rows("fasthosts b-team")] == [fh_b]  # every word must match
    assert desk.vault.rows("100%") == []  # LIKE wildcards are plain characters
    # A client's logins include those of its domains.
    assert [r.id for r in desk.vault.rows(client_id=a.acme_id)] == [godaddy]
    assert [r.id for r in desk.vault.rows(operator_id=a.godaddy)] == [godaddy]
    assert all("secret" not in repr(r) for r in rows)


def test_the_form_is_checked_and_nothing_is_stored_when_it_is_wrong(desk: MemoryDesk) -> None:
    with pytest.raises(FormError) as raised:
        desk.vault.add(
            CredentialInput(operator_id=None, account_name=" ", login_url="ftp://x", rotate_every_days=0), SECRET
        )
    assert raised.value.problems == {
        "operator": "Choose the operator this login is for.",
        "account_name": "Fill in the account name (the user name or email you sign in with).",
        "login_url": "The login page must be a web address, like https://example.com/login.",
        "rotate_every_days": "Rotation must be between 1 and 3650 days, or none.",
    }
    with pytest.raises(ValidationError, match="Fill in the password"):
        desk.add(secret="")
    with pytest.raises(ValidationError, match="NUL"):
        desk.add(secret="a\x00b")
    with pytest.raises(ValidationError, match="2FA key must be the letters"):
        desk.vault.add(login(desk.agency.fasthosts), SECRET, "not a key!")
    desk.add("ops@pemberton.example")
    with pytest.raises(FormError, match=r"already has the account OPS@pemberton\.example at Fasthosts\."):
        desk.add("OPS@pemberton.example", secret="another")
    desk.add("łukasz@pemberton.example")
    with pytest.raises(FormError, match="already has the account"):  # letters beyond A-Z fold too
        desk.add("Łukasz@pemberton.example", secret="another")
    assert desk.credential_count() == 2 and len(desk.ring.secrets) == 2
    assert desk.vault_actions() == ["vault.added", "vault.added"]


def test_an_unchanged_form_changes_nothing_and_edits_are_audited(desk: MemoryDesk) -> None:
    a = desk.agency
    credential_id = desk.vault.add(
        login(a.fasthosts, service_ids=(a.zoe_domain, a.zoe_hosting), client_ids=(a.zoe_id,)), SECRET
    )
    same = desk.vault.get(credential_id).as_input()
    assert desk.vault.update(credential_id, same) == []
    changed = desk.vault.update(credential_id, replace(same, notes="Moved to 1Password?", service_ids=()))
    assert changed == ["notes", "service_ids"]
    assert desk.vault.get(credential_id).domains == ()
    assert desk.vault_actions() == ["vault.added", "vault.edited"]
    edited = audit_rows(desk.who)[-1]
    assert edited.target == f"credential:{credential_id}" and "notes" in edited.details
    with pytest.raises(NotFoundError, match="no longer in the vault"):
        desk.vault.update(credential_id + 1, same)


def test_rotate_replaces_the_secret_and_restarts_the_reminder(desk: MemoryDesk) -> None:
    credential_id = desk.add(rotate_every_days=30, otp_key=OTP_KEY)
    desk.clock.now += 40 * 86400
    assert desk.vault.get(credential_id).rotation_overdue(date(2027, 2, 24))
    desk.vault.rotate(credential_id, "new secret")
    detail = desk.vault.get(credential_id)
    assert detail.rotated_on == date(2027, 2, 24) and detail.rotation_due == date(2027, 3, 26)
    assert desk.stored(entry_name(credential_id)) == "new secret"
    assert desk.stored(otp_entry_name(credential_id)) is not None  # None for the 2FA key: kept as it was
    desk.vault.rotate(credential_id, "newer secret", "")  # "": the 2FA key is removed
    assert not desk.vault.get(credential_id).has_otp and desk.stored(otp_entry_name(credential_id)) is None
    desk.step_up()  # forty days on, the sign-in code no longer counts
    with pytest.raises(ValidationError, match="no 2FA key"):
        desk.vault.otp_code(credential_id)
    assert desk.vault.reveal(credential_id) == "newer secret"


def test_delete_removes_the_login_and_its_secrets(desk: MemoryDesk) -> None:
    keep = desk.add("other@pemberton.example", secret="keep me")
    credential_id = desk.add(otp_key=OTP_KEY)
    desk.vault.delete(credential_id)
    assert [r.id for r in desk.vault.rows()] == [keep]
    assert desk.stored(entry_name(credential_id)) is None and desk.stored(otp_entry_name(credential_id)) is None
    assert desk.stored(entry_name(keep)) == "keep me"
    with pytest.raises(NotFoundError, match="no longer in the vault"):
        desk.vault.reveal(credential_id)
    with pytest.raises(NotFoundError):
        desk.vault.delete(credential_id)
    # Ids are never reused, so an entry left in a keyring elsewhere cannot be taken for a new login's.
    assert desk.add("third@pemberton.example") == credential_id + 1


def test_an_operator_with_logins_cannot_be_deleted(desk: MemoryDesk) -> None:
    from hartdesk.models import TransferSafeguard
    from hartdesk.register import operators

    with desk.who.register.session() as session:
        spare = operators.create_operator(
            session, ADMIN, operators.OperatorInput("Mailchimp", "Newsletters", "US", TransferSafeguard.ADDENDUM)
        )
    credential_id = desk.vault.add(login(spare, "news@pemberton.example"), SECRET)
    with pytest.raises(ValidationError) as raised, desk.who.register.session() as session:
        operators.delete_operator(session, ADMIN, spare)
    assert str(raised.value) == (
        "The vault still has 1 login at Mailchimp. Delete them in the Vault first (their passwords are in this "
        "computer's keyring)."
    )
    assert desk.vault.get(credential_id).operator == "Mailchimp"  # nothing was removed
    desk.vault.delete(credential_id)
    with desk.who.register.session() as session:
        operators.delete_operator(session, ADMIN, spare)
    with desk.who.register.session() as session:
        assert [o.name for o in operators.list_operators(session)] == ["Fasthosts", "GoDaddy"]


# -- the step-up window --------------------------------------------------------------------------------------------


def test_the_sign_in_code_counts_until_the_window_closes(desk: MemoryDesk) -> None:
    credential_id = desk.add()
    assert desk.vault.reveal(credential_id) == SECRET  # the code typed at sign-in counts
    desk.clock.now += 5 * 60  # the last second of the default 5-minute window
    assert desk.vault.reveal(credential_id, "copied") == SECRET
    desk.clock.now += 1
    with pytest.raises(StepUpRequiredError, match="Enter the 6-digit code"):
        desk.vault.reveal(credential_id)
    with pytest.raises(StepUpRequiredError):
        desk.vault.otp_code(credential_id)
    desk.who.step_up(code_at(desk.totp, desk.clock.now))
    assert desk.vault.reveal(credential_id) == SECRET
    desk.who.forget_step_up()  # "lock the vault now"
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)
    assert desk.vault_actions() == ["vault.added", "vault.revealed", "vault.copied", "vault.revealed"]


def test_the_window_follows_the_setting(desk: MemoryDesk) -> None:
    credential_id = desk.add()
    signed_in_at = desk.clock.now
    _save_setting(desk.who, step_up_minutes=10)
    desk.clock.now = signed_in_at + 5 * 60 + 1
    assert desk.vault.reveal(credential_id) == SECRET  # still inside ten minutes
    desk.clock.now = signed_in_at + 10 * 60 + 1
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)
    desk.step_up()
    _save_setting(desk.who, step_up_minutes=1)
    desk.clock.now += 60
    assert desk.vault.reveal(credential_id) == SECRET
    desk.clock.now += 1
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)


def test_a_code_is_accepted_once(desk: MemoryDesk) -> None:
    credential_id = desk.add()
    desk.clock.now += 10  # still the sign-in code's own 30-second step
    desk.who.forget_step_up()
    with pytest.raises(SignInError, match="already used"):
        desk.who.step_up(desk.signin_code)  # the sign-in code, typed again
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)
    fresh = code_at(desk.totp, desk.clock.now + 30)  # the next code (one step of drift is allowed)
    desk.who.step_up(fresh)
    assert desk.vault.reveal(credential_id) == SECRET
    desk.who.forget_step_up()
    with pytest.raises(SignInError, match="already used"):
        desk.who.step_up(fresh)
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)
    actions = [r.action for r in audit_rows(desk.who)]
    assert actions.count("signin.step_up_failed") == 2 and actions.count("signin.step_up") == 1


def test_five_wrong_codes_lock_the_vault_with_growing_delays_but_not_sign_in(desk: MemoryDesk) -> None:
    credential_id = desk.add()
    clock = desk.clock
    clock.now += 5 * 60 + 1  # the sign-in code no longer counts
    for _ in range(4):
        with pytest.raises(SignInError, match="not correct"):
            desk.who.step_up(wrong_code(desk.totp, clock.now))
    with pytest.raises(ThrottledError, match="Too many wrong codes: passwords stay hidden") as raised:
        desk.who.step_up(wrong_code(desk.totp, clock.now))
    assert raised.value.retry_at == clock.now + delay_after(5) == clock.now + 30
    # Locked: even the right code is refused, and so is every secret.
    right = code_at(desk.totp, clock.now)
    with pytest.raises(ThrottledError):
        desk.who.step_up(right)
    with pytest.raises(ThrottledError):
        desk.vault.reveal(credential_id)
    # Signing in is not locked out by the vault's lock-out, but its code does not open the vault early.
    clock.now += 1
    desk.sign_in_again(right)
    assert desk.who.has_fresh_second_factor()
    with pytest.raises(ThrottledError):
        desk.vault.reveal(credential_id)
    clock.now += 30  # the wait is over: the new session's sign-in code counts
    assert desk.vault.reveal(credential_id) == SECRET
    # The sixth wrong code doubles the wait.
    with pytest.raises(ThrottledError) as raised:
        desk.who.step_up(wrong_code(desk.totp, clock.now))
    assert raised.value.retry_at == clock.now + delay_after(6) == clock.now + 60
    clock.now += 59
    with pytest.raises(ThrottledError):
        desk.who.step_up(code_at(desk.totp, clock.now))
    clock.now += 2
    desk.who.step_up(code_at(desk.totp, clock.now))  # a right code clears the count
    assert desk.vault.reveal(credential_id) == SECRET
    desk.who.forget_step_up()
    clock.now += 30
    with pytest.raises(SignInError, match="not correct"):  # counting starts again from one
        desk.who.step_up(wrong_code(desk.totp, clock.now))


def test_the_step_up_lock_is_per_person(desk: MemoryDesk) -> None:
    from hartdesk.security import staff

    clock = desk.clock
    bob_totp = str(pyotp.parse_uri(staff.start_totp_enrolment(desk.who, STAFF)).secret)
    staff.confirm_totp(desk.who, STAFF, code_at(bob_totp, clock.now))  # an admin can enrol someone else
    credential_id = desk.add()
    clock.now += 5 * 60 + 1
    for _ in range(5):
        with pytest.raises((SignInError, ThrottledError)):
            desk.who.step_up(wrong_code(desk.totp, clock.now))
    with pytest.raises(ThrottledError):
        desk.vault.reveal(credential_id)
    desk.who.lock()
    bob = sign_in(desk.register_dir, STAFF, STAFF_PASSWORD, code_at(bob_totp, clock.now), clock=clock)
    try:
        assert Vault(bob).reveal(credential_id) == SECRET
    finally:
        bob.lock()


def test_a_person_without_totp_is_told_to_set_it_up(desk: MemoryDesk) -> None:
    credential_id = desk.add(otp_key=OTP_KEY)
    desk.who.lock()
    bob = sign_in(desk.register_dir, STAFF, STAFF_PASSWORD, clock=desk.clock)
    try:
        vault = Vault(bob)
        assert [r.id for r in vault.rows()] == [credential_id]  # the list still works
        with pytest.raises(TotpNotSetUpError, match="Set up two-step sign-in for your account first"):
            vault.reveal(credential_id)
        with pytest.raises(TotpNotSetUpError, match="Set up two-step sign-in for your account first"):
            vault.otp_code(credential_id)
        with pytest.raises(TotpNotSetUpError):
            vault.handover(desk.agency.zoe_id)
        with pytest.raises(TotpNotSetUpError):
            bob.step_up("123456")
        assert [r.action for r in audit_rows(bob) if r.action.startswith("vault.")] == ["vault.added"]
    finally:
        bob.lock()


# -- keyring trouble -----------------------------------------------------------------------------------------------


def test_no_keyring_disables_the_vault_with_a_clear_message_and_writes_nothing(desk: MemoryDesk) -> None:
    existing = desk.add()
    keyrings.use(keyring.backends.fail.Keyring())
    vault = Vault(desk.who)
    with pytest.raises(KeyringUnavailableError, match="no system keyring that hartdesk can use") as raised:
        vault.add(login(desk.agency.godaddy, "new@pemberton.example"), "a secret")
    assert "GNOME Keyring or KWallet" in str(raised.value)
    assert keyring_problem() == str(raised.value)
    with pytest.raises(KeyringUnavailableError):
        vault.reveal(existing)
    with pytest.raises(KeyringUnavailableError):
        vault.rotate(existing, "changed")
    with pytest.raises(KeyringUnavailableError):
        vault.delete(existing)
    # Everything else works: the list, the register.
    assert [r.account_name for r in vault.rows()] == ["ops@pemberton.example"]
    assert desk.credential_count() == 1 and desk.vault_actions() == ["vault.added"]


def test_a_locked_keyring_writes_nothing_and_says_so(desk: MemoryDesk) -> None:
    existing = desk.add()
    assert keyring_problem() is None  # a locked keyring shows only when used
    desk.ring.locked = True
    with pytest.raises(KeyringUnavailableError) as raised:
        desk.add("new@pemberton.example", otp_key=OTP_KEY)
    assert str(raised.value) == (
        "The system keyring is locked and was not unlocked. Unlock it (it asks for your computer password) and try "
        "again."
    )
    with pytest.raises(KeyringUnavailableError, match="locked"):
        desk.vault.reveal(existing)
    with pytest.raises(KeyringUnavailableError, match="locked"):
        desk.vault.rotate(existing, "changed")
    assert desk.credential_count() == 1 and desk.vault_actions() == ["vault.added"]
    desk.ring.locked = False
    assert desk.vault.reveal(existing) == SECRET  # the rotation did not half-happen
    assert len(desk.ring.secrets) == 1


def test_deleting_a_login_while_the_keyring_is_locked_keeps_it(desk: MemoryDesk) -> None:
    credential_id = desk.add()
    desk.ring.locked = True
    with pytest.raises(KeyringUnavailableError, match="locked"):
        desk.vault.delete(credential_id)
    desk.ring.locked = False
    assert [r.id for r in desk.vault.rows()] == [credential_id]
    assert desk.vault.reveal(credential_id) == SECRET
    desk.vault.delete(credential_id)
    assert desk.ring.secrets == {} and desk.vault.rows() == []


def test_a_secret_over_1000_characters_is_refused(desk: MemoryDesk) -> None:
    with pytest.raises(ValidationError) as raised:
        desk.add(secret="x" * 1001)
    assert str(raised.value) == (
        "The password is 1,001 characters long; the system keyring keeps at most 1,000 (Windows' limit). "
        "Nothing was saved."
    )
    assert desk.credential_count() == 0 and desk.ring.secrets == {} and desk.vault_actions() == []
    credential_id = desk.add(secret="y" * 1000)  # the limit itself is fine
    with pytest.raises(ValidationError, match="1,001 characters"):
        desk.vault.rotate(credential_id, "z" * 1001)
    assert desk.stored(entry_name(credential_id)) == "y" * 1000
    assert check_secret(" padded ") == " padded "


def test_an_entry_deleted_outside_hartdesk_is_explained_and_rotate_stores_it_again(desk: MemoryDesk) -> None:
    credential_id = desk.add()
    del desk.ring.secrets[(keyrings.service_name(desk.who.register.register_id), entry_name(credential_id))]
    with pytest.raises(ValidationError) as raised:
        desk.vault.reveal(credential_id)
    assert str(raised.value) == (
        "The password of ops@pemberton.example at Fasthosts is not in this computer's keyring: it was removed "
        "outside hartdesk, or the register was moved from another computer. If you know it, store it again with "
        "Rotate."
    )
    assert "vault.revealed" not in desk.vault_actions()
    desk.vault.rotate(credential_id, "stored again")
    assert desk.vault.reveal(credential_id) == "stored again"
    desk.vault.delete(credential_id)  # a missing entry does not stop a delete either


def test_a_failed_commit_takes_the_new_secret_back_out_of_the_keyring(
    desk: MemoryDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(audit, "record", broken)  # the last step of the transaction, after the keyring write
        with pytest.raises(OSError):
            desk.add(otp_key=OTP_KEY)
    assert desk.ring.secrets == {} and desk.credential_count() == 0


def test_a_failed_commit_itself_also_undoes_the_keyring(desk: MemoryDesk, failing_commit: None) -> None:
    with pytest.raises(OSError):
        desk.add(otp_key=OTP_KEY)
    assert desk.ring.secrets == {}


def test_a_failed_commit_puts_the_old_secret_back_after_rotate_and_delete(desk: MemoryDesk) -> None:
    credential_id = desk.add(otp_key=OTP_KEY)
    before = dict(desk.ring.secrets)
    rotated_on = desk.vault.get(credential_id).rotated_on
    desk.clock.now += 3 * 86400

    def refuse(session: Session) -> None:
        raise OSError("disk full")

    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(OSError):
            desk.vault.rotate(credential_id, "new secret", "")
        assert desk.ring.secrets == before
        with pytest.raises(OSError):
            desk.vault.delete(credential_id)
        assert desk.ring.secrets == before
    finally:
        event.remove(Session, "before_commit", refuse)
    detail = desk.vault.get(credential_id)
    assert detail.rotated_on == rotated_on and detail.has_otp


def test_a_failed_rotation_of_a_missing_entry_leaves_it_missing(
    desk: MemoryDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    credential_id = desk.add()
    desk.ring.secrets.clear()  # removed outside hartdesk

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(OSError):
        desk.vault.rotate(credential_id, "never recorded")
    assert desk.ring.secrets == {}  # the register does not say it was rotated, so the keyring must not either


# -- 2FA codes of the logins -----------------------------------------------------------------------------------------

# RFC 6238 Appendix B: the seeds are ASCII digits, 20/32/64 bytes long; 8-digit codes.
RFC6238_SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


def _base32(seed: bytes) -> str:
    import base64

    return base64.b32encode(seed).decode("ascii").rstrip("=")


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238_VECTORS)
def test_login_codes_match_rfc_6238_appendix_b(at: int, sha1: str, sha256: str, sha512: str) -> None:
    for algorithm, expected in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
        uri = f"otpauth://totp/Registrar:ops?secret={_base32(RFC6238_SEEDS[algorithm])}&digits=8&algorithm={algorithm}"
        key = parse_otp_key(uri)
        assert key is not None and (key.algorithm, key.digits, key.period) == (algorithm, 8, 30)
        assert key.code(at).code == expected, algorithm


def _rfc4226(key: bytes, counter: int, digits: int = 6) -> str:
    """An independent HOTP (RFC 4226 §5.3) to check hartdesk's codes against."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


@pytest.mark.parametrize(
    "typed",
    [
        "JBSWY3DPEHPK3PXP",
        "jbsw y3dp ehpk 3pxp",
        "  JBSW-Y3DP-EHPK-3PXP  ",
        "jbswy3dpehpk3pxp====",
        "otpauth://totp/GoDaddy:ops%40pemberton.example?secret=jbswy3dpehpk3pxp&issuer=GoDaddy",
        "OTPAUTH://TOTP/x?SECRET=JBSWY3DPEHPK3PXP&Period=30&Digits=6&Algorithm=sha1",
    ],
)
def test_registrar_style_80_bit_keys_in_any_form(typed: str) -> None:
    key = parse_otp_key(typed)
    assert key is not None and key.secret == "JBSWY3DPEHPK3PXP"
    seed = b"Hello!\xde\xad\xbe\xef"  # what JBSWY3DPEHPK3PXP decodes to: 80 bits
    for at in (0, 59, 1_800_000_000, 1_800_000_029, 1_800_000_030):
        shown = key.code(at)
        assert shown.code == _rfc4226(seed, at // 30)
        assert shown.seconds_left == 30 - at % 30


def test_other_periods_and_lengths_from_the_address() -> None:
    key = parse_otp_key("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=7&period=60")
    assert key is not None and key.code(125).code == _rfc4226(b"Hello!\xde\xad\xbe\xef", 2, 7)
    assert key.code(125).seconds_left == 55
    assert parse_otp_key(key.uri()) == key  # what is kept in the keyring reads back the same
    assert parse_otp_key("   ") is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1", "Only time-based 2FA keys"),
        ("otpauth://totp/x?issuer=GoDaddy", "holds no secret"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9", "codes hartdesk cannot make"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", "codes hartdesk cannot make"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=abc", "not a number"),
        ("JBSWY3DPEHPK3PX", "at least 16"),
        ("JBSWY3DPEHPK3PX1", "letters A–Z and digits 2–7"),
        ("JBSWY3DPEHPK3PXPA", "cannot be read"),  # 17 characters: no whole number of bytes
    ],
)
def test_keys_that_cannot_make_codes_are_refused_clearly(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_otp_key(typed)


def test_the_current_code_of_a_login_after_step_up(desk: MemoryDesk) -> None:
    credential_id = desk.add(otp_key=OTP_KEY)
    desk.clock.now += 7
    shown = desk.vault.otp_code(credential_id)
    assert shown.code == _rfc4226(b"Hello!\xde\xad\xbe\xef", int(desk.clock.now // 30))
    assert shown.seconds_left == 23
    assert desk.vault_actions() == ["vault.added", "vault.otp_shown"]


# -- the audit log -------------------------------------------------------------------------------------------------


def test_every_use_is_audited_with_who_and_when_and_never_the_secret(desk: MemoryDesk) -> None:
    a = desk.agency
    started = datetime.now(UTC)
    credential_id = desk.vault.add(login(a.fasthosts, service_ids=(a.zoe_domain,)), SECRET, OTP_KEY)
    desk.vault.update(credential_id, replace(desk.vault.get(credential_id).as_input(), notes="Renewals"))
    desk.vault.rotate(credential_id, "Second-Secret-Ω", "otpauth://totp/x?secret=KRUGS4ZANFZSAYJAORSXG5AK")
    desk.vault.reveal(credential_id)
    desk.vault.reveal(credential_id, "copied")
    desk.vault.otp_code(credential_id)
    handover = desk.vault.handover(a.zoe_id, "New Host Ltd")
    assert handover.count == 1 and "Second-Secret-Ω" in pdf_text(handover.pdf, handover.password)
    with pytest.raises(ValueError):
        desk.vault.reveal(credential_id, "printed")
    desk.vault.delete(credential_id)
    finished = datetime.now(UTC)

    rows = audit_rows(desk.who)
    vault_rows = [r for r in rows if r.action.startswith("vault.")]
    assert [(r.action, r.target) for r in vault_rows] == [
        ("vault.added", f"credential:{credential_id}"),
        ("vault.edited", f"credential:{credential_id}"),
        ("vault.rotated", f"credential:{credential_id}"),
        ("vault.revealed", f"credential:{credential_id}"),
        ("vault.copied", f"credential:{credential_id}"),
        ("vault.otp_shown", f"credential:{credential_id}"),
        ("vault.exported", f"client:{a.zoe_ref}"),
        ("vault.deleted", f"credential:{credential_id}"),
    ]
    assert all(r.actor == ADMIN and started - timedelta(seconds=1) <= r.at <= finished for r in vault_rows)
    everything = register_text(desk.who)
    for secret in (SECRET.strip(), "Second-Secret-Ω", "JBSWY3DPEHPK3PXP", "KRUGS4ZANFZSAYJAORSXG5AK"):
        for row in rows:
            assert secret not in f"{row.actor} {row.action} {row.target} {row.details}"
        assert secret not in everything
    with desk.who.register.session() as session:
        assert audit.first_broken_row(session) is None
