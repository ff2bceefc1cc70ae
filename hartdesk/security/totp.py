"""TOTP second factor (RFC 6238 over RFC 4226), SPEC.md §8.

30-second steps from the Unix epoch, HMAC-SHA-1, 6 digits, 160-bit secrets, at most one step of drift. A code is
accepted only for a step later than the last accepted one, which the caller stores in the same transaction.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1


def new_secret() -> str:
    """32 base32 characters = 160 random bits."""
    import pyotp

    return pyotp.random_base32(length=32)


def code_at(secret: str, step: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    import hashlib

    import pyotp

    return pyotp.TOTP(secret, digits=digits, digest=getattr(hashlib, digest), interval=STEP_SECONDS).at(
        step * STEP_SECONDS
    )


def step_at(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def accepted_step(secret: str, code: str, now: float, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to, if it is valid within ±1 step and later than ``last_step``."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )


def qr_png(uri: str, scale: int = 6) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def group_secret(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
