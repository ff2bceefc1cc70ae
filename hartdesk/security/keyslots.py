"""Key slots: how each staff password (and the recovery key) unlocks the register's data key.

Like LUKS, the database has one random 256-bit data key and ``keys.json`` holds one slot per person. A slot is an
X25519 key pair: the private half is wrapped with AES-256-GCM under a key derived from the person's secret with
Argon2id, and the data key is sealed to the public half. Sealing to public keys lets an admin re-key the database
(after removing someone) and re-seal the new key to every remaining slot without knowing their passwords.
Associated data binds each ciphertext to the register id and slot id, so slots cannot be swapped between registers.

``keys.json`` holds no names: staff slots are found by an HMAC of the user name under a per-register salt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hartdesk.errors import RegisterDamagedError, SignInError
from hartdesk.fileio import write_atomically
from hartdesk.security.kdf import Argon2Params, current_params, derive_key

KEYFILE_FORMAT = "hartdesk-keys"
KEYFILE_VERSION = 1
STAFF = "staff"
RECOVERY = "recovery"
_DAMAGED = "The key file keys.json of this register is damaged and cannot be read. Restore it from a backup."
_RECOVERY_ALPHABET_FIXES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def new_recovery_key() -> str:
    """160 random bits as 32 base32 characters in eight groups of four (no 0/1/8 to misread)."""
    raw = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_recovery_key(text: str) -> str:
    """Accept what a person types from the printed kit: any case, spaces or dashes, 0/1/8 for O/I/B."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_RECOVERY_ALPHABET_FIXES)
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def _aad(register_id: str, slot_id: str, part: str) -> bytes:
    return f"hartdesk/{register_id}/{slot_id}/{part}".encode()


def _seal(register_id: str, slot_id: str, public_raw: bytes, data_key: bytes) -> dict[str, str]:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_raw))
    eph_pub = ephemeral.public_key().public_bytes_raw()
    wrap_key = _hkdf(shared, eph_pub + public_raw)
    nonce = secrets.token_bytes(12)
    ct = AESGCM(wrap_key).encrypt(nonce, data_key, _aad(register_id, slot_id, "sealed"))
    return {"ephemeral": _b64(eph_pub), "nonce": _b64(nonce), "ct": _b64(ct)}


