"""A document before it leaves: made in the background, previewed in the window, then saved, printed or emailed.

The dialog is given a *maker*, a function that builds the document from the register (one of
:mod:`hartdesk.privacy.produce`'s ``make_*``). It runs in a task with its own session, so nothing is recorded until
the clerk saves, prints or emails it; choosing "For post" or "For email" makes it again (for post the address shows
in the envelope window; for email it does not). A clerk's error (a missing setting, no address for post, a letter
that does not fit the request) shows in the dialog in words.

The preview uses Qt's PDF module (``QPdfView``) where it is installed; it comes in the PySide6-Addons wheel, which
hartdesk does not require, so without it the pages are drawn as pictures by Poppler's ``pdftoppm`` (in a task), and
without that either the dialog says so and shows the page count. Printing draws the same page pictures on the
printer.

A password that protects a PDF is made only when it is needed, shown once (to read out by phone) and never stored or
logged.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QMargins,
    QRect,
    QSettings,
    QSize,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk import paths
from hartdesk.errors import ValidationError
from hartdesk.ui.clipboard import DOCUMENT_CLEAR_SECONDS, copy_secret
from hartdesk.ui.context import AppContext
from hartdesk.ui.request_actions import chosen_date, date_field, ui_today
from hartdesk.ui.widgets import (
    NOTE_STYLE,
    OK_STYLE,
    WorkDialog,
    make_error_label,
    mono_font,
    named,
    show_failure,
    show_message,
)

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter
    from sqlalchemy.orm import Session

    from hartdesk.models.enums import LetterKind
    from hartdesk.privacy.produce import EmailText, Made
    from hartdesk.register.documents import DocumentRow
    from hartdesk.settings import Settings

Maker = Callable[["Session", "Settings", date, bool], "Made"]  # (session, settings, today, for_post)

PREVIEW_DPI = 96  # the pictures of the pages when Qt's PDF module is missing (scaled to the window's width)
PRINT_DPI = 300  # the most a printed page is drawn at
PDF_FILTER = "PDF files (*.pdf);;All files (*)"
EML_FILTER = "Email messages (*.eml);;All files (*)"
SCAN_FILTER = "Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.heic *.heif *.webp);;All files (*)"
NO_RENDERER = (
    "No preview on this computer: it needs Qt's PDF module (the PySide6-Addons package) or Poppler's pdftoppm. "
    "The document itself is complete: save it and open it in a PDF reader to check it."
)


# --- makers -----------------------------------------------------------------------------------------------------------


def data_report_maker(client_ref: str, *, request_ref: str = "", contact_id: int | None = None) -> Maker:
    """The data report of a client (for one of its requests, or one contact)."""

    def make(session: Session, settings: Settings, today: date, for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_data_report(
            session, client_ref, settings, today, contact_id=contact_id, request_ref=request_ref, for_post=for_post
        )

    return make


def dpa_maker(client_ref: str) -> Maker:
    """The data processing agreement of a client."""

    def make(session: Session, settings: Settings, today: date, for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_dpa(session, client_ref, settings, today, for_post=for_post)

    return make


def letter_maker(request_ref: str, kind: LetterKind) -> Maker:
    """The letter ``kind`` about a privacy request."""

    def make(session: Session, settings: Settings, today: date, for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_letter(session, request_ref, kind, settings, today, for_post=for_post)

    return make


# --- drawing pages (plain functions: they run in tasks) ---------------------------------------------------------------


def qt_pdf_available() -> bool:
    """Whether Qt's PDF module is installed (it comes with the PySide6-Addons wheel)."""
    try:
        import PySide6.QtPdf
        import PySide6.QtPdfWidgets  # noqa: F401
    except ImportError:
        return False
    return True


