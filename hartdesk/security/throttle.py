"""Throttling failed sign-ins and TOTP codes, per account, across restarts (RFC 4226 §7.3).

After 5 failures an account must wait 30 s, doubling with each further failure up to 15 minutes. The state is
kept per machine in the state folder (not in the register folder), so a failed attempt never modifies the
register's files. Accounts are named only by the HMAC lookup of keys.json, never by name.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from hartdesk import paths
from hartdesk.errors import ThrottledError
from hartdesk.fileio import write_atomically

FREE_FAILURES = 4
FIRST_DELAY_S = 30.0
MAX_DELAY_S = 15 * 60.0


def delay_after(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures (the 5th failure starts the wait)."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_S)


class Throttle:
    def __init__(self, register_id: str, clock: Callable[[], float] = time.time) -> None:
        self._path: Path = paths.state_dir() / "throttle" / f"{register_id}.json"
        self._clock = clock

    def _read(self) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict[str, dict[str, float]]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self._path, json.dumps(data).encode("utf-8"))

    def check(self, account: str) -> None:
        """Raise :class:`ThrottledError` if ``account`` must still wait."""
        entry = self._read().get(account)
        if not entry:
            return
        retry_at = float(entry.get("retry_at", 0.0))
        if retry_at > self._clock():
            when = datetime.fromtimestamp(retry_at).strftime("%H:%M:%S")
            raise ThrottledError(f"Too many failed attempts for this account. Try again at {when}.", retry_at=retry_at)

    def failed(self, account: str) -> None:
        data = self._read()
        failures = int(data.get(account, {}).get("failures", 0)) + 1
        data[account] = {"failures": failures, "retry_at": self._clock() + delay_after(failures)}
        self._write(data)

    def succeeded(self, account: str) -> None:
        data = self._read()
        if account in data:
            del data[account]
            self._write(data)
