"""User-facing errors.

Every error a clerk can act on is a :class:`HartdeskError` with a message written for them. Anything else that
escapes is a bug and is shown in the crash dialog (GUI) or as a one-line internal error (CLI).
"""

from __future__ import annotations


class HartdeskError(Exception):
    """An error with a plain message for the person at the keyboard."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotARegisterError(HartdeskError):
    """The folder holds no hartdesk register."""


class RegisterExistsError(HartdeskError):
    """A register (or other files) already exist where a new one would go."""


class RegisterDamagedError(HartdeskError):
    """register.db or keys.json cannot be read."""


class RegisterInUseError(HartdeskError):
    """Another hartdesk process has the register open."""


class SignInError(HartdeskError):
    """Wrong user name, password, recovery key or TOTP code."""


class TotpRequiredError(HartdeskError):
    """The account needs a TOTP code to finish signing in."""


class StepUpRequiredError(HartdeskError):
    """A secret is about to be shown: the person must enter a fresh TOTP code first."""


class TotpNotSetUpError(HartdeskError):
    """The account has no TOTP code, which showing a secret needs."""


class KeyringUnavailableError(HartdeskError):
    """The operating system's keyring is missing, locked or not answering."""


class ThrottledError(HartdeskError):
    """Too many failed attempts: the person must wait."""

    def __init__(self, message: str, retry_at: float) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class PermissionDeniedError(HartdeskError):
    """The signed-in person may not do this."""


class ValidationError(HartdeskError):
    """Input that cannot be accepted, with the reason."""


class BackupError(HartdeskError):
    """A backup or restore could not be completed."""


class FormError(ValidationError):
    """Several fields of one form are wrong: ``problems`` maps each field's key to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        first = next(iter(problems.values()))
        more = len(problems) - 1
        super().__init__(first if not more else f"{first} (and {more} more problem{'s' if more > 1 else ''})")
        self.problems = problems


class DuplicateError(ValidationError):
    """The record looks like one already in the register; ``existing`` is its reference."""

    def __init__(self, message: str, existing: str) -> None:
        super().__init__(message)
        self.existing = existing


class NotFoundError(HartdeskError):
    """No record with that reference."""
