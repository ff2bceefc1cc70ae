"""The mail server's password, kept in the operating system's keyring like the vault's secrets (DESIGN.md,
"Credentials vault"): service ``hartdesk:<register id>``, user name ``smtp:<SMTP user name>``.

Nothing about it is written to the register, and it is never logged. A missing or locked keyring becomes a
:class:`ValidationError` a clerk can act on; everything else in hartdesk keeps working without it.
"""

from __future__ import annotations

import contextlib

import keyring.errors

from hartdesk.errors import ValidationError
from hartdesk.security.keyrings import MAX_SECRET_CHARS, backend, service_name

_UNAVAILABLE = (
    "The system keyring, where hartdesk keeps the mail server's password, is not available{why}: unlock it or "
    "install one (on Linux, GNOME Keyring or KWallet), or save an email draft instead of sending."
)


def _entry(username: str) -> str:
    username = username.strip()
    if not username:
        raise ValidationError("Fill in the SMTP user name under Settings first.")
    return f"smtp:{username}"


def _unavailable(exc: keyring.errors.KeyringError) -> ValidationError:
    why = " (it is locked)" if isinstance(exc, keyring.errors.KeyringLocked) else ""
    return ValidationError(_UNAVAILABLE.format(why=why))


def smtp_password(register_id: str, username: str) -> str | None:
    """The password saved for ``username`` on this register's mail server, or None when none is saved."""
    entry = _entry(username)
    try:
        return backend().get_password(service_name(register_id), entry)
    except keyring.errors.KeyringError as exc:
        raise _unavailable(exc) from None


def set_smtp_password(register_id: str, username: str, password: str) -> None:
    """Save (or, with an empty ``password``, forget) the mail server's password."""
    entry = _entry(username)
    if len(password) > MAX_SECRET_CHARS:
        raise ValidationError(f"A password longer than {MAX_SECRET_CHARS} characters cannot be kept in the keyring.")
    try:
        if password:
            backend().set_password(service_name(register_id), entry, password)
        else:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):  # nothing saved: already forgotten
                backend().delete_password(service_name(register_id), entry)
    except keyring.errors.KeyringError as exc:
        raise _unavailable(exc) from None
