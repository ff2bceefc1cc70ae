"""Every location hartdesk reads or writes, decided in one place.

``HARTDESK_HOME`` moves all of them under one folder (tests, portable installs); ``HARTDESK_REGISTER`` picks the
register folder. Nothing else in hartdesk calls platformdirs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from hartdesk import APP_NAME


def _platform_dir(kind: str) -> Path:
    import platformdirs

    getters: dict[str, Callable[..., str]] = {
        "data": platformdirs.user_data_dir,
        "state": platformdirs.user_state_dir,
        "log": platformdirs.user_log_dir,
        "config": platformdirs.user_config_dir,
    }
    return Path(getters[kind](APP_NAME, appauthor=False))


def _dir(kind: str) -> Path:
    home = os.environ.get("HARTDESK_HOME")
    if home:
        return Path(home) / kind
    return _platform_dir(kind)


def data_dir() -> Path:
    """Where registers and backups live by default."""
    return _dir("data")


def state_dir() -> Path:
    """Per-machine state that is not part of the register: sign-in throttling, window geometry."""
    return _dir("state")


def log_dir() -> Path:
    return _dir("log")


def config_dir() -> Path:
    return _dir("config")


def default_register_dir() -> Path:
    chosen = os.environ.get("HARTDESK_REGISTER")
    if chosen:
        return Path(chosen)
    return data_dir() / "register"


def backup_dir(register_id: str) -> Path:
    """Automatic rolling backups of one register; kept apart from the register folder."""
    return data_dir() / "backups" / register_id


def log_file() -> Path:
    return log_dir() / "hartdesk.log"


def resources_dir() -> Path:
    """Fonts, icons and wording shipped with hartdesk (beside the package, or inside a PyInstaller bundle)."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
