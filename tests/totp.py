"""Time and TOTP for the tests: a clock moved by hand, the code of a secret at a moment, and enrolling someone."""

from __future__ import annotations

from pathlib import Path

import pyotp

T0 = 1_800_000_000.0  # 2027-01-15, a time step boundary


class FakeClock:
    """A clock (hartdesk's ``clock=``, the app's ``ctx.clock``) moved on by setting ``now``."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def code_at(secret: str, at: float) -> str:
    return str(pyotp.TOTP(secret).at(at))


def wrong_code(secret: str, at: float) -> str:
    """A well-formed 6-digit code that is valid for ``secret`` neither at ``at`` nor one time step either side."""
    near = {code_at(secret, at + drift) for drift in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in near)


def enrol(register_dir: Path, username: str, password: str, clock: FakeClock) -> str:
    """Give ``username`` TOTP (confirmed with the code at ``clock``), then move the clock to the next step, so that
    the next code is new. Returns the TOTP secret."""
    from hartdesk.security import staff
    from hartdesk.security.signin import sign_in

    who = sign_in(register_dir, username, password, clock=clock)
    try:
        secret = str(pyotp.parse_uri(staff.start_totp_enrolment(who, username)).secret)
        staff.confirm_totp(who, username, code_at(secret, clock.now))
    finally:
        who.lock()
    clock.now += 30
    return secret