def _hkdf(shared: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hartdesk-seal" + info).derive(shared)


@dataclass
class Slot:
    id: str
    kind: str
    lookup: str | None
    kdf_params: Argon2Params
    salt: bytes
    private_nonce: bytes
    private_ct: bytes
    public: bytes
    sealed: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "lookup": self.lookup,
            "kdf": {"alg": "argon2id", "salt": _b64(self.salt), **self.kdf_params.to_json()},
            "private": {"nonce": _b64(self.private_nonce), "ct": _b64(self.private_ct)},
            "public": _b64(self.public),
            "sealed": self.sealed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slot:
        kdf = data["kdf"]
        if kdf.get("alg") != "argon2id":
            raise ValueError("unknown KDF")
        return cls(
            id=str(data["id"]),
            kind=str(data["kind"]),
            lookup=data.get("lookup"),
            kdf_params=Argon2Params.from_json(kdf),
            salt=_unb64(kdf["salt"]),
            private_nonce=_unb64(data["private"]["nonce"]),
            private_ct=_unb64(data["private"]["ct"]),
            public=_unb64(data["public"]),
            sealed={k: str(data["sealed"][k]) for k in ("ephemeral", "nonce", "ct")},
        )


@dataclass
class KeyFile:
    register_id: str
    created_at: str
    lookup_salt: bytes
    slots: list[Slot] = field(default_factory=list)

    # -- persistence -------------------------------------------------------------------------------------------
    @classmethod
    def new(cls, created_at: str) -> KeyFile:
        return cls(register_id=str(uuid.uuid4()), created_at=created_at, lookup_salt=secrets.token_bytes(16))

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RegisterDamagedError(_DAMAGED) from exc
        return cls.from_json_text(text)

    @classmethod
    def from_json_text(cls, text: str) -> KeyFile:
        try:
            data = json.loads(text)
            if data.get("format") != KEYFILE_FORMAT:
                raise ValueError("not a key file")
            if int(data.get("version", 0)) > KEYFILE_VERSION:
                raise RegisterDamagedError(
                    "This register was made by a newer version of hartdesk. Please update hartdesk to open it."
                )
            return cls(
                register_id=str(uuid.UUID(data["register_id"])),
                created_at=str(data["created_at"]),
                lookup_salt=_unb64(data["lookup_salt"]),
                slots=[Slot.from_json(s) for s in data["slots"]],
            )
        except RegisterDamagedError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RegisterDamagedError(_DAMAGED) from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "format": KEYFILE_FORMAT,
            "version": KEYFILE_VERSION,
            "register_id": self.register_id,
            "created_at": self.created_at,
            "lookup_salt": _b64(self.lookup_salt),
            "slots": [s.to_json() for s in self.slots],
        }

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves either the old or the new file, never half of one."""
        write_atomically(path, json.dumps(self.to_json(), indent=2).encode("utf-8"))

    # -- slots -------------------------------------------------------------------------------------------------
    def lookup_for(self, username: str) -> str:
        digest = hmac.new(self.lookup_salt, username.strip().casefold().encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()

    def find_staff_slot(self, username: str) -> Slot | None:
        lookup = self.lookup_for(username)
        return next((s for s in self.slots if s.kind == STAFF and s.lookup == lookup), None)

    def recovery_slot(self) -> Slot:
        slot = next((s for s in self.slots if s.kind == RECOVERY), None)
        if slot is None:
            raise RegisterDamagedError("This register has no recovery slot.")
        return slot

    def add_slot(self, secret: str, data_key: bytes, username: str | None = None) -> Slot:
        """Create a slot unlocked by ``secret`` holding ``data_key``: the staff slot of ``username`` or, without a
        user name, the recovery slot. It replaces that person's (or the recovery) slot if there was one."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        slot_id = uuid.uuid4().hex
        params = current_params()
        salt = secrets.token_bytes(16)
        kek = derive_key(secret, salt, params)
        private = X25519PrivateKey.generate()
        public_raw = private.public_key().public_bytes_raw()
        nonce = secrets.token_bytes(12)
        private_ct = AESGCM(kek).encrypt(nonce, private.private_bytes_raw(), _aad(self.register_id, slot_id, "private"))
        lookup = self.lookup_for(username) if username is not None else None
        kind = RECOVERY if lookup is None else STAFF
        slot = Slot(
            id=slot_id,
            kind=kind,
            lookup=lookup,
            kdf_params=params,
            salt=salt,
            private_nonce=nonce,
            private_ct=private_ct,
            public=public_raw,
            sealed=_seal(self.register_id, slot_id, public_raw, data_key),
        )
        if kind == RECOVERY:
            self.slots = [s for s in self.slots if s.kind != RECOVERY]
        elif lookup is not None:
            self.slots = [s for s in self.slots if s.lookup != lookup]
        self.slots.append(slot)
        return slot

    def remove_slot(self, slot_id: str) -> None:
        self.slots = [s for s in self.slots if s.id != slot_id]

    def unlock(self, slot: Slot, secret: str) -> bytes:
        """Return the data key, or raise :class:`SignInError` if ``secret`` does not open ``slot``."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kek = derive_key(secret, slot.salt, slot.kdf_params)
        try:
            private_raw = AESGCM(kek).decrypt(
                slot.private_nonce, slot.private_ct, _aad(self.register_id, slot.id, "private")
            )
            private = X25519PrivateKey.from_private_bytes(private_raw)
            eph_pub = _unb64(slot.sealed["ephemeral"])
            shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
            wrap_key = _hkdf(shared, eph_pub + slot.public)
            return AESGCM(wrap_key).decrypt(
                _unb64(slot.sealed["nonce"]),
                _unb64(slot.sealed["ct"]),
                _aad(self.register_id, slot.id, "sealed"),
            )
        except InvalidTag as exc:
            raise SignInError("The user name or password is not correct.") from exc

    def reseal_all(self, data_key: bytes) -> None:
        """Seal a new data key to every slot (after a re-key)."""
        for slot in self.slots:
            slot.sealed = _seal(self.register_id, slot.id, slot.public, data_key)
