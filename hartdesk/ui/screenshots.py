"""``make screenshots``: every main screen of hartdesk, a client's window and a request's window, on a fresh demo
register, saved as PNGs under ``docs/screenshots/`` for the README.

Everything happens in a temporary folder (``HARTDESK_HOME`` points there) with an in-process keyring, so neither the
computer's own keyring nor the user's folders are touched. The demo data is seeded, so two runs give the same pictures
apart from today's dates.

    QT_QPA_PLATFORM=offscreen python -m hartdesk.ui.screenshots [--out DIR] [--clients N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import keyring.backend
import keyring.errors
from PySide6.QtWidgets import QApplication, QWidget

# The file name of each sidebar screen's picture, by screen class (a test checks that every screen is here).
SCREEN_FILES = {
    "HomeScreen": "screen-home",
    "ClientsScreen": "screen-clients",
    "RequestsScreen": "screen-requests",
    "DocumentsScreen": "screen-documents",
    "ServicesScreen": "screen-services",
    "OperatorsScreen": "screen-operators",
    "VaultScreen": "screen-vault",
    "BreachesScreen": "screen-breaches",
    "StaffScreen": "screen-staff",
    "AuditScreen": "screen-audit",
    "RetentionScreen": "screen-retention",
    "SettingsScreen": "screen-settings",
}
CLIENT_WINDOW_FILE = "window-client"
REQUEST_WINDOW_FILE = "window-request"
SIZE = (1100, 720)
RECORD_WINDOW_SIZE = (900, 640)
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEMO_LOGINS = (  # operator name, account name, login page, the fictional secret kept in the in-process keyring
    ("GoDaddy", "registrar@hartdesk-demo.example", "https://sso.godaddy.com/", "demo-secret-godaddy-1"),
    ("Fasthosts", "domains@hartdesk-demo.example", "https://admin.fasthosts.co.uk/", "demo-secret-fasthosts-2"),
    ("CDN77", "cdn@hartdesk-demo.example", "https://client.cdn77.com/", "demo-secret-cdn77-3"),
)


class InProcessKeyring(keyring.backend.KeyringBackend):
    """Secrets for the screenshots' throwaway register, forgotten when the process ends."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


def _add_demo_logins(register_dir: Path) -> None:
    """A few registrar logins, so the Vault screen shows what it is for (the demo register has none)."""
    from sqlalchemy import select

    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER
    from hartdesk.models import Operator
    from hartdesk.security import signin
    from hartdesk.security.vault import CredentialInput, Vault

    who = signin.sign_in(register_dir, DEMO_USER, DEMO_PASSWORD)
    try:
        with who.register.session() as session:
            operators = {o.name: o.id for o in session.scalars(select(Operator))}
        vault = Vault(who)
        for operator, account, url, secret in DEMO_LOGINS:
            data = CredentialInput(operators.get(operator), account, url, rotate_every_days=180)
            vault.add(data, secret)
    finally:
        who.lock()


def _first_refs(register_dir: Path) -> tuple[str, str]:
    """A client with services and a request to show in their own windows."""
    from sqlalchemy import select

    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER
    from hartdesk.models import Client, PrivacyRequest, Service
    from hartdesk.security import signin

    who = signin.sign_in(register_dir, DEMO_USER, DEMO_PASSWORD)
    try:
        with who.register.session() as session:
            client = session.scalars(
                select(Client.ref).join(Service, Service.client_id == Client.id).order_by(Client.ref).limit(1)
            ).one()
            request = session.scalars(select(PrivacyRequest.ref).order_by(PrivacyRequest.ref).limit(1)).one()
        return client, request
    finally:
        who.lock()


def take(out: Path, clients: int) -> list[Path]:
    """Make the demo register, sign in and save every picture into ``out``; returns the files written."""
    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER, create_demo
    from hartdesk.security import keyrings, signin
    from hartdesk.ui.app import set_identity
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.main_window import MainWindow
    from hartdesk.ui.tasks import SyncTaskRunner

    app = QApplication.instance() or QApplication(["hartdesk"])
    assert isinstance(app, QApplication)
    set_identity(app)
    keyrings.use(InProcessKeyring())
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def save(widget: QWidget, name: str) -> None:
        settle()
        path = out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")
        written.append(path)
        print(path)

    with tempfile.TemporaryDirectory(prefix="hartdesk-screenshots-") as temp:
        register_dir = Path(temp) / "register"
        create_demo(register_dir, clients=clients)
        _add_demo_logins(register_dir)
        client_ref, request_ref = _first_refs(register_dir)

        ctx = AppContext(register_dir=register_dir, tasks=SyncTaskRunner())
        ctx.signed_in = signin.sign_in(register_dir, DEMO_USER, DEMO_PASSWORD, clock=ctx.clock)
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        try:
            missing = [type(s).__name__ for s in window.screens if type(s).__name__ not in SCREEN_FILES]
            if missing:
                raise RuntimeError(f"no screenshot name for {', '.join(missing)}: add it to SCREEN_FILES")
            for index, screen in enumerate(window.screens):
                window.go_to(index)
                save(window, SCREEN_FILES[type(screen).__name__])

            before = set(app.topLevelWidgets())
            window.open_client(client_ref)
            save(_new_window(app, before, RECORD_WINDOW_SIZE), CLIENT_WINDOW_FILE)

            from hartdesk.ui.request_detail import open_request

            before = set(app.topLevelWidgets())
            open_request(ctx, window, request_ref, lambda: None)
            save(_new_window(app, before, RECORD_WINDOW_SIZE), REQUEST_WINDOW_FILE)
        finally:
            for widget in app.topLevelWidgets():
                if widget is not window:
                    widget.close()
            who, ctx.signed_in = ctx.signed_in, None
            if who is not None:
                who.lock()
            window._backup_done = True  # a throwaway register: no automatic backup on close
            window.close()
            app.processEvents()
    return written


def _new_window(app: QApplication, before: set[QWidget], size: tuple[int, int]) -> QWidget:
    app.processEvents()
    opened = [w for w in app.topLevelWidgets() if w not in before and w.isVisible()]
    if not opened:
        raise RuntimeError("the window did not open")
    widget = opened[-1]
    widget.resize(*size)
    return widget


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hartdesk.ui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNG files")
    parser.add_argument("--clients", type=int, default=60, help="how many demo clients (default 60)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="hartdesk-home-") as home:
        os.environ["HARTDESK_HOME"] = home  # window geometry, logs and backups stay out of the user's folders
        os.environ.pop("HARTDESK_REGISTER", None)
        take(args.out.resolve(), args.clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
