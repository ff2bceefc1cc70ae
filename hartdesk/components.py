"""The libraries hartdesk runs on: every distribution its installed metadata requires at run time, directly or through
another library (the test and installer extras left out).

Qt-free, so both the About dialog (which shows their licences) and the PyInstaller spec (which ships their metadata
and licence files in the bundle, installer/hartdesk.spec) read the same list.
"""

from __future__ import annotations

import re
from importlib import metadata


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]


def canonical_name(name: str) -> str:
    """A distribution's name as packaging compares them (``Python_Stdnum`` and ``python-stdnum`` are one)."""
    return re.sub(r"[-_.]+", "-", name).casefold()


def _needed_at_run_time(requirement: str) -> bool:
    """Not an optional extra's requirement (``; extra == "test"``). Platform markers are left to the installer: a
    requirement for another OS is simply not installed here, and is skipped as missing."""
    return "extra ==" not in requirement


def runtime_distributions(root: str = "hartdesk") -> list[metadata.Distribution]:
    """The installed distributions ``root`` needs at run time, transitively, each once, in a stable order; ``root``
    itself is not included. An empty list when ``root`` is not installed (a bare source tree)."""
    try:
        pending = [r for r in metadata.requires(root) or [] if _needed_at_run_time(r)]
    except metadata.PackageNotFoundError:
        return []
    found: dict[str, metadata.Distribution] = {}
    while pending:
        name = _requirement_name(pending.pop())
        key = canonical_name(name)
        if key in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # for another platform, or optional
        found[key] = dist
        pending.extend(r for r in dist.requires or [] if _needed_at_run_time(r))
    return [found[key] for key in sorted(found)]
