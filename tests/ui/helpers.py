"""Small helpers the UI tests share, and the types of the factory fixtures in ``conftest.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

import pyotp
from PySide6.QtWidgets import QWidget

from hartdesk.ui.screens.base import Screen

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn

T = TypeVar("T", bound=QWidget)
S = TypeVar("S", bound=Screen)


class Show(Protocol):
    """The ``show`` fixture."""

    def __call__(self, widget: T, size: tuple[int, int] | None = None) -> T: ...


class OpenScreen(Protocol):
    """The ``open_screen`` fixture."""

    def __call__(self, cls: type[S], size: tuple[int, int], who: SignedIn | None = None) -> S: ...


def open_child(parent: QWidget, cls: type[T], name: str = "") -> T:
    """The dialog or message box ``parent`` has open (failing the test if there is none)."""
    found = [c for c in parent.findChildren(cls) if c.isVisible() and (not name or c.objectName() == name)]
    assert found, f"no {cls.__name__} {name} is open"
    return found[-1]


def wrong_code(secret: str, now: float) -> str:
    """A 6-digit code that is not valid for ``secret`` at ``now``, nor one step either side."""
    valid = {pyotp.TOTP(secret).at(now + k * 30) for k in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in valid)
