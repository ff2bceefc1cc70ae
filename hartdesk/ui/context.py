"""What every screen shares: the signed-in person, the task runner and the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hartdesk.ui.tasks import TaskRunner

if TYPE_CHECKING:  # SQLAlchemy stays off the path to the first window
    from hartdesk.security.signin import SignedIn


@dataclass
class AppContext:
    register_dir: Path
    tasks: TaskRunner
    clock: Callable[[], float] = time.time
    signed_in: SignedIn | None = None
    demo_credentials: tuple[str, str] | None = None  # shown on the sign-in dialog of a demo register

    @property
    def who(self) -> SignedIn:
        if self.signed_in is None:
            raise RuntimeError("nobody is signed in")
        return self.signed_in