def poppler_pages(pdf: bytes, dpi: int, folder: Path | None = None) -> list[Path] | list[bytes]:
    """The pages of ``pdf`` as PPM pictures at ``dpi``, drawn by Poppler's pdftoppm (no Qt: runs in a task).

    With ``folder`` the pictures are left there as files (one per page, in order) and their paths returned;
    without, their bytes. :class:`ValidationError` when pdftoppm is not installed or cannot read the document.
    """
    program = shutil.which("pdftoppm")
    if program is None:
        raise ValidationError(NO_RENDERER)
    with tempfile.TemporaryDirectory(prefix="hartdesk-pages-") as scratch:
        target = folder or Path(scratch)
        try:
            subprocess.run(  # a fixed program on the PATH, no shell
                [program, "-r", str(dpi), "-", str(target / "page")],
                input=pdf,
                capture_output=True,
                check=True,
                timeout=120,
            )
        except (subprocess.SubprocessError, OSError):
            raise ValidationError("The pages could not be drawn for the preview or the printer.") from None
        files = sorted(target.glob("page-*.ppm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if folder is not None:
            return files
        return [p.read_bytes() for p in files]


@dataclass(frozen=True)
class Rendered:
    """A document made for the dialog: what produce made, the settings it was made with, and its preview."""

    made: Made
    settings: Settings
    for_post: bool
    pages: int
    images: tuple[bytes, ...] = ()  # the pages as PPM pictures, when Qt's PDF module is missing
    preview_problem: str = ""  # why there is no preview


def render(who: Any, maker: Maker, today: date, for_post: bool, with_pictures: bool) -> Rendered:
    """Runs in a task: make the document, count its pages and (``with_pictures``) draw them."""
    from hartdesk import settings as settings_mod
    from hartdesk.register.documents import count_pages

    with who.register.session() as session:
        settings = settings_mod.load(session)
        made = maker(session, settings, today, for_post)
    pages = count_pages(made.pdf)
    images: tuple[bytes, ...] = ()
    problem = ""
    if with_pictures:
        try:
            images = tuple(p for p in poppler_pages(made.pdf, PREVIEW_DPI) if isinstance(p, bytes))
        except ValidationError as exc:
            problem = exc.message
    return Rendered(made, settings, for_post, pages, images, problem)


def pages_text(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


# --- the preview ------------------------------------------------------------------------------------------------------


class PdfPreview(QStackedWidget):
    """The pages of a PDF: in a ``QPdfView`` when Qt's PDF module is installed, else as pictures, else a note."""

    NOTE, PICTURES, VIEW = 0, 1, 2
    ZOOMS = ("Page width", "Whole page", "Actual size")  # page width: as wide as the window, up to actual size
    MARGIN = 12

    def __init__(self, use_qt_pdf: bool, parent: QWidget | None = None) -> None:
        QStackedWidget.__init__(self, parent)
        self.setObjectName("preview")
        self.use_qt_pdf = use_qt_pdf
        self.zoom = self.ZOOMS[0]
        self.note = named(QLabel(), "preview_note")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setMargin(24)
        self.addWidget(self.note)

        self.page_scroll = named(QScrollArea(), "preview_pages")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setStyleSheet("QScrollArea#preview_pages, QWidget#preview_sheet { background: #8a8d91; }")
        sheet = named(QWidget(), "preview_sheet")
        self.pages_layout = QVBoxLayout(sheet)
        self.pages_layout.setSpacing(12)
        self.pages_layout.setContentsMargins(12, 12, 12, 12)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_scroll.setWidget(sheet)
        self.addWidget(self.page_scroll)
        self.images: list[QImage] = []
        self.page_labels: list[QLabel] = []
        self._shown_width = 0

        self.view: QWidget | None = None
        self._document: Any = None
        self._buffer: Any = None
        if use_qt_pdf:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self._document = QPdfDocument(self)
            view = QPdfView(self)
            view.setObjectName("preview_view")
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setPageSpacing(self.MARGIN)
            view.setDocumentMargins(QMargins(self.MARGIN, self.MARGIN, self.MARGIN, self.MARGIN))
            view.setDocument(self._document)
            self._document.pageCountChanged.connect(lambda _count: self._zoom_view())
            self.view = view
            self.addWidget(view)

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.setCurrentIndex(self.NOTE)

    def set_zoom(self, zoom: str) -> None:
        """One of :attr:`ZOOMS`."""
        self.zoom = zoom
        self._shown_width = 0
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        if self.view is not None:
            self._zoom_view()
        self._scale_pictures()

    def _zoom_view(self) -> None:
        from PySide6.QtPdfWidgets import QPdfView

        view = self.view
        if not isinstance(view, QPdfView) or not shiboken6.isValid(view) or not shiboken6.isValid(self._document):
            return  # being deleted
        if self.zoom == "Whole page":
            view.setZoomMode(QPdfView.ZoomMode.FitInView)
            return
        view.setZoomMode(QPdfView.ZoomMode.Custom)
        factor = 1.0
        if self.zoom == "Page width" and self._document is not None and self._document.pageCount() > 0:
            points = self._document.pagePointSize(0).width()
            actual = points * self.logicalDpiX() / 72
            room = view.viewport().width() - 2 * self.MARGIN
            factor = min(1.0, room / actual) if actual > 0 and room > 0 else 1.0
        view.setZoomFactor(factor)

    def show_rendered(self, rendered: Rendered) -> None:
        if self.use_qt_pdf:
            self._load_into_view(rendered.made.pdf)
            self.setCurrentIndex(self.VIEW)
            return
        if not rendered.images:
            self.show_note(rendered.preview_problem or NO_RENDERER)
            return
        self._clear_pictures()
        for number, data in enumerate(rendered.images, 1):
            image = QImage()
            image.loadFromData(data, "PPM")
            label = named(QLabel(), f"preview_page_{number}")
            label.setStyleSheet("background: white; border: 1px solid #5f6368;")
            label.setToolTip(f"Page {number} of {len(rendered.images)}")
            self.images.append(image)
            self.page_labels.append(label)
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        self._shown_width = 0
        self._scale_pictures()
        self.setCurrentIndex(self.PICTURES)
        self.page_scroll.verticalScrollBar().setValue(0)

    def page_count(self) -> int:
        """The pages shown (by either way of showing them)."""
        if self.use_qt_pdf and self._document is not None and self.currentIndex() == self.VIEW:
            return int(self._document.pageCount())
        return len(self.page_labels) if self.currentIndex() == self.PICTURES else 0

    def clear(self) -> None:
        self._clear_pictures()
        if self._document is not None:
            self._document.close()
        self.show_note("")

    def _load_into_view(self, pdf: bytes) -> None:
        from PySide6.QtCore import QBuffer, QIODevice

        self._document.close()
        if self._buffer is not None:
            self._buffer.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self._document.load(buffer)
        self._zoom_view()

    def _clear_pictures(self) -> None:
        for label in self.page_labels:
            self.pages_layout.removeWidget(label)
            label.deleteLater()
        self.page_labels = []
        self.images = []

    def _scale_pictures(self) -> None:
        """Each page as the zoom says: as wide as the window allows (never wider than drawn at the screen's
        resolution), whole in the window's height, or as drawn."""
        if not self.images:
            return
        viewport = self.page_scroll.viewport()
        natural = max(image.width() for image in self.images)
        room = viewport.width() - 2 * self.MARGIN - self.page_scroll.verticalScrollBar().sizeHint().width()
        if self.zoom == "Whole page":
            first = self.images[0]
            room = (viewport.height() - 2 * self.MARGIN) * first.width() // max(1, first.height())
        width = natural if self.zoom == "Actual size" else max(120, min(room, natural))
        if width == self._shown_width:
            return
        self._shown_width = width
        for image, label in zip(self.images, self.page_labels, strict=True):
            scaled = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
            label.setPixmap(QPixmap.fromImage(scaled))
            label.setFixedSize(scaled.size() + QSize(2, 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        QStackedWidget.resizeEvent(self, event)
        self._apply_zoom()


# --- a password shown once --------------------------------------------------------------------------------------------


class PasswordShownDialog(QDialog):
    """The password of a protected PDF, shown once with a Copy button: the clerk gives it to the recipient by phone."""

    def __init__(self, password: str, what: str, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.setObjectName("password_dialog")
        self.setWindowTitle("The document's password")
        self.setMinimumWidth(460)
        intro = QLabel(
            f"{what} The PDF is protected with this password. Give it to the recipient <b>by phone</b>, never in the "
            "same email. hartdesk does not keep it: note it now if you need it later."
        )
        intro.setWordWrap(True)
        self.password_label = named(QLabel(password), "password_label")
        self.password_label.setTextFormat(Qt.TextFormat.PlainText)
        self.password_label.setFont(mono_font(1.6, self.password_label.font()))
        self.password_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copied_label = named(QLabel(), "copied_label")
        self.copied_label.setStyleSheet(OK_STYLE)
        self.copied_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.copy_button = named(QPushButton("&Copy"), "copy_button")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.password_label)
        layout.addWidget(self.copied_label)
        layout.addWidget(buttons)

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        copy_secret(self.password_label.text(), DOCUMENT_CLEAR_SECONDS)
        self.copied_label.setText("Copied. It leaves the clipboard in a minute.")

    def done(self, result: int) -> None:
        self.password_label.clear()  # shown once
        QDialog.done(self, result)


def show_password_once(parent: QWidget, password: str, what: str) -> PasswordShownDialog:
    dialog = PasswordShownDialog(password, what, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


# --- remembered folders -----------------------------------------------------------------------------------------------


def _store() -> QSettings:
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)


def last_folder() -> Path:
    """The folder a document was last saved in (the home folder the first time)."""
    value = _store().value("documents/last_folder")
    folder = Path(str(value)) if value else Path.home()
    return folder if folder.is_dir() else Path.home()


def remember_folder(path: Path) -> None:
    _store().setValue("documents/last_folder", str(path.parent))


def with_suffix(name: str, suffix: str) -> Path:
    path = Path(name)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _run_while_busy(
    window: DocumentDialog | EmailDialog, fn: Callable[[], Any], on_done: Callable[[Any], None], busy_text: str
) -> None:
    """Run a write ``fn`` in a task with ``window`` busy (saying ``busy_text``); then ``on_done`` with its result, or
    the failure in the window's ``error_label``. Nothing happens after the task if the window was closed meanwhile."""
    show_message(window.error_label, "")
    window._set_busy(True, busy_text)

    def done(result: Any) -> None:
        if shiboken6.isValid(window):
            window._set_busy(False)
            on_done(result)

    def failed(exc: BaseException) -> None:
        if shiboken6.isValid(window):
            window._set_busy(False)
            show_failure(window.error_label, exc, window)

    window.ctx.tasks.run(fn, on_done=done, on_error=failed, serial=True)


# --- the document dialog ----------------------------------------------------------------------------------------------


class DocumentDialog(QDialog):
    """Make, preview and send one document. ``delivered(text)`` after each delivery recorded (the windows showing the
    client's documents or the request's timeline read them again)."""

    delivered = Signal(str)

    def __init__(
        self, ctx: AppContext, title: str, maker: Maker, parent: QWidget | None = None, *, for_post: bool = True
    ) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.maker = maker
        self.rendered: Rendered | None = None
        self._generation = 0
        self._busy = False
        self.setObjectName("document_dialog")
        self.setWindowTitle(title)
        self.setModal(False)
        self.setSizeGripEnabled(True)
        self.setMinimumSize(640, 480)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.use_qt_pdf = qt_pdf_available()

        self.title_label = named(QLabel(title), "title_label")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.post_radio = named(QRadioButton("For &post"), "post_radio")
        self.post_radio.setToolTip("The address shows in the window of a DL envelope")
        self.email_radio = named(QRadioButton("For e&mail"), "email_radio")
        self.email_radio.setToolTip("No postal address on the first page")
        self.audience = QButtonGroup(self)
        self.audience.addButton(self.post_radio)
        self.audience.addButton(self.email_radio)
        (self.post_radio if for_post else self.email_radio).setChecked(True)
        self.pages_label = named(QLabel(), "pages_label")
        self.pages_label.setStyleSheet(NOTE_STYLE)
        self.zoom_combo = named(QComboBox(), "zoom_combo")
        self.zoom_combo.addItems(list(PdfPreview.ZOOMS))
        self.zoom_combo.setToolTip("How large the pages show")
        zoom_label = QLabel("&Zoom:")
        zoom_label.setBuddy(self.zoom_combo)
        choice_row = QHBoxLayout()
        choice_row.addWidget(self.post_radio)
        choice_row.addWidget(self.email_radio)
        choice_row.addStretch(1)
        choice_row.addWidget(self.pages_label)
        choice_row.addSpacing(12)
        choice_row.addWidget(zoom_label)
        choice_row.addWidget(self.zoom_combo)

        self.busy_box = named(QWidget(), "busy_box")
        busy_row = QHBoxLayout(self.busy_box)
        busy_row.setContentsMargins(0, 0, 0, 0)
        self.busy_label = named(QLabel("Preparing the document…"), "busy_label")
        self.busy_bar = named(QProgressBar(), "busy_bar")
        self.busy_bar.setRange(0, 0)  # no end known: it moves to say work is under way
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(12)
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.busy_bar, 1)

        self.preview = PdfPreview(self.use_qt_pdf, self)
        self.error_label = make_error_label("error_label")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label = named(QLabel(), "status_label")
        self.status_label.setStyleSheet(OK_STYLE)
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.hide()

        self.save_button = named(QPushButton("&Save…"), "save_button")
        self.save_button.setToolTip("Write the PDF (and a data report's JSON and CSV copies) to a folder (Ctrl+S)")
        self.protect_check = named(QCheckBox("Protect with a pass&word"), "protect_check")
        self.protect_check.setToolTip("Encrypt the saved PDF; the password is shown once, to give by phone")
        self.print_button = named(QPushButton("P&rint…"), "print_button")
        self.print_button.setToolTip("Print the document (Ctrl+P)")
        self.email_button = named(QPushButton("&Email…"), "email_button")
        self.email_button.setToolTip("Send the PDF by email, or make a draft for your mail program")
        self.close_button = named(QPushButton("Close"), "close_button")
        for button in (self.save_button, self.print_button, self.email_button, self.close_button):
            button.setAutoDefault(False)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.protect_check)
        actions.addSpacing(12)
        actions.addWidget(self.print_button)
        actions.addWidget(self.email_button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(choice_row)
        layout.addWidget(self.busy_box)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addLayout(actions)

        for key, slot in (
            (QKeySequence.StandardKey.Save, self._on_save_button_clicked),
            (QKeySequence.StandardKey.Print, self._on_print_button_clicked),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(slot)
            self.addAction(action)
        self.post_radio.toggled.connect(self._on_audience_toggled)
        self.zoom_combo.currentTextChanged.connect(self.preview.set_zoom)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.email_button.clicked.connect(self._on_email_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.resize(900, 680)
        self.make()

    # --- making --------------------------------------------------------------------------------------------------

    def for_post(self) -> bool:
        return self.post_radio.isChecked()

    def make(self) -> None:
        """Make the document (again) for the audience chosen, in a task."""
        if self.ctx.signed_in is None:
            return
        self._generation += 1
        generation, who, maker, for_post = self._generation, self.ctx.who, self.maker, self.for_post()
        today, pictures = ui_today(self.ctx), not self.use_qt_pdf
        self.rendered = None
        self.pages_label.clear()
        self.preview.show_note("")
        show_message(self.error_label, "")
        self._set_busy(True, "Preparing the document…")
        self.ctx.tasks.run(
            lambda: render(who, maker, today, for_post, pictures),
            on_done=lambda rendered: self._on_rendered(generation, rendered),
            on_error=lambda exc: self._on_render_failed(generation, exc),
        )

    def _current(self, generation: int) -> bool:
        return shiboken6.isValid(self) and generation == self._generation

    def _on_rendered(self, generation: int, rendered: Rendered) -> None:
        if not self._current(generation):
            return
        self.rendered = rendered
        self._set_busy(False)
        self.pages_label.setText(pages_text(rendered.pages))
        self.preview.show_rendered(rendered)

    def _on_render_failed(self, generation: int, exc: BaseException) -> None:
        if not self._current(generation):
            return
        self._set_busy(False)
        self.preview.show_note("The document could not be made: see why below.")
        show_failure(self.error_label, exc, self)

    @Slot(bool)
    def _on_audience_toggled(self, _checked: bool) -> None:
        self.make()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        if text:
            self.busy_label.setText(text)
        self.busy_box.setVisible(busy)
        ready = not busy and self.rendered is not None
        for widget in (self.save_button, self.protect_check, self.print_button, self.email_button):
            widget.setEnabled(ready)
        self.post_radio.setEnabled(not busy)
        self.email_radio.setEnabled(not busy)

    def is_busy(self) -> bool:
        return self._busy

    # --- after a delivery ----------------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        show_message(self.error_label, "")
        show_message(self.status_label, text)

    def recorded(self, text: str, password: str | None = None, what: str = "") -> None:
        """A delivery was recorded: say so, tell the windows, and show the PDF's password once."""
        self.say(text)
        self.delivered.emit(text)
        if password:
            show_password_once(self, password, what or text)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None], busy_text: str) -> None:
        """Run a write ``fn`` in a task with the buttons disabled; a failure shows in the dialog."""
        show_message(self.status_label, "")
        _run_while_busy(self, fn, on_done, busy_text)

    # --- saving --------------------------------------------------------------------------------------------------

    def choose_save_target(self, filename: str) -> Path | None:
        """Where to save the PDF."""
        name, _ = QFileDialog.getSaveFileName(self, "Save the document as", str(last_folder() / filename), PDF_FILTER)
        return with_suffix(name, ".pdf") if name else None

    @Slot()
    def _on_save_button_clicked(self) -> None:
        rendered = self.rendered
        if rendered is None or self._busy:
            return
        path = self.choose_save_target(rendered.made.filename)
        if path is None:
            return
        remember_folder(path)
        from hartdesk.documents.delivery import new_pdf_password

        password = new_pdf_password() if self.protect_check.isChecked() else None
        who, made = self.ctx.who, rendered.made

        def work() -> list[Path]:
            from hartdesk.privacy import produce

            with who.register.session() as session:
                return produce.save(session, who.username, made, path, password)

        def saved(written: list[Path]) -> None:
            text = f"Saved to {path}."
            if len(written) > 1:
                text = f"Saved to {path}, with {' and '.join(p.name for p in written[1:])} beside it."
            self.recorded(text, password, f"Saved to {path}.")

        self.run(work, saved, "Saving…")

    # --- printing ------------------------------------------------------------------------------------------------

    def choose_printer(self) -> QPrinter | None:
        """The printer and its options, from the print dialog."""
        from PySide6.QtGui import QPageSize
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.rendered is not None:
            letter = self.rendered.settings.page_size == "Letter"
            size = QPageSize.PageSizeId.Letter if letter else QPageSize.PageSizeId.A4
            printer.setPageSize(QPageSize(size))
        printer.setDocName(self.rendered.made.title if self.rendered is not None else "hartdesk")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the document")
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    @Slot()
    def _on_print_button_clicked(self) -> None:
        rendered = self.rendered
        if rendered is None or self._busy:
            return
        printer = self.choose_printer()
        if printer is None:
            return
        printer.setFullPage(True)  # the PDF has its own margins
        dpi = min(PRINT_DPI, max(72, printer.resolution()))
        pdf = rendered.made.pdf
        if self.use_qt_pdf:
            self._print_with_qt_pdf(printer, pdf, dpi)
            return
        folder = Path(tempfile.mkdtemp(prefix="hartdesk-print-"))

        def work() -> list[Path]:
            return [p for p in poppler_pages(pdf, dpi, folder) if isinstance(p, Path)]

        def drawn(files: list[Path]) -> None:
            try:
                images = (QImage(str(path)) for path in files)
                self._paint(printer, images)
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        def failed(exc: BaseException) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            if shiboken6.isValid(self):
                self._set_busy(False)
                show_failure(self.error_label, exc, self)

        def done(files: list[Path]) -> None:
            if shiboken6.isValid(self):
                self._set_busy(False)
                drawn(files)
            else:
                shutil.rmtree(folder, ignore_errors=True)

        show_message(self.error_label, "")
        self._set_busy(True, "Preparing the pages for the printer…")
        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def _print_with_qt_pdf(self, printer: QPrinter, pdf: bytes, dpi: int) -> None:
        from PySide6.QtCore import QBuffer, QIODevice
        from PySide6.QtPdf import QPdfDocument

        buffer = QBuffer()
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)

        def pages() -> Any:
            for page in range(document.pageCount()):
                points = document.pagePointSize(page)
                size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                yield document.render(page, size)

        try:
            self._paint(printer, pages())
        finally:
            document.close()
            buffer.close()

    def _paint(self, printer: QPrinter, images: Any) -> None:
        """Draw each page picture on a page of ``printer``, then record the document as printed."""
        painter = QPainter()
        if not painter.begin(printer):
            show_message(self.error_label, "The printer could not be started. Check it is on and try again.")
            return
        try:
            first = True
            for image in images:
                if image.isNull():
                    continue
                if not first:
                    printer.newPage()
                first = False
                area = QRect(0, 0, printer.width(), printer.height())
                scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(area.x(), area.y(), scaled.width(), scaled.height())
                target.moveCenter(area.center())
                painter.drawImage(target, image)
        finally:
            painter.end()
        self._record_printed(printer.printerName())

    def _record_printed(self, printer_name: str) -> None:
        rendered = self.rendered
        if rendered is None:
            return
        who, made = self.ctx.who, rendered.made

        def work() -> None:
            from hartdesk.privacy import produce

            with who.register.session() as session:
                produce.printed(session, who.username, made)

        text = f"Sent to the printer {printer_name}." if printer_name else "Sent to the printer."
        self.run(work, lambda _: self.recorded(text), "Recording…")

    # --- email ---------------------------------------------------------------------------------------------------

    @Slot()
    def _on_email_button_clicked(self) -> None:
        if self.rendered is None or self._busy:
            return
        dialog = EmailDialog(self, self.rendered)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def done(self, result: int) -> None:
        self._generation += 1  # work still under way is dropped
        QDialog.done(self, result)


def open_document(
    ctx: AppContext,
    parent: QWidget,
    title: str,
    maker: Maker,
    on_delivered: Callable[[], None],
    *,
    for_post: bool = True,
) -> DocumentDialog:
    """The document dialog for ``maker`` (not modal, deleted once closed); ``on_delivered`` runs after each delivery
    is recorded (the window that opened it reads its documents or timeline again)."""
    dialog = DocumentDialog(ctx, title, maker, parent, for_post=for_post)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.delivered.connect(lambda _text: on_delivered())
    dialog.show()
    return dialog


# --- the email form ---------------------------------------------------------------------------------------------------


class EmailDialog(QDialog):
    """To, subject and message (from :func:`produce.default_email`), then a draft for the mail program or sent now.

    A failure (the mail server refused it) shows here and the form stays open with what was typed; nothing is
    recorded then.
    """

    def __init__(self, owner: DocumentDialog, rendered: Rendered) -> None:
        QDialog.__init__(self, owner)
        from hartdesk.privacy import produce

        self.owner = owner
        self.ctx = owner.ctx
        self.rendered = rendered
        self._busy = False
        self.setObjectName("email_dialog")
        self.setWindowTitle(f"Email — {rendered.made.title}")
        self.setMinimumWidth(560)
        text = produce.default_email(rendered.made, rendered.settings, False)
        self._default_body = text.body
        self.to_edit = named(QLineEdit(text.to), "to_edit")
        self.to_edit.setPlaceholderText("name@example.co.uk")
        self.subject_edit = named(QLineEdit(text.subject), "subject_edit")
        self.body_edit = named(QPlainTextEdit(text.body), "body_edit")
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setMinimumHeight(self.body_edit.fontMetrics().lineSpacing() * 10)
        self.attachment_label = named(QLabel(f"Attached: {rendered.made.filename}"), "attachment_label")
        self.attachment_label.setTextFormat(Qt.TextFormat.PlainText)
        self.attachment_label.setStyleSheet(NOTE_STYLE)
        self.protect_check = named(
            QCheckBox("Protect the PDF with a &password (given by phone)"), "email_protect_check"
        )
        form = QFormLayout()
        form.addRow("&To:", self.to_edit)
        form.addRow("S&ubject:", self.subject_edit)
        form.addRow("Messa&ge:", self.body_edit)
        form.addRow("", self.attachment_label)
        form.addRow("", self.protect_check)
        self.error_label = make_error_label("email_error_label")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.busy_label = named(QLabel(), "email_busy_label")
        self.busy_label.setStyleSheet(NOTE_STYLE)
        self.busy_label.hide()
        self.draft_button = named(QPushButton("Save as &draft (.eml)…"), "draft_button")
        self.draft_button.setToolTip("A message your mail program opens, ready to check and send")
        self.send_button = named(QPushButton("Send &now"), "send_button")
        self.send_button.setToolTip("Send through the agency's mail server (Settings, Email)")
        self.cancel_button = named(QPushButton("Cancel"), "cancel_button")
        self.send_button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.draft_button)
        row.addStretch(1)
        row.addWidget(self.send_button)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy_label)
        layout.addLayout(row)
        self.protect_check.toggled.connect(self._on_protect_check_toggled)
        self.draft_button.clicked.connect(self._on_draft_button_clicked)
        self.send_button.clicked.connect(self._on_send_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        (self.subject_edit if self.to_edit.text() else self.to_edit).setFocus()

    def text(self) -> EmailText:
        from hartdesk.privacy.produce import EmailText

        return EmailText(self.to_edit.text().strip(), self.subject_edit.text().strip(), self.body_edit.toPlainText())

    @Slot(bool)
    def _on_protect_check_toggled(self, protect: bool) -> None:
        """The message says a password comes by phone, unless the clerk has written their own message."""
        from hartdesk.privacy import produce

        if self.body_edit.toPlainText() != self._default_body:
            return
        self._default_body = produce.default_email(self.rendered.made, self.rendered.settings, protect).body
        self.body_edit.setPlainText(self._default_body)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for widget in (self.draft_button, self.send_button, self.protect_check):
            widget.setEnabled(not busy)
        show_message(self.busy_label, text if busy else "")

    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None], busy_text: str) -> None:
        _run_while_busy(self, fn, on_done, busy_text)

    def _password(self) -> str | None:
        from hartdesk.documents.delivery import new_pdf_password

        return new_pdf_password() if self.protect_check.isChecked() else None

    # --- a draft -------------------------------------------------------------------------------------------------

    def choose_draft_target(self, filename: str) -> Path | None:
        suggested = str(last_folder() / filename)
        name, _ = QFileDialog.getSaveFileName(self, "Save the email draft as", suggested, EML_FILTER)
        return with_suffix(name, ".eml") if name else None

    @Slot()
    def _on_draft_button_clicked(self) -> None:
        if self._busy:
            return
        made, settings = self.rendered.made, self.rendered.settings
        path = self.choose_draft_target(f"{Path(made.filename).stem}.eml")
        if path is None:
            return
        remember_folder(path)
        who, text, password = self.ctx.who, self.text(), self._password()

        def work() -> Path:
            from hartdesk.fileio import write_atomically
            from hartdesk.privacy import produce

            with who.register.session() as session:
                eml = produce.email_draft(session, who.username, made, text, settings, password)
                try:
                    write_atomically(path, eml)
                except OSError as exc:  # nothing is recorded: the transaction is rolled back
                    raise ValidationError(f"{path} cannot be written: {exc.strerror or exc}.") from None
            return path

        def written(saved: Path) -> None:
            owner = self.owner
            opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(saved)))
            how = "opened in your mail program" if opened else "open it in your mail program to send it"
            self.accept()
            if shiboken6.isValid(owner):
                owner.recorded(f"Email draft for {text.to} saved to {saved} ({how}).", password, "Draft saved.")

        self._run(work, written, "Writing the draft…")

    # --- sending -------------------------------------------------------------------------------------------------

    @Slot()
    def _on_send_button_clicked(self) -> None:
        if self._busy:
            return
        settings = self.rendered.settings
        username = settings.smtp_username.strip()
        if not settings.smtp_host.strip() or not username:
            self._send(None, remember=False)  # no server: the domain says so; no user name: no login
            return
        who = self.ctx.who
        register_id = who.register.register_id

        def look_up() -> tuple[str | None, str]:
            from hartdesk.security.smtp_secret import smtp_password

            try:
                return smtp_password(register_id, username), ""
            except ValidationError as exc:
                return None, exc.message

        def found(result: tuple[str | None, str]) -> None:
            password, keyring_problem = result
            if password is not None:
                self._send(password, remember=False)
                return
            self._ask_smtp_password(settings.smtp_host.strip(), username, keyring_problem)

        self._run(look_up, found, "Looking up the mail server's password…")

    def _ask_smtp_password(self, host: str, username: str, keyring_problem: str) -> None:
        dialog = SmtpPasswordDialog(host, username, keyring_problem, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._send(dialog.password(), remember=dialog.remember()))
        dialog.open()

    def _send(self, smtp_password: str | None, remember: bool) -> None:
        made, settings = self.rendered.made, self.rendered.settings
        who, text, password = self.ctx.who, self.text(), self._password()
        register_id = who.register.register_id

        def work() -> str:
            from hartdesk.privacy import produce
            from hartdesk.security.smtp_secret import set_smtp_password

            with who.register.session() as session:
                produce.send(session, who.username, made, text, settings, smtp_password, password)
            if remember and smtp_password:
                try:
                    set_smtp_password(register_id, settings.smtp_username, smtp_password)
                except ValidationError as exc:
                    return exc.message
            return ""

        def sent(keyring_problem: str) -> None:
            owner = self.owner
            self.accept()
            if shiboken6.isValid(owner):
                note = f" The password was not remembered: {keyring_problem}" if keyring_problem else ""
                owner.recorded(f"Sent to {text.to}.{note}", password, f"Sent to {text.to}.")

        self._run(work, sent, "Sending…")


