"""TOTP per RFC 6238: the Appendix B vectors, an independent implementation, drift and replays."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hartdesk.security import totp

# RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890"; 8-digit codes.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("unix_time", "expected"), RFC_VECTORS)
def test_rfc6238_appendix_b_vectors(unix_time: int, expected: str) -> None:
    assert totp.code_at(RFC_SECRET, totp.step_at(unix_time), digits=8) == expected


def test_secret_has_160_bits() -> None:
    secret = totp.new_secret()
    assert len(base64.b32decode(secret)) * 8 >= 160


def test_code_from_oathtool_is_accepted() -> None:
    """oathtool is an independent implementation (C, liboath)."""
    if shutil.which("oathtool") is None:
        pytest.fail("oathtool is needed (Debian package oathtool; .ci/run installs it)")
    secret = totp.new_secret()
    now = 1_790_000_000
    code = subprocess.run(
        ["oathtool", "--totp", "-b", f"--now=@{now}", secret], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert totp.accepted_step(secret, code, now, None) == totp.step_at(now)


def _independent_hotp(secret: str, counter: int) -> str:
    """RFC 4226 §5.3, written out here without pyotp."""
    import hashlib
    import hmac
    import struct

    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**6:06d}"


def test_one_step_of_drift_either_way_is_accepted_two_is_refused() -> None:
    secret = totp.new_secret()
    now = 1_800_000_015.0
    step = totp.step_at(now)
    assert totp.accepted_step(secret, _independent_hotp(secret, step - 1), now, None) == step - 1
    assert totp.accepted_step(secret, _independent_hotp(secret, step + 1), now, None) == step + 1
    assert totp.accepted_step(secret, _independent_hotp(secret, step - 2), now, None) is None
    assert totp.accepted_step(secret, _independent_hotp(secret, step + 2), now, None) is None


def test_replayed_code_is_refused() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    code = _independent_hotp(secret, totp.step_at(now))
    step = totp.accepted_step(secret, code, now, None)
    assert step is not None
    assert totp.accepted_step(secret, code, now, step) is None
    assert totp.accepted_step(secret, code, now + 10, step) is None


def test_earlier_step_refused_after_a_later_one_was_used() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    step = totp.step_at(now)
    assert totp.accepted_step(secret, _independent_hotp(secret, step - 1), now, step) is None


@given(st.text(max_size=10))
def test_garbage_codes_never_accepted(code: str) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    accepted = totp.accepted_step(secret, code, 1_800_000_000.0, None)
    if accepted is not None:
        assert code.strip().replace(" ", "") == _independent_hotp(secret, accepted)


def test_provisioning_uri_carries_the_parameters() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "alice", "hartdesk")
    assert uri.startswith("otpauth://totp/hartdesk:alice?")
    for part in ("secret=JBSWY3DPEHPK3PXP", "issuer=hartdesk", "digits=6", "period=30", "algorithm=SHA1"):
        assert part in uri
