"""``make screenshots``: every picture of hartdesk the README shows — each main screen, a client's and a request's
window, a document's preview, an erasure before and after, the vault, a breach, the breach form and the restore of a
backup — on a fresh demo register, saved as PNGs under ``docs/screenshots/`` with ``SOURCES.sha256``, the fingerprint
of the sources they were made from (a test compares it, so pictures older than their sources are noticed).

Everything happens in a temporary folder (``HARTDESK_HOME`` points there) with an in-process keyring, so neither the
computer's own keyring nor the user's folders are touched. The windows and dialogs are driven as a clerk would use
them: that register really is erased from, given a TOTP secret and backed up. The demo data is seeded, so two runs
give the same pictures apart from today's dates.

    QT_QPA_PLATFORM=offscreen python -m hartdesk.ui.screenshots [--out DIR] [--clients N]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import keyring.backend
import keyring.errors
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hartdesk.ui.context import AppContext
    from hartdesk.ui.main_window import MainWindow
    from hartdesk.ui.screens.vault import VaultScreen

W = TypeVar("W", bound=QWidget)

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
DOCUMENT_FILE = "document-preview"  # a client's data report in the document window
ERASURE_PLAN_FILE = "erasure-plan"  # the erasure dialog: what will be erased and kept
ERASURE_DONE_FILE = "erasure-done"  # the same dialog once erased: the letters to send
VAULT_REVEALED_FILE = "vault"  # the Vault screen with a password and a 2FA code shown
VAULT_ADD_FILE = "vault-add"  # "Add a login", filled in
BREACH_WINDOW_FILE = "breach-window"  # the demo breach 30 hours into its 72
BREACH_FORM_FILE = "breach-form"  # "Log a breach", partly filled in
RESTORE_FILE = "restore-backup"  # a backup file opened on a computer that has a register already
# Every picture written, as file names in docs/screenshots/ (a test checks that the README shows exactly these).
ALL_FILES: tuple[str, ...] = tuple(
    f"{name}.png"
    for name in (
        *SCREEN_FILES.values(),
        CLIENT_WINDOW_FILE,
        REQUEST_WINDOW_FILE,
        DOCUMENT_FILE,
        ERASURE_PLAN_FILE,
        ERASURE_DONE_FILE,
        VAULT_REVEALED_FILE,
        VAULT_ADD_FILE,
        BREACH_WINDOW_FILE,
        BREACH_FORM_FILE,
        RESTORE_FILE,
    )
)
SOURCES_FILE = "SOURCES.sha256"
# What the pictures are made from, relative to the repository: the GUI, the demo data and the resources.
SOURCES = (
    "hartdesk/ui",
    "hartdesk/demo.py",
    "hartdesk/register/demo_data.py",
    "hartdesk/privacy/demo_requests.py",
    "hartdesk/privacy/demo_breaches.py",
    "resources",
)
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "docs" / "screenshots"

SIZE = (1100, 720)
RECORD_WINDOW_SIZE = (900, 640)
DOCUMENT_SIZE = (940, 720)
ERASURE_SIZE = (900, 780)
ERASURE_DONE_SIZE = (900, 520)
BREACH_WINDOW_SIZE = (1000, 700)
BREACH_FORM_SIZE = (1180, 720)
CREDENTIAL_WIDTH = 960
RESTORE_WIDTH = 780
DEMO_LOGINS = (  # operator name, account name, login page, the fictional secret kept in the in-process keyring
    ("GoDaddy", "registrar@hartdesk-demo.example", "https://sso.godaddy.com/", "Kestrel-Quill-81"),
    ("Fasthosts", "domains@hartdesk-demo.example", "https://admin.fasthosts.co.uk/", "Lantern-Moss-Tide-27"),
    ("CDN77", "cdn@hartdesk-demo.example", "https://client.cdn77.com/", "Copper-Fjord-Ember-64"),
)
DEMO_OTP_KEY = "JBSWY3DPEHPK3PXP"  # the first login's fictional 2FA key, so the vault shows a 2FA code
BACKUP_PASSWORD = "Demo-Backup-Password-2026"
WORK_FOLDER = "hartdesk-screenshots"  # in the system's temporary folder: the restore dialog shows its path


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


# --- the sources the pictures are made from (no Qt application needed) ---------------------------------------------


def source_files(root: Path = ROOT) -> list[Path]:
    """The files of :data:`SOURCES` under ``root``, by relative path (caches and hidden files left out)."""
    found: list[Path] = []
    for name in SOURCES:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file()]
        else:
            raise FileNotFoundError(f"{path} is named in SOURCES but does not exist")

    def kept(path: Path) -> bool:
        parts = path.relative_to(root).parts
        return not any(p == "__pycache__" or p.startswith(".") for p in parts) and path.suffix not in (".pyc", ".pyo")

    return sorted((p for p in found if kept(p)), key=lambda p: p.relative_to(root).as_posix())


def sources_digest(root: Path = ROOT) -> str:
    """One SHA-256 over the relative path and the bytes of every file in :func:`source_files`."""
    digest = hashlib.sha256()
    for path in source_files(root):
        name = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def write_sources_digest(out: Path, root: Path = ROOT) -> Path:
    path = out / SOURCES_FILE
    path.write_text(sources_digest(root) + "\n", encoding="ascii")
    return path


# --- the demo register, prepared --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refs:
    """What the pictures show from the demo register."""

    client: str  # a client with services: its window and its data report
    request: str  # the first request: its window
    erasure: str  # an erasure request whose identity is confirmed: erased
    breach: str  # the breach still waiting for the ICO decision


def _prepare(register_dir: Path) -> Refs:
    """Add a few registrar logins (the demo register has none, the Vault screen would be empty), the first one with
    a 2FA key and serving the client shown and the client erased; return the references the pictures show."""
    from sqlalchemy import select

    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER
    from hartdesk.models import Client, Operator, PrivacyRequest, Service
    from hartdesk.models.enums import RequestType, ServiceKind
    from hartdesk.privacy.breaches import list_breaches
    from hartdesk.security import signin
    from hartdesk.security.vault import CredentialInput, Vault

    who = signin.sign_in(register_dir, DEMO_USER, DEMO_PASSWORD)
    try:
        with who.register.session() as session:
            client = session.scalars(
                select(Client).join(Service, Service.client_id == Client.id).order_by(Client.ref).limit(1)
            ).one()
            request = session.scalars(select(PrivacyRequest.ref).order_by(PrivacyRequest.ref).limit(1)).one()
            erasure = next(
                (
                    r
                    for r in session.scalars(
                        select(PrivacyRequest)
                        .where(PrivacyRequest.kind == RequestType.ERASURE, PrivacyRequest.client_id.is_not(None))
                        .order_by(PrivacyRequest.ref)
                    )
                    if not r.status.is_closed and r.identity_status.is_confirmed
                ),
                None,
            )
            if erasure is None:
                raise RuntimeError("the demo register has no open erasure request with the identity confirmed")
            undecided = list_breaches(session, datetime.now(UTC), undecided_only=True)
            if not undecided:
                raise RuntimeError("the demo register has no breach waiting for the ICO decision")
            operators = {o.name: o.id for o in session.scalars(select(Operator))}
            served = (client.id, *([erasure.client_id] if erasure.client_id is not None else []))
            domains = tuple(
                session.scalars(
                    select(Service.id)
                    .where(Service.client_id.in_(served), Service.kind == ServiceKind.DOMAIN_REGISTRATION)
                    .order_by(Service.id)
                )
            )
            refs = Refs(client.ref, request, erasure.ref, undecided[0].ref)
        vault = Vault(who)
        for index, (operator, account, url, secret) in enumerate(DEMO_LOGINS):
            data = CredentialInput(operators.get(operator), account, url, rotate_every_days=180)
            if index == 0:
                data = replace(data, client_ids=served, service_ids=domains)
            vault.add(data, secret, DEMO_OTP_KEY if index == 0 else "")
        return refs
    finally:
        who.lock()


# --- taking the pictures ------------------------------------------------------------------------------------------


class Camera:
    """Saves widgets as PNGs into ``out``, once the events are processed and no error shows in them."""

    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out
        self.written: list[Path] = []
        self.unexpected: list[BaseException] = []

    def settle(self, rounds: int = 5) -> None:
        for _ in range(rounds):
            self.app.processEvents()

    def save(self, widget: QWidget, name: str) -> None:
        self.settle()
        if self.unexpected:
            raise RuntimeError(f"an unexpected error before {name}.png") from self.unexpected[0]
        errors = [
            label.text()
            for label in widget.findChildren(QLabel)
            if label.isVisibleTo(widget) and label.text() and "error" in label.objectName()
        ]
        if errors:
            raise RuntimeError(f"{name}.png would show an error: {' / '.join(errors)}")
        path = self.out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")
        self.written.append(path)
        print(path)

    def new_window(self, before: set[QWidget], size: tuple[int, int]) -> QWidget:
        """The top-level window opened since ``before`` was taken, at ``size``."""
        self.settle(1)
        opened = [w for w in self.app.topLevelWidgets() if w not in before and w.isVisible()]
        if not opened:
            raise RuntimeError("the window did not open")
        widget = opened[-1]
        widget.resize(*size)
        return widget


def child(parent: QWidget, cls: type[W]) -> W:
    """The dialog of class ``cls`` that ``parent`` has open."""
    found = [c for c in parent.findChildren(cls) if c.isVisible()]
    if not found:
        raise RuntimeError(f"no {cls.__name__} is open")
    return found[-1]


@contextlib.contextmanager
def _unexpected_errors_kept(camera: Camera) -> Iterator[None]:
    """An unexpected error is kept (and fails the run at the next picture) instead of opening the crash dialog."""
    from hartdesk.ui import crash

    original = crash.report_unexpected

    def keep(exc: BaseException, parent: QWidget | None = None) -> None:
        camera.unexpected.append(exc)

    crash.report_unexpected = keep
    try:
        yield
    finally:
        crash.report_unexpected = original


@contextlib.contextmanager
def _work_folder() -> Iterator[Path]:
    """A new temporary folder, named the same each run when that name is free (the restore dialog shows it)."""
    fixed = Path(tempfile.gettempdir()) / WORK_FOLDER
    try:
        fixed.mkdir(mode=0o700)
        folder = fixed
    except FileExistsError:  # another run, or one that was killed: a folder of its own
        folder = Path(tempfile.mkdtemp(prefix=f"{WORK_FOLDER}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def take(out: Path, clients: int) -> list[Path]:
    """Make the demo register, sign in and save every picture of :data:`ALL_FILES` into ``out``, then
    :data:`SOURCES_FILE`; returns the files written."""
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
    camera = Camera(app, out)

    with _work_folder() as work, _unexpected_errors_kept(camera):
        register_dir = work / "register"
        create_demo(register_dir, clients=clients)
        refs = _prepare(register_dir)

        ctx = AppContext(register_dir=register_dir, tasks=SyncTaskRunner())
        ctx.signed_in = signin.sign_in(register_dir, DEMO_USER, DEMO_PASSWORD, clock=ctx.clock)
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        try:
            _screens(camera, window)
            _client_and_report(camera, window, refs)
            _request(camera, ctx, window, refs)
            _vault(camera, ctx, window, refs)
            _breach(camera, window, refs)
            _erasure(camera, ctx, window, refs)
            _restore(camera, ctx, work)
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
    missing = sorted(set(ALL_FILES) - {p.name for p in camera.written})
    if missing:
        raise RuntimeError(f"not written: {', '.join(missing)}")
    camera.written.append(write_sources_digest(out))
    return camera.written


def _screens(camera: Camera, window: MainWindow) -> None:
    missing = [type(s).__name__ for s in window.screens if type(s).__name__ not in SCREEN_FILES]
    if missing:
        raise RuntimeError(f"no screenshot name for {', '.join(missing)}: add it to SCREEN_FILES")
    for index, screen in enumerate(window.screens):
        window.go_to(index)
        camera.save(window, SCREEN_FILES[type(screen).__name__])


def _client_and_report(camera: Camera, window: MainWindow, refs: Refs) -> None:
    """The client's window, then its data report (Data report… there) in the document window."""
    from hartdesk.ui.client_detail import ClientDetailDialog
    from hartdesk.ui.document_dialog import DocumentDialog

    before = set(camera.app.topLevelWidgets())
    window.open_client(refs.client)
    client_window = camera.new_window(before, RECORD_WINDOW_SIZE)
    camera.save(client_window, CLIENT_WINDOW_FILE)

    assert isinstance(client_window, ClientDetailDialog)
    client_window.report_button.click()
    document = child(client_window, DocumentDialog)
    document.resize(*DOCUMENT_SIZE)
    camera.settle()
    if document.is_busy():
        raise RuntimeError("the data report is still being made")
    camera.settle(20)  # the pages are drawn
    camera.save(document, DOCUMENT_FILE)
    document.close()
    client_window.close()


