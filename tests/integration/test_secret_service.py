"""The vault against a real Secret Service (GNOME Keyring on a private D-Bus bus; see conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hartdesk.errors import SignInError, StepUpRequiredError, ValidationError
from tests.integration.conftest import SecretService
from tests.security.vault_helpers import Desk, login, open_desk, register_text
from tests.totp import code_at, wrong_code

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("real_keyring")]

SECRET = "Gr8-Registrar pass ✓ with spaces "
OTP_SEED = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"  # a 2FA key of the registrar account (160 bits)


@pytest.fixture
def desk(register_dir: Path) -> Iterator[Desk]:
    desk = open_desk(register_dir, Desk)
    yield desk
    desk.who.lock()


def lookup(secret_service: SecretService, service: str, username: str) -> str | None:
    """What ``secret-tool`` (libsecret, not Python) finds in the keyring; None when nothing."""
    found = secret_service.secret_tool("lookup", "service", service, "username", username)
    return found.stdout if found.returncode == 0 else None


def test_a_stored_secret_is_in_the_secret_service_and_nowhere_in_the_register(
    desk: Desk, secret_service: SecretService
) -> None:
    credential_id = desk.vault.add(
        login(desk.agency.fasthosts, service_ids=(desk.agency.zoe_domain,)), SECRET, OTP_SEED
    )
    assert lookup(secret_service, desk.service, f"credential:{credential_id}") == SECRET
    otp = lookup(secret_service, desk.service, f"credential:{credential_id}:otp")
    assert otp is not None and f"secret={OTP_SEED}" in otp
    assert lookup(secret_service, desk.service, f"credential:{credential_id + 1}") is None

    # Neither the secret nor the 2FA key is in the register's files (register.db, its WAL, keys.json)...
    files = [p for p in desk.register_dir.iterdir() if p.is_file()]
    assert {"register.db", "register.db-wal", "keys.json"} <= {p.name for p in files}
    needles = [
        text.encode(encoding)
        for text in (SECRET.strip(), "Gr8-Registrar", OTP_SEED)
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    ]
    for path in files:
        content = path.read_bytes()
        assert not [n for n in needles if n in content], path.name
    # ...nor in any row of it, decrypted.
    text = register_text(desk.who)
    assert "ops@pemberton.example" in text and "Gr8-Registrar" not in text and OTP_SEED not in text


def test_any_characters_up_to_the_limit_come_back_exactly(desk: Desk) -> None:
    long_one = ("Ünïcødé ✓ 鍵 \t" * 100)[:1000]
    credential_id = desk.vault.add(login(desk.agency.godaddy, "long@pemberton.example"), long_one)
    assert desk.vault.reveal(credential_id) == long_one


def test_revealed_only_with_a_valid_fresh_code_and_a_replay_is_refused(desk: Desk) -> None:
    credential_id = desk.vault.add(login(desk.agency.fasthosts), SECRET)
    assert desk.vault.reveal(credential_id) == SECRET  # the sign-in code is fresh
    desk.who.forget_step_up()
    with pytest.raises(SignInError, match="already used"):
        desk.who.step_up(desk.signin_code)  # the sign-in code typed again within its own 30 seconds
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)
    desk.clock.now += 5 * 60
    with pytest.raises(SignInError, match="not correct"):
        desk.who.step_up(wrong_code(desk.totp, desk.clock.now))
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)
    desk.who.step_up(code_at(desk.totp, desk.clock.now))
    assert desk.vault.reveal(credential_id) == SECRET
    desk.clock.now += 5 * 60 + 1  # the window closes again
    with pytest.raises(StepUpRequiredError):
        desk.vault.reveal(credential_id)


def test_an_entry_removed_outside_hartdesk(desk: Desk, secret_service: SecretService) -> None:
    credential_id = desk.vault.add(login(desk.agency.fasthosts), SECRET)
    cleared = secret_service.secret_tool("clear", "service", desk.service, "username", f"credential:{credential_id}")
    assert cleared.returncode == 0, cleared.stderr
    with pytest.raises(ValidationError, match="not in this computer's keyring: it was removed outside hartdesk"):
        desk.vault.reveal(credential_id)
    desk.vault.rotate(credential_id, "stored again")
    assert lookup(secret_service, desk.service, f"credential:{credential_id}") == "stored again"
    assert desk.vault.reveal(credential_id) == "stored again"


def test_delete_removes_the_secrets_from_the_secret_service(desk: Desk, secret_service: SecretService) -> None:
    credential_id = desk.vault.add(login(desk.agency.fasthosts), SECRET, OTP_SEED)
    other = desk.vault.add(login(desk.agency.godaddy, "other@pemberton.example"), "keep me")
    desk.vault.delete(credential_id)
    assert lookup(secret_service, desk.service, f"credential:{credential_id}") is None
    assert lookup(secret_service, desk.service, f"credential:{credential_id}:otp") is None
    assert lookup(secret_service, desk.service, f"credential:{other}") == "keep me"
    assert [r.id for r in desk.vault.rows()] == [other]
