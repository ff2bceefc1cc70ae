"""Shared fixtures: an isolated HARTDESK_HOME per test, cheap Argon2, and one template register copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HARTDESK_INSECURE_TEST_KDF"] = "1"  # subprocesses too; see hartdesk.security.kdf

from hartdesk import paths
from hartdesk.security import kdf
from tests.keyrings import MemoryKeyring

ADMIN = "alice"
ADMIN_PASSWORD = "Quiet-Harbour-Lantern-71"
STAFF = "bob"
STAFF_PASSWORD = "Copper-Meadow-Violin-38"
AGENCY_NAME = "Pemberton Quill Hosting Ltd"
AGENCY_ADDRESS = "17 Wexcombe Mews\nTruro\nTR1 9QZ"


def run_cli(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the command line in this process: (exit code, stdout, stderr)."""
    import io

    from hartdesk.cli import Io, main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), Io(io.StringIO(stdin), out, err))
    return code, out.getvalue(), err.getvalue()


def run_as_admin(register_dir: Path, *args: str, more_stdin: str = "") -> tuple[int, str, str]:
    """``hartdesk ARGS`` signed in as the template's admin (password on the first line of stdin)."""
    return run_cli(
        *args,
        "--register",
        str(register_dir),
        "--user",
        ADMIN,
        "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\n{more_stdin}",
    )


@dataclass(frozen=True)
class TemplateRegister:
    path: Path
    register_id: str
    recovery_key: str


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own HARTDESK_HOME; touching the real user folders fails the test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HARTDESK_HOME", str(home))
    monkeypatch.delenv("HARTDESK_REGISTER", raising=False)
    monkeypatch.delenv("HARTDESK_PASSWORD", raising=False)

    def forbidden(kind: str) -> Path:
        raise AssertionError(f"a test asked for the real user {kind} folder")

    monkeypatch.setattr(paths, "_platform_dir", forbidden)
    kdf.use_insecure_test_parameters(True)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty keyring in memory: no test reads or writes the computer's own keyring."""
    from hartdesk.security import keyrings

    memory = MemoryKeyring()
    keyrings.use(memory)
    yield memory
    keyrings.use(None)


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> TemplateRegister:
    """Built once per run: admin alice (no TOTP), staff bob, agency details."""
    from hartdesk import settings as settings_mod
    from hartdesk.models import Role
    from hartdesk.security import staff
    from hartdesk.security.signin import Identity, SignedIn
    from hartdesk.storage import register as register_mod

    kdf.use_insecure_test_parameters(True)
    home = tmp_path_factory.mktemp("template-home")
    old = os.environ.get("HARTDESK_HOME")
    os.environ["HARTDESK_HOME"] = str(home)
    try:
        path = tmp_path_factory.mktemp("template") / "register"
        created, reg = register_mod.create(path, ADMIN, "Alice Admin", ADMIN_PASSWORD)
        with reg.session() as session:
            settings_mod.save(
                session,
                settings_mod.Settings(
                    agency_name=AGENCY_NAME,
                    agency_address=AGENCY_ADDRESS,
                    agency_email="privacy@pemberton.example",
                    agency_ico_number="Z1234567",
                ),
            )
        who = SignedIn(reg, Identity(1, ADMIN, "Alice Admin", Role.ADMIN))
        staff.add_staff(who, STAFF, "Bob Clerk", Role.STAFF, STAFF_PASSWORD)
        reg.close()
    finally:
        if old is None:
            os.environ.pop("HARTDESK_HOME", None)
        else:
            os.environ["HARTDESK_HOME"] = old
    return TemplateRegister(path, created.register_id, created.recovery_key)


@pytest.fixture
def register_dir(template_register: TemplateRegister, tmp_path: Path) -> Path:
    """A private copy of the template register."""
    target = tmp_path / "register"
    shutil.copytree(template_register.path, target)
    return target


@pytest.fixture
def signed_in_admin(register_dir: Path) -> Iterator[object]:
    from hartdesk.security.signin import sign_in

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    yield who
    who.lock()