def _request(camera: Camera, ctx: AppContext, window: MainWindow, refs: Refs) -> None:
    from hartdesk.ui.request_detail import open_request

    before = set(camera.app.topLevelWidgets())
    open_request(ctx, window, refs.request, lambda: None)
    request_window = camera.new_window(before, RECORD_WINDOW_SIZE)
    camera.save(request_window, REQUEST_WINDOW_FILE)
    request_window.close()


def _vault(camera: Camera, ctx: AppContext, window: MainWindow, refs: Refs) -> None:
    """The demo user sets up two-step sign-in (as the Account menu does), which counts as a fresh second factor:
    the first login's password and 2FA code are shown. Then "Add a login…", filled in."""
    import pyotp
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from hartdesk.demo import DEMO_USER
    from hartdesk.models.enums import ServiceKind
    from hartdesk.security import staff
    from hartdesk.ui.screens.vault import VaultScreen
    from hartdesk.ui.vault_dialogs import CredentialDialog

    secret = str(pyotp.parse_uri(staff.start_totp_enrolment(ctx.who, DEMO_USER)).secret)
    staff.confirm_totp(ctx.who, DEMO_USER, pyotp.TOTP(secret).at(ctx.clock()))

    screen = window.screen_of(VaultScreen)
    assert screen is not None
    window.show_screen(screen)
    camera.settle()
    row = next((r for r in range(screen.model.rowCount()) if _vault_row(screen, r) == DEMO_LOGINS[0][1]), None)
    if row is None:
        raise RuntimeError(f"the vault does not list {DEMO_LOGINS[0][1]}")
    screen.table.selectRow(row)
    camera.settle()
    screen.reveal_button.click()
    screen.otp_button.click()
    if not screen.secret_shown():
        raise RuntimeError("the password was not revealed")
    camera.save(window, VAULT_REVEALED_FILE)
    screen.hide_secret()
    screen.hide_code()

    screen.add_button.click()
    dialog = child(screen, CredentialDialog)
    dialog.operator_combo.setCurrentIndex(dialog.operator_combo.findText("Platinum Server Management"))
    dialog.account_edit.setText("bracken-ops")
    dialog.url_edit.setText("https://portal.platinum-sm.example/login")
    assert dialog.secret_field is not None and dialog.otp_edit is not None
    dialog.secret_field.edit.setText("Granite-Puffin-Lattice-52")
    dialog.otp_edit.setText("KRUG KIDR OVUW G2ZA MJZG 653O")
    dialog.rotate_check.setChecked(True)
    dialog.rotate_spin.setValue(90)
    dialog.notes_edit.setPlainText("The agency's own account for the server management portal.")
    QTest.keyClicks(dialog.clients.find_edit, refs.client)
    QTest.keyClick(dialog.clients.find_edit, Qt.Key.Key_Return)  # adds the client found
    if not dialog.clients.chosen():
        raise RuntimeError(f"Add a login did not find {refs.client}")
    for row in range(dialog.domains.count()):  # the login manages the client's domain names
        item = dialog.domains.item(row)
        if ServiceKind.DOMAIN_REGISTRATION.label in item.text():
            item.setCheckState(Qt.CheckState.Checked)
    dialog.resize(CREDENTIAL_WIDTH, dialog.sizeHint().height())
    camera.save(dialog, VAULT_ADD_FILE)
    dialog.reject()