class SmtpPasswordDialog(QDialog):
    """The mail server's password, asked when the keyring has none; optionally remembered there once it worked."""

    def __init__(self, host: str, username: str, keyring_problem: str, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.setObjectName("smtp_password_dialog")
        self.setWindowTitle("Mail server password")
        self.setMinimumWidth(440)
        intro = QLabel(f"The password of {username} on the mail server {host}:")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.password_edit = named(QLineEdit(), "smtp_password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = named(QCheckBox("&Remember it in this computer's keyring"), "remember_check")
        self.remember_check.setChecked(not keyring_problem)
        self.remember_check.setEnabled(not keyring_problem)
        note = named(QLabel(keyring_problem), "keyring_note")
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        note.setVisible(bool(keyring_problem))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Send")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Password:", self.password_edit)
        form.addRow("", self.remember_check)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.password_edit.setFocus()

    def password(self) -> str:
        return self.password_edit.text()

    def remember(self) -> bool:
        return self.remember_check.isEnabled() and self.remember_check.isChecked()

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if self.password_edit.text():
            self.accept()


# --- a signed DPA -----------------------------------------------------------------------------------------------------


class SignedCopyDialog(WorkDialog):
    """The date a data processing agreement was signed and the scan of the signed copy (kept in the register)."""

    def __init__(self, ctx: AppContext, document: DocumentRow, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, "Record the signed copy", "&Record", parent)
        from hartdesk.dates import format_short_date, uk_date

        self.setObjectName("signed_copy_dialog")
        self.setMinimumWidth(520)
        self.document = document
        self.today = ui_today(ctx)
        issued = uk_date(document.created_at)
        intro = QLabel(
            f"{document.title}, issued on {format_short_date(issued)}"
            + (f" to {document.client_ref} {document.client_name}." if document.client_ref else ".")
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.date_edit = date_field("signed_on_edit", self.today, issued)
        self.date_edit.setToolTip(f"Between the day it was issued and today ({format_short_date(self.today)})")
        self.file_edit = named(QLineEdit(), "scan_file_edit")
        self.file_edit.setPlaceholderText("the scan or photo of the signed agreement")
        self.choose_button = named(QPushButton("C&hoose…"), "choose_scan_button")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow("&Signed on:", self.date_edit)
        form.addRow("Scan &file:", file_row)
        if document.signed_on is not None:
            replacing = QLabel(
                f"A signed copy dated {format_short_date(document.signed_on)} is kept already: this one replaces it."
            )
            replacing.setWordWrap(True)
            replacing.setStyleSheet(NOTE_STYLE)
            form.addRow("", replacing)
        self.layout_.addWidget(intro)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.date_edit.setFocus()

    def choose_scan_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "The scan of the signed agreement", str(last_folder()), SCAN_FILTER)
        return Path(name) if name else None

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        path = self.choose_scan_file()
        if path is not None:
            self.file_edit.setText(str(path))

    def submit(self) -> None:
        name = self.file_edit.text().strip()
        if not name:
            self.show_problem("Choose the file of the scan (a PDF or a photo).", self.file_edit)
            return
        path, signed_on, today = Path(name), chosen_date(self.date_edit), self.today
        who, document_id = self.ctx.who, self.document.id

        def work() -> None:
            from hartdesk.register.documents import record_signed_dpa
            from hartdesk.ui.request_detail import read_attachment_file

            content = read_attachment_file(path)
            with who.register.session() as session:
                record_signed_dpa(session, who.username, document_id, signed_on, path.name, content, today=today)

        self.run_work(work, lambda _: self.accept())
