"""Document tests run against the register of tests/register/conftest.py, whose every client is known."""

from tests.register.conftest import built_register, hand_built

__all__ = ["built_register", "hand_built"]