def _vault_row(screen: VaultScreen, row: int) -> str:
    from hartdesk.ui.models.vault_model import VaultColumn

    return str(screen.model.index(row, VaultColumn.ACCOUNT).data())


def _breach(camera: Camera, window: MainWindow, refs: Refs) -> None:
    """The breach 30 hours into its 72 (Enter on the Breaches screen), then "Log a breach…" with a few fields typed,
    a client ticked and the numbers estimated."""
    from PySide6.QtCore import Qt

    from hartdesk.ui.breach_form import BreachForm
    from hartdesk.ui.breach_window import breach_window
    from hartdesk.ui.screens.breaches import BreachesScreen

    screen = window.screen_of(BreachesScreen)
    assert screen is not None
    window.show_screen(screen)
    camera.settle()
    screen.open_ref(refs.breach)
    opened = breach_window(refs.breach)
    if opened is None or opened.record is None:
        raise RuntimeError(f"the window of {refs.breach} did not open")
    opened.resize(*BREACH_WINDOW_SIZE)
    camera.save(opened, BREACH_WINDOW_FILE)
    opened.close()

    form = screen.log_breach()
    if form is None:
        raise RuntimeError("the breach form did not open")
    assert isinstance(form, BreachForm)
    form.summary_edit.setText("Invoice emailed to the wrong client")
    form.details_edit.setPlainText(
        "A mail merge paired the wrong address: a client's invoice, as a PDF, went to another client, who told us "
        "the same afternoon."
    )
    search = form.clients.search_edit
    assert search is not None
    search.setText(refs.client)
    form.clients.look_up_now()
    if form.clients.list.count() == 0:
        raise RuntimeError(f"the breach form did not find {refs.client}")
    form.clients.list.item(0).setCheckState(Qt.CheckState.Checked)
    form.estimate_button.click()
    form.consequences_edit.setPlainText("Name, address and amount owed seen by another client.")
    form.measures_taken_edit.setPlainText("The recipient deleted the email and confirmed it; mail merge stopped.")
    form.resize(*BREACH_FORM_SIZE)
    camera.save(form, BREACH_FORM_FILE)
    form.reject()


