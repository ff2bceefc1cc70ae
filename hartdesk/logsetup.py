"""Logging to a rotating file in the log folder. Messages name actions and references, never secrets or
personal data: callers log ids and roles, not names, passwords, keys or codes."""

from __future__ import annotations

import logging
import logging.handlers

from hartdesk import paths


def configure(verbose: bool = False) -> None:
    root = logging.getLogger()
    target = str(paths.log_file())
    for old in [h for h in root.handlers if getattr(h, "_hartdesk", None) is not None]:
        if old._hartdesk == target:  # type: ignore[attr-defined]
            return
        root.removeHandler(old)  # HARTDESK_HOME moved (tests): log to the new place
        old.close()
    try:
        paths.log_dir().mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_file(), maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._hartdesk = target  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
