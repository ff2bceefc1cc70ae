"""Personal values in the audit log, sealed with a key of their own per client ("crypto-shredding").

The audit log is append-only and hash-chained, so nothing written to it can be taken out again. A rectification
must still record what the data was before and after (SPEC.md §3), and an erasure must leave no trace of it. So the
values are sealed (AES-256-GCM) with a random key kept per client in ``seal_keys``; erasing the client deletes the
key, and the sealed text in the log becomes unreadable while the chain, computed over it, stays whole.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from sqlalchemy.orm import Session

from hartdesk.models import SealKey

_PREFIX = "sealed:v1:"


def _aad(client_id: int) -> bytes:
    return f"hartdesk-audit-seal:{client_id}".encode()


def seal(session: Session, client_id: int, values: dict[str, Any]) -> str:
    """``values`` as text only this client's key can open (the key is made on first use)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    row = session.get(SealKey, client_id)
    if row is None:
        row = SealKey(client_id=client_id, key=AESGCM.generate_key(bit_length=256))
        session.add(row)
        session.flush()
    nonce = os.urandom(12)
    plain = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode()
    return _PREFIX + base64.b64encode(nonce + AESGCM(row.key).encrypt(nonce, plain, _aad(client_id))).decode()


def unseal(session: Session, client_id: int, sealed: str) -> dict[str, Any] | None:
    """The values sealed for this client, or None when they can no longer be read (the client was erased)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    row = session.get(SealKey, client_id)
    if row is None or not sealed.startswith(_PREFIX):
        return None
    raw = base64.b64decode(sealed.removeprefix(_PREFIX))
    try:
        plain = AESGCM(row.key).decrypt(raw[:12], raw[12:], _aad(client_id))
    except InvalidTag:
        return None
    values: dict[str, Any] = json.loads(plain)
    return values