def _erasure(camera: Camera, ctx: AppContext, window: MainWindow, refs: Refs) -> None:
    """The erasure request's client has its services ended (the plan says to, first); then Erase data… on the
    request's window shows the plan, and the password typed and the box ticked erase the client for good."""
    from PySide6.QtTest import QTest

    from hartdesk.dates import uk_today
    from hartdesk.demo import DEMO_PASSWORD
    from hartdesk.models import ServiceStatus
    from hartdesk.register import clients as clients_mod
    from hartdesk.register import services
    from hartdesk.ui.erasure_dialog import ErasureDialog
    from hartdesk.ui.request_detail import open_request, request_window

    who = ctx.who
    today = uk_today()
    with who.register.session() as session:
        client_ref = _erasure_client(session, refs.erasure)
        for service in clients_mod.get_client(session, client_ref).services:
            if service.status is not ServiceStatus.ENDED:
                _, data = services.get_service(session, service.id)
                ended = replace(data, status=ServiceStatus.ENDED, end_date=max(today, data.start_date or today))
                services.update_service(session, who.username, service.id, ended)

    open_request(ctx, window, refs.erasure, lambda: None)
    request = request_window(refs.erasure)
    if request is None:
        raise RuntimeError(f"the window of {refs.erasure} did not open")
    request.resize(1000, 700)
    camera.settle()
    request.erase_button.click()
    dialog = child(request, ErasureDialog)
    dialog.resize(*ERASURE_SIZE)
    if dialog.plan is None or not dialog.plan.can_run:
        blockers = " ".join(dialog.plan.blockers) if dialog.plan is not None else "no plan"
        raise RuntimeError(f"the erasure under {refs.erasure} cannot run: {blockers}")
    camera.save(dialog, ERASURE_PLAN_FILE)

    QTest.keyClicks(dialog.password_edit, DEMO_PASSWORD)
    dialog.checked_check.setChecked(True)
    dialog.erase_button.click()
    if dialog.stack.currentWidget() is not dialog.done_page:
        raise RuntimeError(f"the erasure under {refs.erasure} did not finish: {dialog.error_label.text()}")
    dialog.resize(*ERASURE_DONE_SIZE)
    camera.save(dialog, ERASURE_DONE_FILE)
    dialog.close()
    request.close()


