"""The look every hartdesk PDF shares: embedded fonts, paragraph styles, the page template and "Page X of Y".

Documents embed DejaVu (shipped in ``resources/fonts``) instead of the PDF base-14 fonts, because client names such
as "Zoë Łukasiewicz-Öztürk" or "Đorđević" must print correctly and base-14 Helvetica only covers Latin-1.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors, pagesizes
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from hartdesk import paths
from hartdesk.errors import HartdeskError

A4: tuple[float, float] = pagesizes.A4
LETTER: tuple[float, float] = pagesizes.LETTER

MARGIN = 20 * mm
FOOTER_HEIGHT = 12 * mm  # kept clear at the bottom of the frame for the footer line

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
FONT_MONO = "DejaVuSansMono"
# DejaVu has no Chinese, Japanese or Korean letters: text it cannot show is set in Droid Sans Fallback.
FONT_FALLBACK = "DroidSansFallback"

_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
    FONT_FALLBACK: "DroidSansFallbackFull.ttf",
}

TEXT_COLOUR = colors.HexColor("#1a1a1a")
MUTED_COLOUR = colors.HexColor("#555555")
RULE_COLOUR = colors.HexColor("#b0b0b0")
SHADE_COLOUR = colors.HexColor("#f2f2f2")
NOTICE_COLOUR = colors.HexColor("#a61b1b")  # the frame and heading of a notice that must not be missed
NOTICE_SHADE = colors.HexColor("#fbeaea")


_register_lock = threading.Lock()
_registered = False
_covered: frozenset[int] = frozenset()  # the code points DejaVu Sans can show


def fonts_dir() -> Path:
    return paths.resources_dir() / "fonts"


def register_fonts() -> None:
    """Register the DejaVu family with reportlab once per process (safe to call from every renderer)."""
    global _registered
    with _register_lock:
        if _registered:
            return
        folder = fonts_dir()
        for name, filename in _FONT_FILES.items():
            try:
                pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
            except Exception as exc:  # reportlab raises TTFError or a bare IOError wrapper
                raise HartdeskError(
                    f"hartdesk cannot print documents: the font file {folder / filename} is missing or damaged. "
                    "Reinstall hartdesk."
                ) from exc
        # <b> and <i> inside a Paragraph pick the matching face.
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        pdfmetrics.registerFontFamily(
            FONT_MONO, normal=FONT_MONO, bold=FONT_MONO, italic=FONT_MONO, boldItalic=FONT_MONO
        )
        global _covered
        _covered = frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)
        _registered = True


def stylesheet() -> StyleSheet1:
    """A fresh stylesheet (callers may tweak their copy): title, heading, body, small, mono."""
    register_fonts()
    sheet = StyleSheet1()
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=10,
        leading=14,
        textColor=TEXT_COLOUR,
        alignment=TA_LEFT,
        spaceAfter=4,
    )
    sheet.add(body)
    sheet.add(ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=22, leading=27, spaceAfter=4))
    sheet.add(
        ParagraphStyle(
            "heading", parent=body, fontName=FONT_BOLD, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4
        )
    )
    sheet.add(ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=MUTED_COLOUR))
    sheet.add(ParagraphStyle("mono", parent=body, fontName=FONT_MONO, fontSize=9.5, leading=13))
    return sheet


def table_style(*commands: tuple[Any, ...]) -> TableStyle:
    """A TableStyle whose plain-string cells use the embedded font too (reportlab's default is Helvetica)."""
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("TEXTCOLOR", (0, 0), (-1, -1), TEXT_COLOUR),
            *commands,
        ]
    )


def runs(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into runs DejaVu can show (True) and runs it cannot (False: set in the fallback font)."""
    register_fonts()
    out: list[tuple[bool, str]] = []
    for char in text:
        shown = ord(char) in _covered or char in "\n\t"
        if out and out[-1][0] == shown:
            out[-1] = (shown, out[-1][1] + char)
        else:
            out.append((shown, char))
    return out


def escape(text: str) -> str:
    """Make any register string safe to put inside Paragraph markup; line breaks are kept, and letters DejaVu
    lacks (Chinese, Japanese, Korean) are set in the fallback font."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = []
    for shown, part in runs(text):
        escaped = _xml_escape(part).replace("\n", "<br/>")
        parts.append(escaped if shown else f'<font name="{FONT_FALLBACK}">{escaped}</font>')
    return "".join(parts)


def string_width(text: str, font_name: str, font_size: float) -> float:
    """The width of ``text`` as :func:`draw_string` draws it (fallback runs measured in the fallback font)."""
    return sum(
        pdfmetrics.stringWidth(part, font_name if shown else FONT_FALLBACK, font_size) for shown, part in runs(text)
    )


def draw_string(
    canv: Canvas, x: float, y: float, text: str, font_name: str, font_size: float, right_aligned: bool = False
) -> None:
    """``canv.drawString`` that switches to the fallback font for letters DejaVu lacks."""
    if right_aligned:
        x -= string_width(text, font_name, font_size)
    for shown, part in runs(text):
        font = font_name if shown else FONT_FALLBACK
        canv.setFont(font, font_size)
        canv.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, font_size)


