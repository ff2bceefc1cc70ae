"""Reading a SQLCipher 4 register file ourselves, page by page, with only the raw 256-bit data key.

A test that wants to prove something is *gone from the file* cannot ask SQLCipher: SQLite only shows live rows,
never free pages, old WAL frames or the unused tail of a page. So this decrypts every page with ``cryptography``.

The layout (SQLCipher 4 defaults, as hartdesk's registers use them: ``PRAGMA cipher_page_size`` = 4096,
``cipher_hmac_algorithm`` = HMAC_SHA512, ``cipher_plaintext_header_size`` = 0; see SQLCipher's "Design" page):

- every page is 4096 bytes and ends in an 80-byte reserve: a 16-byte IV, then a 64-byte HMAC-SHA512;
- the rest of the page is AES-256-CBC ciphertext without padding, under the raw key itself (a raw key
  ``x'<64 hex>'`` skips PBKDF2 for the encryption key);
- page 1 begins with the file's 16-byte random salt (where SQLite's "SQLite format 3" would be): its ciphertext
  starts at offset 16;
- the HMAC covers ciphertext + IV + the page number (4 bytes, little-endian), keyed with
  PBKDF2-HMAC-SHA512(raw key, salt XOR 0x3a, 2 iterations, 32 bytes). Checking it proves the decryption is right.

A WAL file (``register.db-wal``) is a 32-byte header, then frames of a 24-byte frame header (page number first,
big-endian) and one page encrypted the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
IV_SIZE = 16
HMAC_SIZE = 64
RESERVE = IV_SIZE + HMAC_SIZE  # 80
SALT_SIZE = 16
SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_HEADER = 32
WAL_FRAME_HEADER = 24
HMAC_SALT_MASK = 0x3A
HMAC_KDF_ITERATIONS = 2


class PageError(Exception):
    """A page that does not authenticate under the key: the file or the key is not what the caller thinks."""


def _hmac_key(key: bytes, salt: bytes) -> bytes:
    hmac_salt = bytes(b ^ HMAC_SALT_MASK for b in salt)
    return hashlib.pbkdf2_hmac("sha512", key, hmac_salt, HMAC_KDF_ITERATIONS, dklen=len(key))


def decrypt_page(page: bytes, page_number: int, key: bytes, hmac_key: bytes | None) -> bytes:
    """One page in plain text. Page 1 gets SQLite's magic string back where the salt was, so the pages put together
    make a file SQLite itself can open. With ``hmac_key``, a page whose HMAC does not hold raises :class:`PageError`.
    """
    if len(key) != 32:
        raise ValueError("the raw SQLCipher key is 32 bytes")
    if len(page) != PAGE_SIZE:
        raise PageError(f"page {page_number} is {len(page)} bytes, not {PAGE_SIZE}")
    start = SALT_SIZE if page_number == 1 else 0
    end = PAGE_SIZE - RESERVE
    ciphertext = page[start:end]
    iv = page[end : end + IV_SIZE]
    mac = page[end + IV_SIZE :]
    if hmac_key is not None:
        expected = hmac.new(hmac_key, ciphertext + iv + struct.pack("<I", page_number), hashlib.sha512).digest()
        if not hmac.compare_digest(expected, mac):
            raise PageError(f"page {page_number} does not authenticate under this key")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(ciphertext) + decryptor.finalize()
    head = SQLITE_MAGIC if page_number == 1 else b""
    return head + plain + bytes(RESERVE)


def file_salt(db_path: Path) -> bytes:
    """The salt at the start of the database file (page 1)."""
    with db_path.open("rb") as f:
        salt = f.read(SALT_SIZE)
    if len(salt) != SALT_SIZE:
        raise PageError(f"{db_path.name} is too short to be a SQLCipher file")
    return salt


def plaintext_pages(db_path: Path, key: bytes, *, check_hmac: bool = True) -> bytes:
    """Every page of the database file decrypted, in order, free pages included."""
    data = Path(db_path).read_bytes()
    if len(data) % PAGE_SIZE:
        raise PageError(f"{Path(db_path).name} is {len(data)} bytes, not a whole number of {PAGE_SIZE}-byte pages")
    hmac_key = _hmac_key(key, data[:SALT_SIZE]) if check_hmac else None
    return b"".join(
        decrypt_page(data[offset : offset + PAGE_SIZE], offset // PAGE_SIZE + 1, key, hmac_key)
        for offset in range(0, len(data), PAGE_SIZE)
    )


def wal_frames(wal_path: Path, key: bytes, *, salt: bytes | None = None) -> list[tuple[int, bytes]]:
    """The WAL's frames as (page number, decrypted page), old and new, committed or not. The HMACs are checked when
    the database's ``salt`` is known (by default it is read from the database file beside the WAL)."""
    wal_path = Path(wal_path)
    if salt is None:
        db_path = wal_path.with_name(wal_path.name.removesuffix("-wal"))
        salt = file_salt(db_path) if db_path != wal_path and db_path.is_file() else None
    hmac_key = _hmac_key(key, salt) if salt is not None else None
    data = wal_path.read_bytes()
    if not data:
        return []
    if len(data) < WAL_HEADER:
        raise PageError(f"{wal_path.name} is too short for a WAL header")
    (page_size,) = struct.unpack(">I", data[8:12])
    if page_size != PAGE_SIZE:
        raise PageError(f"{wal_path.name} says its pages are {page_size} bytes, not {PAGE_SIZE}")
    frames = []
    frame_size = WAL_FRAME_HEADER + PAGE_SIZE
    for offset in range(WAL_HEADER, len(data) - frame_size + 1, frame_size):
        (page_number,) = struct.unpack(">I", data[offset : offset + 4])
        page = data[offset + WAL_FRAME_HEADER : offset + frame_size]
        frames.append((page_number, decrypt_page(page, page_number, key, hmac_key)))
    return frames


def plaintext_wal(wal_path: Path, key: bytes, *, salt: bytes | None = None) -> bytes:
    """Every frame of the WAL decrypted and concatenated (empty for an empty or truncated WAL)."""
    return b"".join(page for _, page in wal_frames(wal_path, key, salt=salt))


def plaintext_register(register_dir: Path, key: bytes) -> bytes:
    """register.db and (if there is one) its WAL, decrypted: every byte a search for leftovers must look through."""
    db_path = Path(register_dir) / "register.db"
    wal_path = Path(register_dir) / "register.db-wal"
    found = plaintext_pages(db_path, key)
    if wal_path.is_file():
        found += plaintext_wal(wal_path, key)
    return found
