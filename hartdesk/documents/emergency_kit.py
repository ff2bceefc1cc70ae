"""The emergency kit: one printed page with the register's recovery key, written for whoever keeps the office safe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import segno
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, ListFlowable, ListItem, Paragraph, Spacer, Table

from hartdesk.dates import format_uk_date
from hartdesk.documents import theme
from hartdesk.errors import HartdeskError

TITLE = "hartdesk emergency kit"


@dataclass(frozen=True)
class EmergencyKit:
    register_id: str
    created_at: datetime  # timezone-aware
    register_path: str
    recovery_key: str  # e.g. "FD7L-PMMW-4WGL-VB73-5ALE-XU3D-EO5R-QNRZ" (8 groups of 4, base32)
    agency_name: str = ""


def render_emergency_kit(kit: EmergencyKit, pagesize: tuple[float, float] = theme.A4) -> bytes:
    return _EmergencyKitRenderer(kit, pagesize).render()


def write_emergency_kit(
    out: Path,
    *,
    register_id: str,
    created_at: datetime,
    register_path: Path,
    recovery_key: str,
    agency_name: str,
) -> None:
    """Render the kit of a new register and save it as ``out``, whole or not at all (the GUI and CLI share this).

    ``register_path`` is shown resolved. A file that cannot be written raises :class:`HartdeskError`.
    """
    from hartdesk.fileio import write_atomically

    kit = EmergencyKit(
        register_id=register_id,
        created_at=created_at,
        register_path=str(register_path.resolve()),
        recovery_key=recovery_key,
        agency_name=agency_name,
    )
    try:
        write_atomically(out, render_emergency_kit(kit))
    except OSError as exc:
        raise HartdeskError(f"The emergency kit could not be saved to {out}: {exc.strerror or exc}") from exc


class QrCode(Flowable):
    """A QR code drawn as vector squares, quiet zone included, so it stays sharp at any print resolution."""

    QUIET_ZONE = 4  # modules, the minimum the QR standard asks for

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self._qr = segno.make_qr(data, error="q")
        self.width = self.height = size

    def draw(self) -> None:
        rows = [list(row) for row in self._qr.matrix_iter(scale=1, border=self.QUIET_ZONE)]
        module = self.width / len(rows)
        canv: Canvas = self.canv
        canv.saveState()
        canv.setFillColorRGB(1, 1, 1)
        canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canv.setFillColorRGB(0, 0, 0)
        path = canv.beginPath()
        for y, row in enumerate(rows):
            top = self.height - y * module
            x = 0
            while x < len(row):
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < len(row) and row[x]:
                    x += 1
                # One rectangle per run of dark modules: fewer seams when a viewer anti-aliases.
                path.rect(start * module, top - module, (x - start) * module, module)
        canv.drawPath(path, stroke=0, fill=1)
        canv.restoreState()


class _EmergencyKitRenderer:
    LABEL_WIDTH = 50 * mm
    CELL_PADDING = 4
    KEY_FONT_SIZE = 22
    QR_SIZE = 42 * mm

    def __init__(self, kit: EmergencyKit, pagesize: tuple[float, float]) -> None:
        self.kit = kit
        self.pagesize = pagesize
        self.styles = theme.stylesheet()
        self.width = theme.frame_width(pagesize)

    def render(self) -> bytes:
        story: list[Flowable] = [
            *self._title(),
            self._details(),
            *self._recovery_key(),
            *self._instructions(),
            *self._records(),
        ]
        info = theme.DocumentInfo(
            title=TITLE,
            author=self.kit.agency_name,
            subject=f"Recovery key for register {self.kit.register_id}",
        )
        # A kit that spilled onto a second sheet could be filed apart from its key; shrink rather than split.
        page = KeepInFrame(self.width, theme.frame_height(self.pagesize), story, mode="shrink")
        return theme.build_pdf([page], info, self.pagesize, footer_text="Confidential: keep this sheet locked away")

    def _title(self) -> list[Flowable]:
        parts: list[Flowable] = [Paragraph(TITLE, self.styles["title"])]
        parts.append(
            Paragraph(
                "This sheet can open your client register if every administrator password is lost. "
                "Keep it on paper, somewhere locked.",
                self.styles["body"],
            )
        )
        return [*parts, Spacer(0, 3 * mm)]

    def _details(self) -> Table:
        body = self.styles["body"]
        mono = self.styles["mono"]
        value_width = self.width - self.LABEL_WIDTH - 2 * self.CELL_PADDING
        path = theme.break_anywhere(self.kit.register_path, mono.fontName, mono.fontSize, value_width)
        rows = [
            ("Agency", Paragraph(theme.escape(self.kit.agency_name or "—"), body)),
            ("Register ID", Paragraph(theme.escape(self.kit.register_id), mono)),
            ("Created on", Paragraph(format_uk_date(_uk_time(self.kit.created_at)), body)),
            ("Where the register is kept", Paragraph(path, mono)),
        ]
        label = self.styles["body"].clone("label", textColor=theme.MUTED_COLOUR)
        table = Table(
            [[Paragraph(name, label), value] for name, value in rows],
            colWidths=[self.LABEL_WIDTH, self.width - self.LABEL_WIDTH],
        )
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LEFTPADDING", (1, 0), (1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
            )
        )
        return table

    def _recovery_key(self) -> list[Flowable]:
        groups = self.kit.recovery_key.split("-")
        half = (len(groups) + 1) // 2
        key_style = self.styles["mono"].clone(
            "recovery-key", fontSize=self.KEY_FONT_SIZE, leading=self.KEY_FONT_SIZE * 1.45, spaceAfter=0
        )
        key_lines = [
            Paragraph(theme.escape("-".join(line)), key_style) for line in (groups[:half], groups[half:]) if line
        ]
        key_lines.append(Spacer(0, 3 * mm))
        key_lines.append(
            Paragraph(
                "Only the letters A to Z and the digits 2 to 7 appear: an O is always the letter O, an I "
                "always the letter I. Dashes and capitals are optional when you type it.",
                self.styles["small"],
            )
        )
        key_lines.append(Spacer(0, 2 * mm))
        key_lines.append(Paragraph("The square code holds the same key, for a barcode scanner.", self.styles["small"]))
        qr_column = self.QR_SIZE + 2 * self.CELL_PADDING
        box = Table(
            [[key_lines, QrCode(self.kit.recovery_key, self.QR_SIZE)]],
            colWidths=[self.width - qr_column, qr_column],
        )
        box.setStyle(
            theme.table_style(
                ("BOX", (0, 0), (-1, -1), 1.2, theme.TEXT_COLOUR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 5 * mm),
                ("LEFTPADDING", (1, 0), (1, 0), self.CELL_PADDING),
                ("RIGHTPADDING", (1, 0), (1, 0), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("BOTTOMPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
            )
        )
        return [Paragraph("Your recovery key", self.styles["heading"]), box]

    def _instructions(self) -> list[Flowable]:
        sections = [
            (
                "What the recovery key does",
                [
                    "If every administrator password is lost, the recovery key still opens the register.",
                    "Signing in with the recovery key makes you choose a new administrator password straight away.",
                ],
            ),
            (
                "How to keep it safe",
                [
                    "Keep this sheet on paper, in a locked drawer or a safe.",
                    "Never email it, photograph it or copy it into a message or a document.",
                    "Anyone who has this key and a copy of the register can read all of your client data.",
                ],
            ),
            (
                "If this sheet is lost, or someone else may have seen the key",
                ["Tell your administrator at once."],
            ),
        ]
        parts: list[Flowable] = []
        for heading, points in sections:
            parts.append(Paragraph(heading, self.styles["heading"]))
            parts.append(self._bullets(points))
        return parts

    def _records(self) -> list[Flowable]:
        """Blank lines to fill in by hand, so whoever finds the sheet knows it is in use and who checked it."""
        label = self.styles["body"]
        rows = [[Paragraph(text, label), ""] for text in ("Kept in (place)", "Checked by and date")]
        table = Table(rows, colWidths=[self.LABEL_WIDTH, self.width - self.LABEL_WIDTH], rowHeights=9 * mm)
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (1, 0), (1, -1), 0.5, theme.TEXT_COLOUR),
            )
        )
        return [Paragraph("For your records", self.styles["heading"]), table]

    def _bullets(self, points: list[str]) -> ListFlowable:
        body = self.styles["body"]
        return ListFlowable(
            [ListItem(Paragraph(point, body), leftIndent=5 * mm) for point in points],
            bulletType="bullet",
            start="•",
            bulletFontName=body.fontName,
            bulletFontSize=body.fontSize,
            leftIndent=5 * mm,
        )


def _uk_time(moment: datetime) -> datetime:
    """The date an office in the UK would write down, whatever zone the register recorded."""
    try:
        return moment.astimezone(ZoneInfo("Europe/London"))
    except ZoneInfoNotFoundError:  # Windows without the tzdata package
        return moment
