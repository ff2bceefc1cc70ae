"""Real external parts for the integration tests.

``secret_service`` starts, once per run, a private D-Bus session bus and GNOME Keyring's Secret Service on it, with
a throw-away home, so the tests never see the computer's own keyring; ``real_keyring`` points hartdesk at it for one
test (setting DBUS_SESSION_BUS_ADDRESS for that test only). Without gnome-keyring the tests are skipped, except
under CI (CI=true), where they fail: .ci/run installs it.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring.backend
import keyring.backends.SecretService
import pytest

from hartdesk.security import keyrings
from tests.conftest import TemplateRegister
from tests.keyrings import MemoryKeyring

TOOLS = {"dbus-daemon": "dbus", "gnome-keyring-daemon": "gnome-keyring", "secret-tool": "libsecret-tools"}
KEYRING_PASSWORD = "throw-away-login-keyring"
START_TIMEOUT_S = 15.0

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass(frozen=True)
class SecretService:
    address: str  # of the private session bus
    env: dict[str, str]  # for tools such as secret-tool: the private bus and the throw-away home

    def secret_tool(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["secret-tool", *args], input=stdin, env=self.env, capture_output=True, text=True, timeout=20
        )


def _missing_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = f"a real Secret Service needs {', '.join(missing)} (Debian: {' '.join(TOOLS[t] for t in missing)})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; under CI it must be installed (see .ci/run)", pytrace=False)
    pytest.skip(message)


def _first_line(process: subprocess.Popen[bytes], deadline: float) -> str:
    """The first line ``process`` writes to stdout, waiting until ``deadline`` at most."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            raise RuntimeError("dbus-daemon did not print its address")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("dbus-daemon closed its output without an address")
            data += chunk
    return data.split(b"\n", 1)[0].decode("ascii").strip()


def _wait_for_default_collection(address: str, daemon: subprocess.Popen[bytes], deadline: float) -> None:
    """Poll the bus until the Secret Service answers with an unlocked default collection."""
    import secretstorage
    import secretstorage.exceptions
    from jeepney.io.blocking import open_dbus_connection

    last = "the Secret Service never appeared on the bus"
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise RuntimeError(f"gnome-keyring-daemon stopped (exit {daemon.returncode})")
        connection = open_dbus_connection(bus=address)
        try:
            if secretstorage.check_service_availability(connection):
                try:
                    collection = secretstorage.Collection(connection)  # the "default" alias; never creates one
                    if not collection.is_locked():
                        return
                    last = "the default collection is locked"
                except secretstorage.exceptions.SecretStorageException as exc:
                    last = f"no default collection yet ({exc})"
        finally:
            connection.close()
        time.sleep(0.02)  # polling interval, not a fixed wait
    raise RuntimeError(last)


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    _missing_tools()
    root = tmp_path_factory.mktemp("secret-service")
    home, data, config, runtime = (root / name for name in ("home", "data", "config", "run"))
    for folder in (home, data, config, runtime):
        folder.mkdir(mode=0o700)
    socket = runtime / "bus"
    if len(str(socket)) > 100:  # a Unix socket's path has a length limit
        socket = Path(tempfile.mkdtemp(prefix="hartdesk-bus-")) / "bus"
    (root / "bus.conf").write_text(BUS_CONFIG.format(socket=socket), encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(data),
        "XDG_CONFIG_HOME": str(config),
        "XDG_RUNTIME_DIR": str(runtime),
        "LANG": "C.UTF-8",
    }
    deadline = time.monotonic() + START_TIMEOUT_S
    bus: subprocess.Popen[bytes] | None = None
    daemon: subprocess.Popen[bytes] | None = None
    log = root / "daemons.log"
    with log.open("wb") as log_file:
        try:
            bus = subprocess.Popen(
                [
                    "dbus-daemon",
                    f"--config-file={root / 'bus.conf'}",
                    "--nofork",
                    "--nopidfile",
                    "--nosyslog",
                    "--print-address=1",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log_file,
                env=env,
            )
            address = _first_line(bus, deadline)
            env["DBUS_SESSION_BUS_ADDRESS"] = address
            # --unlock reads the login keyring's password from stdin, creating the keyring (the default collection)
            # in the throw-away XDG_DATA_HOME; --foreground keeps the daemon our child, so we can stop it.
            daemon = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=log_file,
                stderr=log_file,
                env=env,
            )
            assert daemon.stdin is not None
            daemon.stdin.write(KEYRING_PASSWORD.encode("utf-8"))
            daemon.stdin.close()
            try:
                _wait_for_default_collection(address, daemon, deadline)
            except RuntimeError as exc:
                log_file.flush()
                raise RuntimeError(f"{exc}; daemons' output: {log.read_text(errors='replace')[-2000:]}") from None
            yield SecretService(address, dict(env))
        finally:
            _stop(daemon)
            _stop(bus)
            if bus is not None and bus.stdout is not None:
                bus.stdout.close()
            with contextlib.suppress(OSError):
                socket.unlink()
                if socket.parent != runtime:  # the short folder made for a long path
                    socket.parent.rmdir()


@pytest.fixture
def real_keyring(
    secret_service: SecretService,
    memory_keyring: MemoryKeyring,
    template_register: TemplateRegister,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[keyring.backend.KeyringBackend]:
    """hartdesk chooses its keyring as it would at start-up, and must find the private Secret Service. Every copy
    of the template register has the template's id, so the entries a test leaves are cleared after it."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)  # undone after the test
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    chosen = keyrings.choose()
    assert isinstance(chosen, keyring.backends.SecretService.Keyring), f"hartdesk chose {type(chosen).__module__}"
    keyrings.use(chosen)
    yield chosen
    keyrings.use(memory_keyring)
    secret_service.secret_tool("clear", "service", keyrings.service_name(template_register.register_id))