def _erasure_client(session: Session, request_ref: str) -> str:
    from sqlalchemy import select

    from hartdesk.models import Client, PrivacyRequest

    return session.scalars(
        select(Client.ref)
        .join(PrivacyRequest, PrivacyRequest.client_id == Client.id)
        .where(PrivacyRequest.ref == request_ref)
    ).one()


def _restore(camera: Camera, ctx: AppContext, work: Path) -> None:
    """A backup of the register, downloaded and opened (double-clicked) on this computer, which has the register
    already: what hartdesk shows first (:class:`hartdesk.ui.app.Startup`)."""
    from hartdesk import BACKUP_SUFFIX
    from hartdesk.storage.backup import write_backup
    from hartdesk.ui.app import Folder, Startup
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.restore_dialog import RestoreDialog
    from hartdesk.ui.tasks import SyncTaskRunner

    downloads = work / "Downloads"
    downloads.mkdir()
    backup_file = write_backup(
        ctx.who.register,
        downloads / f"hartdesk-backup-{date.today().isoformat()}{BACKUP_SUFFIX}",
        BACKUP_PASSWORD,
    )
    startup = Startup(camera.app, AppContext(register_dir=ctx.register_dir, tasks=SyncTaskRunner()), False)
    startup.start(Folder.REGISTER, backup_file)
    dialog = startup.first_window
    if not isinstance(dialog, RestoreDialog):
        raise RuntimeError("opening a backup did not show the restore dialog")
    dialog.finished.disconnect()  # closing it here must not go on to the sign-in
    dialog.resize(RESTORE_WIDTH, dialog.heightForWidth(RESTORE_WIDTH))
    camera.save(dialog, RESTORE_FILE)
    dialog.done(QDialog.DialogCode.Rejected)
    dialog.deleteLater()


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
