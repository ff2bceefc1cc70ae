"""The letter page every document starts with: letterhead, the recipient's address in the envelope window, the date
and references; then the standard pages with "Page X of Y".

**Where the address sits** (for post): 20 mm from the left edge and 50 mm from the top of the page, 90 × 34 mm. That is
the window of a standard UK DL window envelope (110 × 220 mm, window 90 × 35 mm, 20 mm from the left and 15 mm from
the bottom, BS EN ISO 269) with the A4 sheet folded in three, and it falls inside the usual C5 window (90 × 45 mm,
20 mm from the left) with the sheet folded in half. The agency's own address sits above it in small type, as the
return address Royal Mail asks for, and nothing else is printed in that area.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate

from hartdesk.dates import format_uk_date
from hartdesk.documents import theme

WINDOW_LEFT = 20 * mm
WINDOW_TOP = 50 * mm  # from the top edge of the page
WINDOW_WIDTH = 90 * mm
WINDOW_HEIGHT = 34 * mm
FIRST_FRAME_TOP = 100 * mm  # the body of the first page starts below the window and the references
MAX_ADDRESS_LINES = 7


@dataclass(frozen=True)
class Letterhead:
    """The agency as it appears at the top of every document (from settings)."""

    name: str
    address: str
    email: str = ""
    phone: str = ""
    ico_number: str = ""
    logo: bytes | None = None  # PNG or JPEG

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def footer(self) -> str:
        ico = f" · ICO registration {self.ico_number}" if self.ico_number else ""
        return f"{self.name}{ico}"


@dataclass(frozen=True)
class Addressee:
    """Who a document is for: the name and postal address (for the window), and the email (for email)."""

    name: str
    address_lines: tuple[str, ...] = ()
    email: str = ""

    @property
    def has_postal_address(self) -> bool:
        return bool(self.address_lines)


@dataclass(frozen=True)
class LetterPage:
    """What the first page shows around the body."""

    letterhead: Letterhead
    addressee: Addressee
    dated: date
    references: Sequence[tuple[str, str]] = field(default_factory=tuple)  # ("Our reference", "R-2026-0042")
    for_post: bool = True  # False: no window address (an email attachment), the name only


def _fit(canv: Canvas, text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis so it fits ``width`` (an address line never runs out of the window)."""
    if theme.string_width(text, font, size) <= width:
        return text
    while text and theme.string_width(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def draw_first_page(canv: Canvas, page: LetterPage, pagesize: tuple[float, float]) -> None:
    width, height = pagesize
    head = page.letterhead
    canv.saveState()
    # Letterhead: logo (if any) on the left, the agency on the right.
    top = height - theme.MARGIN
    if head.logo:
        try:
            image = ImageReader(io.BytesIO(head.logo))
            iw, ih = image.getSize()
            scale = min(50 * mm / iw, 18 * mm / ih)
            canv.drawImage(image, theme.MARGIN, top - ih * scale, iw * scale, ih * scale, mask="auto")
        except Exception:  # reportlab raises many kinds for a bad image; the letter goes out without the logo
            pass
    right = width - theme.MARGIN
    canv.setFillColor(theme.TEXT_COLOUR)
    name = _fit(canv, head.name, theme.FONT_BOLD, 12, 90 * mm)
    theme.draw_string(canv, right, top - 10, name, theme.FONT_BOLD, 12, right_aligned=True)
    canv.setFillColor(theme.MUTED_COLOUR)
    y = top - 22
    details = [*head.address_lines, head.phone, head.email]
    if head.ico_number:
        details.append(f"ICO registration {head.ico_number}")
    for line in [d for d in details if d][:6]:  # six lines end above the window
        theme.draw_string(canv, right, y, _fit(canv, line, theme.FONT, 8.5, 90 * mm), theme.FONT, 8.5, True)
        y -= 10.5

    # The window: return address in small type, then the recipient.
    window_top = height - WINDOW_TOP
    if page.for_post:  # the return address Royal Mail asks for; an email attachment has no envelope
        back = ", ".join([head.name, *head.address_lines])
        fitted = _fit(canv, back, theme.FONT, 6.5, WINDOW_WIDTH)
        theme.draw_string(canv, WINDOW_LEFT, window_top + 3, fitted, theme.FONT, 6.5)
    canv.setFillColor(theme.TEXT_COLOUR)
    lines = [page.addressee.name]
    if page.for_post:
        lines += list(page.addressee.address_lines)
    elif page.addressee.email:
        lines.append(page.addressee.email)
    if len(lines) > MAX_ADDRESS_LINES:  # keep the postcode and country: fold the middle lines together
        keep = MAX_ADDRESS_LINES - 2
        lines = [*lines[:keep], ", ".join(lines[keep:-1]), lines[-1]]
    y = window_top - 12
    for i, line in enumerate(lines):
        font = theme.FONT_BOLD if i == 0 else theme.FONT
        fitted = _fit(canv, line, font, 10, WINDOW_WIDTH - 4 * mm)
        theme.draw_string(canv, WINDOW_LEFT + 2 * mm, y, fitted, font, 10)
        y -= 12.5

    # Date and references, right of the window.
    canv.setFont(theme.FONT, 9.5)
    x = WINDOW_LEFT + WINDOW_WIDTH + 15 * mm
    y = window_top - 12
    for label_text, value in [("Date", format_uk_date(page.dated)), *page.references]:
        canv.setFillColor(theme.MUTED_COLOUR)
        canv.drawString(x, y, label_text)
        canv.setFillColor(theme.TEXT_COLOUR)
        fitted = _fit(canv, value, theme.FONT, 9.5, right - x - 32 * mm)
        theme.draw_string(canv, x + 32 * mm, y, fitted, theme.FONT, 9.5)
        y -= 13
    canv.restoreState()


def build_letter_pdf(
    story: list[Flowable], info: theme.DocumentInfo, page: LetterPage, pagesize: tuple[float, float] = theme.A4
) -> bytes:
    """``story`` laid out under the letter page's heading, continuing on standard pages, "Page X of Y" on each."""
    theme.register_fonts()
    out = io.BytesIO()
    height = pagesize[1]

    def first(canv: Canvas, _doc: BaseDocTemplate) -> None:
        theme.set_metadata(canv, info)
        draw_first_page(canv, page, pagesize)

    def later(canv: Canvas, _doc: BaseDocTemplate) -> None:
        theme.set_metadata(canv, info)

    first_frame = Frame(
        theme.MARGIN,
        theme.MARGIN + theme.FOOTER_HEIGHT,
        theme.frame_width(pagesize),
        height - FIRST_FRAME_TOP - theme.MARGIN - theme.FOOTER_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="first",
    )
    doc = BaseDocTemplate(
        out,
        pagesize=pagesize,
        pageTemplates=[
            PageTemplate(id="letter", frames=[first_frame], onPage=first, pagesize=pagesize),
            theme.page_template(pagesize, later),
        ],
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator="hartdesk",
        initialFontName=theme.FONT,
    )

    def make_canvas(*args: Any, **kwargs: Any) -> theme.NumberedCanvas:
        return theme.NumberedCanvas(*args, footer_text=page.letterhead.footer, **kwargs)

    doc.build([NextPageTemplate("standard"), *story], canvasmaker=make_canvas)
    return out.getvalue()
