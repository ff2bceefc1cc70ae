"""The agency's letterhead and paper size from the settings, for the document renderers (which never read settings
or the register themselves)."""

from __future__ import annotations

from hartdesk.documents import theme
from hartdesk.documents.letter import Letterhead
from hartdesk.settings import Settings


def letterhead_from(settings: Settings) -> Letterhead:
    """The letterhead in the settings; a logo file that cannot be read is left out rather than stopping the document."""
    logo = None
    if settings.agency_logo.strip():
        try:
            with open(settings.agency_logo, "rb") as f:
                logo = f.read(5 * 1024 * 1024)
        except OSError:
            logo = None
    return Letterhead(
        name=settings.agency_name,
        address=settings.agency_address,
        email=settings.agency_email,
        phone=settings.agency_phone,
        ico_number=settings.agency_ico_number,
        logo=logo,
    )


def page_size(settings: Settings) -> tuple[float, float]:
    return theme.LETTER if settings.page_size == "Letter" else theme.A4
