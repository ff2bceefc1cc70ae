"""hartdesk: the back office of a small UK web-hosting agency, on the desktop."""

from __future__ import annotations

APP_NAME = "hartdesk"
ORG_NAME = "Hart Hosting"
ORG_DOMAIN = "hartdesk.uk"
# The reverse-DNS application id: the Linux desktop entry (uk.hartdesk.Hartdesk.desktop), Qt's desktop file name and
# the Windows AppUserModelID, so the desktop groups hartdesk's windows and notifications under one icon.
APP_ID = "uk.hartdesk.Hartdesk"
# A backup file's suffix: the installers associate it with hartdesk, which restores the backup (`hartdesk FILE`).
BACKUP_SUFFIX = ".hdbackup"


__version__: str


def _version() -> str:
    """The installed distribution's version (pyproject.toml is its one source); from a bare source tree, read
    pyproject.toml itself."""
    from importlib import metadata

    try:
        return metadata.version("hartdesk")
    except metadata.PackageNotFoundError:
        pass
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        import tomllib

        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "0+unknown"


def __getattr__(name: str) -> str:
    """``hartdesk.__version__``, read on first use: importlib.metadata stays off the start-up path until then."""
    if name == "__version__":
        global __version__
        __version__ = _version()
        return __version__
    raise AttributeError(f"module 'hartdesk' has no attribute {name!r}")