def break_anywhere(text: str, font_name: str, font_size: float, width: float) -> str:
    """Escaped markup for an unbreakable string (a folder path, an id) that wraps within ``width``.

    A line ends after a path separator, else after a dash, dot, underscore or space, as long as that keeps it at
    least half full; failing those it breaks between two characters, so nothing runs off the page.
    """
    lines: list[str] = []
    rest = text
    while rest:
        if pdfmetrics.stringWidth(rest, font_name, font_size) <= width:
            lines.append(rest)
            break
        fit = 1
        while fit < len(rest) and pdfmetrics.stringWidth(rest[: fit + 1], font_name, font_size) <= width:
            fit += 1
        cut = fit
        for separators in ("/\\", "-_. "):
            after = max(rest.rfind(sep, 0, fit) for sep in separators) + 1
            if after >= fit // 2:
                cut = after
                break
        lines.append(rest[:cut])
        rest = rest[cut:]
    return "<br/>".join(_xml_escape(line) for line in lines)


def notice_box(heading: str, text: str, width: float) -> Table:
    """A framed, shaded notice across ``width`` (a restriction on the client's data, say), so that nobody reading
    the page can miss it: ``heading`` in bold, then ``text``; both plain text, escaped here."""
    sheet = stylesheet()
    body = sheet["body"].clone("notice", spaceAfter=0)
    title = body.clone("notice-heading", fontName=FONT_BOLD, textColor=NOTICE_COLOUR, spaceAfter=2)
    box = Table([[[Paragraph(escape(heading), title), Paragraph(escape(text), body)]]], colWidths=[width])
    box.setStyle(
        table_style(
            ("BOX", (0, 0), (-1, -1), 1.5, NOTICE_COLOUR),
            ("BACKGROUND", (0, 0), (-1, -1), NOTICE_SHADE),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        )
    )
    return box


@dataclass(frozen=True)
class DocumentInfo:
    """What a PDF reader shows under Document Properties."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: Sequence[str] = ()
    created_at: datetime | None = None  # timezone-aware; None means now


def set_metadata(canv: Canvas, info: DocumentInfo) -> None:
    """Title, author, subject, keywords, creator "hartdesk" and the creation date of the PDF being drawn."""
    canv.setTitle(info.title)
    canv.setAuthor(info.author)
    canv.setSubject(info.subject)
    canv.setKeywords(", ".join(info.keywords))
    canv.setCreator("hartdesk")
    moment = info.created_at or datetime.now(UTC)
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("document dates must be timezone-aware")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    stamp = f"D:{moment:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"
    # reportlab writes CreationDate/ModDate through this hook; it ignores the render-time parts it is given.
    canv.setDateFormatter(lambda *_parts: stamp)


class NumberedCanvas(Canvas):
    """Defers every page until the end so the footer can say "Page X of Y" (as pretix's invoice renderer does)."""

    def __init__(self, *args: Any, footer_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer_text = footer_text
        self._saved_page_states: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        page_count = len(self._saved_page_states)
        for state in self._saved_page_states:
            self.__dict__.update(state)
            self._draw_footer(page_count)
            super().showPage()
        super().save()

    def _draw_footer(self, page_count: int) -> None:
        width = self._pagesize[0]
        baseline = MARGIN - 4 * mm
        self.saveState()
        self.setStrokeColor(RULE_COLOUR)
        self.setLineWidth(0.5)
        self.line(MARGIN, baseline + 4 * mm, width - MARGIN, baseline + 4 * mm)
        self.setFillColor(MUTED_COLOUR)
        self.setFont(FONT, 8)
        if self._footer_text:
            self.drawString(MARGIN, baseline, self._footer_text)
        self.drawRightString(width - MARGIN, baseline, f"Page {self._pageNumber} of {page_count}")
        self.restoreState()


def frame_width(pagesize: tuple[float, float]) -> float:
    """Usable width of the standard page template's frame (it has no inner padding)."""
    return pagesize[0] - 2 * MARGIN


def frame_height(pagesize: tuple[float, float]) -> float:
    return pagesize[1] - 2 * MARGIN - FOOTER_HEIGHT


def page_template(pagesize: tuple[float, float], on_page: Callable[[Canvas, BaseDocTemplate], None]) -> PageTemplate:
    """The standard page: one frame inside the margins, the footer band kept clear at the bottom."""
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT,
        frame_width(pagesize),
        frame_height(pagesize),
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    return PageTemplate(id="standard", frames=[frame], onPage=on_page, pagesize=pagesize)


def build_pdf(
    story: list[Flowable], info: DocumentInfo, pagesize: tuple[float, float] = A4, footer_text: str = ""
) -> bytes:
    """Lay out ``story`` on the standard page template and return the finished PDF."""
    register_fonts()
    out = io.BytesIO()

    def on_page(canv: Canvas, _doc: BaseDocTemplate) -> None:
        set_metadata(canv, info)

    doc = BaseDocTemplate(
        out,
        pagesize=pagesize,
        pageTemplates=[page_template(pagesize, on_page)],
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator="hartdesk",
        initialFontName=FONT,
    )

    def make_canvas(*args: Any, **kwargs: Any) -> NumberedCanvas:
        return NumberedCanvas(*args, footer_text=footer_text, **kwargs)

    doc.build(story, canvasmaker=make_canvas)
    return out.getvalue()
