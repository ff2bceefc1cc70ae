"""Sign-in with TOTP: replays refused, one code serves sign-in and step-up, throttling survives a restart."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest

from hartdesk.errors import SignInError, ThrottledError, TotpRequiredError
from hartdesk.security import staff
from hartdesk.security.signin import sign_in
from hartdesk.security.throttle import delay_after
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD
from tests.totp import FakeClock, enrol


def test_totp_needed_once_enrolled_and_replays_refused(register_dir: Path) -> None:
    clock = FakeClock()
    secret = enrol(register_dir, STAFF, STAFF_PASSWORD, clock)
    with pytest.raises(TotpRequiredError):
        sign_in(register_dir, STAFF, STAFF_PASSWORD, clock=clock)
    code = pyotp.TOTP(secret).at(clock.now)
    who = sign_in(register_dir, STAFF, STAFF_PASSWORD, code, clock=clock)
    assert who.has_fresh_second_factor()  # the sign-in code serves a step-up in the same session
    who.lock()
    with pytest.raises(SignInError, match="already used"):
        sign_in(register_dir, STAFF, STAFF_PASSWORD, code, clock=clock)
    clock.now += 30
    sign_in(register_dir, STAFF, STAFF_PASSWORD, pyotp.TOTP(secret).at(clock.now), clock=clock).lock()


def test_step_up_expires_after_the_window(register_dir: Path) -> None:
    clock = FakeClock()
    secret = enrol(register_dir, STAFF, STAFF_PASSWORD, clock)
    who = sign_in(register_dir, STAFF, STAFF_PASSWORD, pyotp.TOTP(secret).at(clock.now), clock=clock)
    clock.now += 5 * 60 + 1
    assert not who.has_fresh_second_factor()
    clock.now += 30
    who.step_up(pyotp.TOTP(secret).at(clock.now))
    assert who.has_fresh_second_factor()
    who.lock()


def test_enrolment_needs_a_correct_code(signed_in_admin) -> None:  # type: ignore[no-untyped-def]
    from hartdesk.errors import ValidationError

    staff.start_totp_enrolment(signed_in_admin, STAFF)
    with pytest.raises(ValidationError, match="does not match"):
        staff.confirm_totp(signed_in_admin, STAFF, "000000")
    assert not next(r for r in staff.list_staff(signed_in_admin) if r.username == STAFF).totp_enrolled


def test_delays_grow_from_the_fifth_failure_and_cap_at_15_minutes() -> None:
    assert [delay_after(n) for n in range(1, 9)] == [0, 0, 0, 0, 30, 60, 120, 240]
    assert delay_after(30) == 900


def test_throttling_survives_a_restart(register_dir: Path) -> None:
    """Five wrong passwords; the state is on disk, so a new process (a fresh call here) is still refused."""
    clock = FakeClock()
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(register_dir, ADMIN, "Not-The-Password-000", clock=clock)
    with pytest.raises(ThrottledError, match="Try again at"):
        sign_in(register_dir, ADMIN, ADMIN_PASSWORD, clock=clock)
    # The other account is not affected.
    sign_in(register_dir, STAFF, STAFF_PASSWORD, clock=clock).lock()
    clock.now += 31
    sign_in(register_dir, ADMIN, ADMIN_PASSWORD, clock=clock).lock()


def test_wrong_totp_codes_are_throttled_too(register_dir: Path) -> None:
    clock = FakeClock()
    enrol(register_dir, STAFF, STAFF_PASSWORD, clock)
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(register_dir, STAFF, STAFF_PASSWORD, "000000", clock=clock)
    with pytest.raises(ThrottledError):
        sign_in(register_dir, STAFF, STAFF_PASSWORD, "000000", clock=clock)


def test_throttling_in_a_separate_process(register_dir: Path) -> None:
    import os
    import subprocess
    import sys

    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(register_dir, ADMIN, "Not-The-Password-000")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hartdesk.cli",
            "verify",
            "--register",
            str(register_dir),
            "--user",
            ADMIN,
            "--password-stdin",
        ],
        input=ADMIN_PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert result.returncode == 1
    assert "Too many failed attempts" in result.stderr


def test_abandoned_re_enrolment_keeps_the_working_code(register_dir: Path) -> None:
    clock = FakeClock()
    secret = enrol(register_dir, STAFF, STAFF_PASSWORD, clock)
    admin = sign_in(register_dir, ADMIN, ADMIN_PASSWORD, clock=clock)
    new_secret = pyotp.parse_uri(staff.start_totp_enrolment(admin, STAFF)).secret
    admin.lock()
    with pytest.raises(SignInError):
        sign_in(register_dir, STAFF, STAFF_PASSWORD, pyotp.TOTP(new_secret).at(clock.now), clock=clock)
    clock.now += 30
    sign_in(register_dir, STAFF, STAFF_PASSWORD, pyotp.TOTP(secret).at(clock.now), clock=clock).lock()
