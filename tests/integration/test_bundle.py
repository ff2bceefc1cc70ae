"""The frozen application built by `make dist` (dist/hartdesk/), run as a clerk would run it.

They run on the bundle that `make dist` built. Without one, or with one older than the source, they are skipped,
except under CI (CI=true), where they fail: .ci/run builds the bundle first.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from hartdesk import __version__
from hartdesk.components import canonical_name, runtime_distributions
from hartdesk.demo import DEMO_PASSWORD, DEMO_USER
from hartdesk.security import keyrings
from tests.integration.conftest import SecretService

BUNDLED = Path(__file__).resolve().parents[2] / "dist" / "hartdesk" / "hartdesk"
TIMEOUT_S = 180

pytestmark = pytest.mark.integration


def _why_not_runnable() -> str | None:
    if not BUNDLED.is_file():
        return "no bundle: `make dist` builds dist/hartdesk/"
    built = BUNDLED.stat().st_mtime
    source = Path(__file__).resolve().parents[2] / "hartdesk"
    if any(path.stat().st_mtime > built for path in source.rglob("*.py")):
        return "the bundle is older than the source: `make dist` builds it again"
    return None


@pytest.fixture(autouse=True, scope="module")
def _bundle_is_current() -> None:
    reason = _why_not_runnable()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI it must be built (see .ci/run)", pytrace=False)
    pytest.skip(reason)


def run(
    *args: str, home: Path, stdin: str = "", extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The bundled hartdesk with ``args``: its own HARTDESK_HOME, Qt offscreen, keyring chosen as on a user's desk."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHON_KEYRING_BACKEND", "HARTDESK_REGISTER", "HARTDESK_PASSWORD"}
    }
    env |= {"HARTDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **(extra_env or {})}
    return subprocess.run(
        [str(BUNDLED), *args], input=stdin, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )


@pytest.fixture(scope="module")
def demo_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo register made by the bundled program (real Argon2 parameters: the bundle has no test switch)."""
    register = tmp_path_factory.mktemp("bundle") / "register"
    done = run("demo", "--register", str(register), "--clients", "5", home=tmp_path_factory.mktemp("bundle-home"))
    assert done.returncode == 0, done.stderr
    assert (register / "register.db").is_file() and (register / "keys.json").is_file()
    return register


def test_version(tmp_path: Path) -> None:
    done = run("--version", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"hartdesk {__version__}"


def test_smoke_test_shows_the_first_window_of_a_new_install(tmp_path: Path) -> None:
    done = run("gui", "--smoke-test", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "first window: first_run_wizard" in done.stdout


def test_smoke_test_on_the_demo_register(demo_register: Path, tmp_path: Path) -> None:
    done = run("gui", "--smoke-test", "--register", str(demo_register), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "first window: signin_dialog" in done.stdout


def test_the_demo_register_verifies_and_lists_its_clients(demo_register: Path, tmp_path: Path) -> None:
    """SQLCipher, the migrations and the audit chain all work inside the bundle."""
    common = ("--register", str(demo_register), "--user", DEMO_USER, "--password-stdin")
    verified = run("verify", *common, home=tmp_path, stdin=DEMO_PASSWORD + "\n")
    assert verified.returncode == 0, verified.stderr
    listed = run("clients", "list", "--json", *common, home=tmp_path, stdin=DEMO_PASSWORD + "\n")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 5


def test_a_data_report_is_written(demo_register: Path, tmp_path: Path) -> None:
    """reportlab, the shipped fonts and wording, and pikepdf are in the bundle."""
    out = tmp_path / "report.pdf"
    common = ("--register", str(demo_register), "--user", DEMO_USER, "--password-stdin")
    done = run(
        "report", "data", "--client", "C-00001", "--out", str(out), *common, home=tmp_path, stdin=DEMO_PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_a_backup_made_by_the_bundle_opens_in_its_window(demo_register: Path, tmp_path: Path) -> None:
    """What double-clicking a backup runs (`hartdesk gui FILE`): the restore window comes up; nothing is restored
    without its password."""
    backup = tmp_path / "office.hdbackup"
    common = ("--register", str(demo_register), "--user", DEMO_USER, "--password-stdin")
    made = run(
        "backup", "--out", str(backup), "--backup-password-stdin", *common,
        home=tmp_path, stdin=f"{DEMO_PASSWORD}\nQuartz-Meadow-Lantern-81\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    home = tmp_path / "fresh-home"
    done = run("gui", "--smoke-test", str(backup), home=home)
    assert done.returncode == 0, done.stderr
    assert "first window: restore_dialog" in done.stdout
    assert not (home / "data" / "register").exists()


def test_the_vault_keeps_secrets_in_the_secret_service(
    demo_register: Path, secret_service: SecretService, tmp_path: Path
) -> None:
    """Not the "fail" backend: the frozen build has no entry points, so keyring's own discovery would find nothing."""
    register_id = json.loads((demo_register / "keys.json").read_text(encoding="utf-8"))["register_id"]
    done = run(
        "vault",
        "add",
        "--operator",
        "Fasthosts",
        "--account",
        "bundle@example.com",
        "--secret-stdin",
        "--register",
        str(demo_register),
        "--user",
        DEMO_USER,
        "--password-stdin",
        home=tmp_path,
        stdin=f"{DEMO_PASSWORD}\nfrozen-but-kept\n",
        extra_env={"DBUS_SESSION_BUS_ADDRESS": secret_service.address},
    )
    assert done.returncode == 0, done.stderr
    credential_id = done.stdout.strip()
    service = keyrings.service_name(register_id)
    try:
        found = secret_service.secret_tool("lookup", "service", service, "username", f"credential:{credential_id}")
        assert found.returncode == 0 and found.stdout == "frozen-but-kept"
    finally:
        secret_service.secret_tool("clear", "service", service)


def test_every_library_travels_with_its_licence_and_copyleft_ones_as_source() -> None:
    """The About dialog lists the libraries from their metadata, and the (L)GPL ones must ship their licence texts
    and stay replaceable: their Python files lie in the folder, outside the program's archive."""
    internal = BUNDLED.parent / "_internal"
    shipped = {
        canonical_name(path.name.removesuffix(".dist-info").rsplit("-", 1)[0]): path
        for path in internal.glob("*.dist-info")
    }
    needed = {canonical_name(str(dist.metadata["Name"])) for dist in runtime_distributions()}
    assert needed - set(shipped) == set()
    for name in ("extract-msg", "pycountry", "python-stdnum", "rtfde"):
        assert any("LICEN" in p.name.upper() or "COPYING" in p.name.upper() for p in shipped[name].rglob("*")), name
    for package in ("extract_msg", "pycountry", "stdnum", "RTFDE"):
        assert (internal / package / "__init__.py").is_file(), package
