"""Argon2id key derivation for key slots (SPEC.md §8).

Production parameters follow RFC 9106's second recommendation. Tests switch to cheap parameters explicitly with
:func:`use_insecure_test_parameters` (or ``HARTDESK_INSECURE_TEST_KDF=1`` for subprocesses); the parameters are
stored in each slot, so a register made either way opens either way.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Argon2Params:
    memory_kib: int = 64 * 1024
    time_cost: int = 3
    parallelism: int = 4
    hash_len: int = 32

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, int]) -> Argon2Params:
        return cls(
            memory_kib=int(data["memory_kib"]),
            time_cost=int(data["time_cost"]),
            parallelism=int(data["parallelism"]),
            hash_len=int(data["hash_len"]),
        )


RECOMMENDED = Argon2Params()
_INSECURE_TEST = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
_test_switch = False


def use_insecure_test_parameters(enabled: bool = True) -> None:
    """Make new slots cheap to derive. For the test suite only."""
    global _test_switch
    _test_switch = enabled


def current_params() -> Argon2Params:
    if _test_switch or os.environ.get("HARTDESK_INSECURE_TEST_KDF") == "1":
        return _INSECURE_TEST
    return RECOMMENDED


def derive_key(secret: str, salt: bytes, params: Argon2Params) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret=secret.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=params.hash_len,
        type=Type.ID,
    )
