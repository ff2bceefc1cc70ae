"""Key slots, staff accounts, re-keying and the recovery key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hartdesk.errors import PermissionDeniedError, RegisterDamagedError, SignInError, ValidationError
from hartdesk.models import Role
from hartdesk.security import staff
from hartdesk.security.keyslots import KeyFile, normalise_recovery_key
from hartdesk.security.signin import begin_recovery, sign_in
from hartdesk.storage.register import KEYS_JSON
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD, TemplateRegister


def test_two_staff_sign_in_with_their_own_passwords(register_dir: Path) -> None:
    admin = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    assert admin.identity.role is Role.ADMIN
    admin.lock()
    clerk = sign_in(register_dir, STAFF, STAFF_PASSWORD)
    assert clerk.identity.role is Role.STAFF and clerk.identity.display_name == "Bob Clerk"
    clerk.lock()
    with pytest.raises(SignInError):
        sign_in(register_dir, STAFF, ADMIN_PASSWORD)


def test_removed_staff_old_slot_no_longer_opens_the_database(register_dir: Path, tmp_path: Path) -> None:
    old_keys = tmp_path / "old-keys.json"
    shutil.copy(register_dir / KEYS_JSON, old_keys)
    admin = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    staff.disable_staff(admin, STAFF)
    admin.lock()

    with pytest.raises(SignInError):
        sign_in(register_dir, STAFF, STAFF_PASSWORD)
    # Put bob's old slot back (an attacker with a copy of the old keys.json): it unwraps the old data key,
    # which no longer opens the re-keyed database.
    shutil.copy(old_keys, register_dir / KEYS_JSON)
    with pytest.raises(RegisterDamagedError):
        sign_in(register_dir, STAFF, STAFF_PASSWORD)
    old = KeyFile.load(old_keys)
    slot = old.find_staff_slot(STAFF)
    assert slot is not None and len(old.unlock(slot, STAFF_PASSWORD)) == 32


def test_remaining_staff_still_sign_in_after_a_rekey(register_dir: Path) -> None:
    admin = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    staff.add_staff(admin, "carol", "Carol Clerk", Role.STAFF, "Plum-Orchard-Kettle-55")
    staff.disable_staff(admin, STAFF)
    admin.lock()
    sign_in(register_dir, "carol", "Plum-Orchard-Kettle-55").lock()
    sign_in(register_dir, ADMIN, ADMIN_PASSWORD).lock()


def test_keys_json_names_nobody(register_dir: Path) -> None:
    text = (register_dir / KEYS_JSON).read_text()
    assert ADMIN not in text and STAFF not in text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12"),
        ("password1234", "common"),
        ("aaaaaaaaaaaaaaaa", "not strong enough"),
        ("carol-carol-carol", "not strong enough"),
    ],
)
def test_weak_passwords_are_refused(signed_in_admin, password: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=message):
        staff.add_staff(signed_in_admin, "carol", "Carol", Role.STAFF, password)
    assert "carol" not in [r.username for r in staff.list_staff(signed_in_admin)]


def test_staff_cannot_manage_accounts(register_dir: Path) -> None:
    clerk = sign_in(register_dir, STAFF, STAFF_PASSWORD)
    try:
        with pytest.raises(PermissionDeniedError):
            staff.add_staff(clerk, "carol", "Carol", Role.STAFF, "Plum-Orchard-Kettle-55")
        with pytest.raises(PermissionDeniedError):
            staff.disable_staff(clerk, ADMIN)
    finally:
        clerk.lock()


def test_last_admin_cannot_be_disabled(signed_in_admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        staff.disable_staff(signed_in_admin, ADMIN)


def test_recovery_key_opens_the_register_and_forces_a_new_password(
    register_dir: Path, template_register: TemplateRegister
) -> None:
    recovery = begin_recovery(register_dir, template_register.recovery_key.lower().replace("-", " "))
    assert recovery.admins() == [ADMIN]
    with pytest.raises(ValidationError):
        recovery.set_new_password(ADMIN, "password1234")
    who = recovery.set_new_password(ADMIN, "Fresh-Granite-Pelican-29")
    assert who.via_recovery
    who.lock()
    with pytest.raises(SignInError):
        sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    sign_in(register_dir, ADMIN, "Fresh-Granite-Pelican-29").lock()


def test_wrong_recovery_key(register_dir: Path) -> None:
    with pytest.raises(SignInError, match="recovery key is not correct"):
        begin_recovery(register_dir, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")


def test_recovery_key_normalisation() -> None:
    assert normalise_recovery_key("ab0d efgh-1jk8") == "ABOD-EFGH-IJKB"
