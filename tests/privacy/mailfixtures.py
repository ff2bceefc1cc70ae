"""Emails written by the tests themselves: .eml files built with the standard library, Outlook .msg files built with a
small Compound File writer, and the attachments they carry (a real PDF, real pictures, office files).

Nothing here is committed as a binary file, so every fixture can be read, changed and trusted.
"""

from __future__ import annotations

import email.policy
import io
import math
import struct
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr

MB = 1024 * 1024

# --------------------------------------------------------------------------------------------------------------
# Attachments


def make_pdf(text: str = "Proof of address for a subject access request") -> bytes:
    """A small real PDF (one page of text), rendered by reportlab."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def make_image(fmt: str, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real 4x4 picture in ``fmt`` (PNG, JPEG, GIF, TIFF, WEBP, BMP), written by Pillow (installed with reportlab)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buf, format=fmt)
    return buf.getvalue()


def make_png() -> bytes:
    return make_image("PNG")


def make_heic_header() -> bytes:
    """The start of a HEIC file (ISO-BMFF ``ftyp`` box with the ``heic`` brand): enough to be recognised as one."""
    brands = b"mif1heic"
    ftyp = struct.pack(">I4s4sI", 16 + len(brands), b"ftyp", b"heic", 0) + brands
    return ftyp + struct.pack(">I4s", 8 + 16, b"meta") + bytes(16)


def make_exe() -> bytes:
    """A Windows program's first bytes: DOS header (``MZ``), e_lfanew pointing at a ``PE`` signature."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(dos) + b"PE\x00\x00" + bytes(200)


def make_zip(entries: Sequence[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            zf.writestr(name, data, compress_type=kind)
    return buf.getvalue()


def make_docx() -> bytes:
    return make_zip(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
        ]
    )


def make_xlsx() -> bytes:
    return make_zip(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", b"<workbook/>"),
        ]
    )


def make_opendocument(mime: str) -> bytes:
    """ODF packages start with an uncompressed ``mimetype`` entry naming the kind of document."""
    return make_zip([("mimetype", mime.encode()), ("content.xml", b"<office:document-content/>")], stored_first=True)


def make_legacy_office(stream: str) -> bytes:
    """An Office 97-2003 file: a Compound File whose main stream is ``WordDocument`` (.doc) or ``Workbook`` (.xls)."""
    return write_compound_file({stream: b"\xec\xa5\xc1\x00" + bytes(5000), "\x05SummaryInformation": bytes(200)})


# --------------------------------------------------------------------------------------------------------------
# .eml


@dataclass
class Eml:
    sender_name: str = "Zoë Łukasiewicz-Öztürk"
    sender_email: str = "zoe.lukasiewicz@example.org"
    subject: str = "Subject access request – Zoë"
    date: str | None = "Tue, 03 Mar 2026 09:15:00 +0000"
    text: str | None = "Dear Sir or Madam,\n\nPlease send me a copy of all the data you hold about me.\n\nZoë\n"
    html: str | None = None
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (filename, "type/subtype", data)
    nested: list[EmailMessage] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)  # extra headers, e.g. ("Reply-To", "...")

    def message(self) -> EmailMessage:
        msg = EmailMessage(policy=email.policy.default)
        msg["From"] = Address(display_name=self.sender_name, addr_spec=self.sender_email)
        msg["To"] = "privacy@pemberton-quill.example"
        msg["Subject"] = self.subject
        if self.date is not None:
            msg["Date"] = self.date
        msg["Message-ID"] = "<request-1@example.org>"
        for name, value in self.headers:
            msg[name] = value
        if self.text is not None:
            msg.set_content(self.text, cte="quoted-printable")
            if self.html is not None:
                msg.add_alternative(self.html, subtype="html")
        elif self.html is not None:
            msg.set_content(self.html, subtype="html")
        for filename, mime, data in self.attachments:
            maintype, subtype = mime.split("/")
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        for inner in self.nested:
            msg.add_attachment(inner)
        return msg

    def build(self) -> bytes:
        return self.message().as_bytes(policy=email.policy.SMTP)


def add_raw_headers(eml: bytes, lines: Iterable[bytes]) -> bytes:
    """Put header lines the standard library would refuse to write (a second From...) at the top of a message."""
    return b"".join(line.rstrip(b"\r\n") + b"\r\n" for line in lines) + eml


def raw_eml(*headers: bytes, body: bytes = b"Please send me my data.\r\n") -> bytes:
    """A message written byte by byte, for the malformed ones no library would write. ``headers`` replace the
    default From and Date lines of the same name."""
    given = {line.split(b":")[0].lower() for line in headers}
    defaults = [b"From: Zoe <zoe@example.org>", b"Date: Tue, 03 Mar 2026 09:15:00 +0000", b"MIME-Version: 1.0"]
    base = [line for line in defaults if line.split(b":")[0].lower() not in given]
    return b"".join(line + b"\r\n" for line in [*base, *headers]) + b"\r\n" + body


# --------------------------------------------------------------------------------------------------------------
# Compound File Binary (MS-CFB), version 3: 512-byte sectors, 64-byte mini sectors, streams under 4096 bytes in the
# mini stream. A tree is a dict: name -> bytes (a stream) or name -> dict (a storage).

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, DIFSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
NOSTREAM = 0xFFFFFFFF
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
Tree = Mapping[str, "bytes | Tree"]


@dataclass
class _Entry:
    name: str
    kind: int  # §2.6.1 Object Type: 1 storage, 2 stream, 5 root storage
    data: bytes = b""
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    black: bool = True
    start: int = ENDOFCHAIN
    size: int = 0


def _order(name: str) -> tuple[int, str]:
    """§2.6.4: siblings compare by name length first, then by the upper-cased names."""
    return len(name.encode("utf-16-le")), name.upper()


def _sectors(n_bytes: int, size: int) -> int:
    return math.ceil(n_bytes / size)


def write_compound_file(tree: Tree) -> bytes:
    entries = [_Entry("Root Entry", 5)]

    def add_children(parent: int, children: Tree) -> None:
        ids = []
        for name in sorted(children, key=_order):
            value = children[name]
            entries.append(_Entry(name, 2, value) if isinstance(value, bytes) else _Entry(name, 1))
            ids.append(len(entries) - 1)
            if not isinstance(value, bytes):
                add_children(ids[-1], value)
        n = len(ids)
        red_level = n.bit_length() - 1 if n & (n + 1) else -1  # a perfect tree (n = 2^k - 1) has no red level
        entries[parent].child = _balanced(ids, 0, red_level)

    def _balanced(ids: list[int], depth: int, red_level: int) -> int:
        """§2.6.4 red-black tree: a balanced tree built from the sorted siblings. Its leaves are all on the last two
        levels; colouring the incomplete last level red and every other node black gives every path from the top
        the same number of black nodes, and no red node a red child."""
        if not ids:
            return NOSTREAM
        mid = len(ids) // 2
        node = entries[ids[mid]]
        node.left = _balanced(ids[:mid], depth + 1, red_level)
        node.right = _balanced(ids[mid + 1 :], depth + 1, red_level)
        node.black = depth != red_level
        return ids[mid]

    add_children(0, tree)

    # §2.4 mini stream and mini FAT: small streams live in 64-byte mini sectors inside the root entry's stream.
    mini_stream, mini_fat = bytearray(), []
    big: list[_Entry] = []
    for entry in entries[1:]:
        if entry.kind != 2 or not entry.data:
            continue
        if len(entry.data) < MINI_CUTOFF:
            n = _sectors(len(entry.data), MINI_SECTOR)
            entry.start, entry.size = len(mini_fat), len(entry.data)
            mini_fat.extend(range(entry.start + 1, entry.start + n))
            mini_fat.append(ENDOFCHAIN)
            mini_stream += entry.data.ljust(n * MINI_SECTOR, b"\0")
        else:
            big.append(entry)

    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _unused_dir_entry() * (-len(entries) % (SECTOR // 128))
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat) if mini_fat else b""
    mini_fat_bytes = mini_fat_bytes.ljust(_sectors(len(mini_fat_bytes), SECTOR) * SECTOR, b"\xff")

    # Regular sectors, in order: FAT, DIFAT, directory, mini FAT, mini stream, then each big stream.
    chunks: list[tuple[str, bytes]] = [("dir", directory), ("minifat", mini_fat_bytes), ("mini", bytes(mini_stream))]
    chunks += [(f"big{i}", e.data) for i, e in enumerate(big)]
    content = sum(_sectors(len(data), SECTOR) for _, data in chunks)
    n_fat = 1
    while True:  # §2.3: the FAT must describe every sector, its own sectors and the DIFAT's included
        n_difat = max(0, math.ceil((n_fat - 109) / 127))
        if n_fat * (SECTOR // 4) >= n_fat + n_difat + content:
            break
        n_fat += 1

    fat = [FATSECT] * n_fat + [DIFSECT] * n_difat
    starts: dict[str, int] = {}
    body = bytearray()
    for key, data in chunks:
        n = _sectors(len(data), SECTOR)
        if n == 0:
            starts[key] = ENDOFCHAIN
            continue
        starts[key] = len(fat)
        fat.extend(range(len(fat) + 1, len(fat) + n))
        fat.append(ENDOFCHAIN)
        body += data.ljust(n * SECTOR, b"\0")
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))

    # The directory was packed before sector numbers were known: patch the start sectors in.
    entries[0].start, entries[0].size = starts["mini"], len(mini_stream)
    for i, entry in enumerate(big):
        entry.start, entry.size = starts[f"big{i}"], len(entry.data)
    directory = b"".join(_dir_entry(e) for e in entries) + directory[len(entries) * 128 :]
    body[0 : len(directory)] = directory

    fat_ids = list(range(n_fat))
    difat_sectors = b""
    for d in range(n_difat):  # §2.5: each DIFAT sector lists 127 FAT sectors, then the next DIFAT sector
        ids = fat_ids[109 + d * 127 : 109 + (d + 1) * 127]
        ids += [FREESECT] * (127 - len(ids))
        nxt = n_fat + d + 1 if d + 1 < n_difat else ENDOFCHAIN
        difat_sectors += struct.pack("<128I", *ids, nxt)

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",  # §2.2 Compound File Header
        OLE_SIGNATURE,
        bytes(16),  # header CLSID
        0x003E,  # minor version
        0x0003,  # major version 3
        0xFFFE,  # byte order: little-endian
        9,  # sector shift: 512-byte sectors
        6,  # mini sector shift: 64-byte mini sectors
        bytes(6),
        0,  # number of directory sectors (always 0 in version 3)
        n_fat,
        starts["dir"],
        0,  # transaction signature
        MINI_CUTOFF,
        starts["minifat"],
        len(mini_fat_bytes) // SECTOR,
        n_fat if n_difat else ENDOFCHAIN,  # first DIFAT sector
        n_difat,
    )
    difat_head = fat_ids[:109] + [FREESECT] * (109 - min(109, n_fat))
    header += struct.pack("<109I", *difat_head)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + fat_bytes + difat_sectors + bytes(body)


def _dir_entry(e: _Entry) -> bytes:
    """§2.6.1 Compound File Directory Entry, 128 bytes."""
    name = e.name.encode("utf-16-le")
    assert len(name) <= 62, e.name
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name) + 2,  # name length in bytes, terminating NUL included
        e.kind,
        1 if e.black else 0,
        e.left,
        e.right,
        e.child,
        bytes(16),  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modified time
        e.start if e.kind != 1 else 0,
        e.size,
    )


def _unused_dir_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0)


# --------------------------------------------------------------------------------------------------------------
# Outlook .msg (MS-OXMSG) on top of the Compound File writer.

PT_LONG, PT_SYSTIME = 0x0003, 0x0040
ATTACH_BY_VALUE, ATTACH_EMBEDDED_MSG = 1, 5


def _unicode(value: str) -> bytes:
    return value.encode("utf-16-le")


def _filetime(when: datetime) -> int:
    """100-nanosecond intervals since 1601-01-01 UTC."""
    return int((when - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def _properties(header: bytes, fixed: Sequence[tuple[int, int, int]]) -> bytes:
    """MS-OXMSG §2.4: a header, then 16 bytes per fixed-size property: tag (type | id << 16), flags, 8-byte value."""
    out = header
    for prop_id, prop_type, value in fixed:
        out += struct.pack("<IIQ", prop_type | prop_id << 16, 0x6, value)  # flags: readable | writable
    return out


@dataclass
class Msg:
    sender_name: str = "Søren Ærø"
    sender_email: str = "soren.aero@example.dk"
    subject: str = "Anmodning om indsigt – Søren Ærø"
    sent: datetime | None = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    transport_date: str | None = "Wed, 04 Mar 2026 10:30:00 +0000"  # the Date line of the transport headers
    body: str | None = "Hello,\r\nPlease tell me what personal data you hold about me.\r\nSøren\r\n"
    html: str | None = None
    extra_headers: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    nested: list[Msg] = field(default_factory=list)

    def tree(self, *, embedded: bool = False) -> dict[str, bytes | dict]:
        fixed = [(0x0E07, PT_LONG, 0x1)]  # PR_MESSAGE_FLAGS: read (and sent: no MSGFLAG_UNSENT)
        fixed.append((0x340D, PT_LONG, 0x00040000))  # PR_STORE_SUPPORT_MASK: STORE_UNICODE_OK, strings are UTF-16
        if self.sent is not None:
            fixed.append((0x0039, PT_SYSTIME, _filetime(self.sent)))  # PR_CLIENT_SUBMIT_TIME
        n_att = len(self.attachments) + len(self.nested)
        # Top-level header: 8 reserved, next recipient id, next attachment id, recipient count, attachment count,
        # and 8 more reserved bytes; an embedded message's header lacks the last 8.
        header = struct.pack("<8sIIII", bytes(8), 1, n_att, 1, n_att) + (b"" if embedded else bytes(8))
        tree: dict[str, bytes | dict] = {
            "__properties_version1.0": _properties(header, fixed),
            "__substg1.0_001A001F": _unicode("IPM.Note"),  # PR_MESSAGE_CLASS
            "__substg1.0_0037001F": _unicode(self.subject),  # PR_SUBJECT
            "__substg1.0_0C1A001F": _unicode(self.sender_name),  # PR_SENDER_NAME
            "__substg1.0_0C1F001F": _unicode(self.sender_email),  # PR_SENDER_EMAIL_ADDRESS
            "__substg1.0_0C1E001F": _unicode("SMTP"),  # PR_SENDER_ADDRTYPE
            "__recip_version1.0_#00000000": {
                "__properties_version1.0": _properties(bytes(8), [(0x0C15, PT_LONG, 1)]),  # PR_RECIPIENT_TYPE: To
                "__substg1.0_3001001F": _unicode("Pemberton Quill Privacy"),  # PR_DISPLAY_NAME
                "__substg1.0_3003001F": _unicode("privacy@pemberton-quill.example"),  # PR_EMAIL_ADDRESS
            },
        }
        if not embedded:
            # Named properties (MS-OXMSG §2.2.3): extract-msg needs the storage even when it is empty.
            tree["__nameid_version1.0"] = {
                "__substg1.0_00020102": b"",
                "__substg1.0_00030102": b"",
                "__substg1.0_00040102": b"",
            }
        if self.body is not None:
            tree["__substg1.0_1000001F"] = _unicode(self.body)  # PR_BODY
        if self.html is not None:
            tree["__substg1.0_10130102"] = self.html.encode("utf-8")  # PR_HTML (binary)
        if self.transport_date is not None or self.extra_headers:
            lines = [
                "Received: from mail.example.dk by mx.pemberton-quill.example; Wed, 4 Mar 2026 10:30:05 +0000",
                f"From: {formataddr((self.sender_name, self.sender_email))}",  # RFC 2047-encoded display name
                "To: privacy@pemberton-quill.example",
            ]
            if self.transport_date is not None:
                lines.append(f"Date: {self.transport_date}")
            lines.append("Subject: request")
            headers = "\r\n".join(lines) + "\r\n" + self.extra_headers + "\r\n"
            tree["__substg1.0_007D001F"] = _unicode(headers)  # PR_TRANSPORT_MESSAGE_HEADERS
        index = 0
        for filename, data in self.attachments:
            tree[f"__attach_version1.0_#{index:08X}"] = {
                "__properties_version1.0": _properties(
                    bytes(8), [(0x3705, PT_LONG, ATTACH_BY_VALUE), (0x0E21, PT_LONG, index)]
                ),  # PR_ATTACH_METHOD, PR_ATTACH_NUM
                "__substg1.0_3707001F": _unicode(filename),  # PR_ATTACH_LONG_FILENAME
                "__substg1.0_3704001F": _unicode(filename[:12]),  # PR_ATTACH_FILENAME (8.3)
                "__substg1.0_37010102": data,  # PR_ATTACH_DATA_BIN
            }
            index += 1
        for inner in self.nested:
            tree[f"__attach_version1.0_#{index:08X}"] = {
                "__properties_version1.0": _properties(
                    bytes(8), [(0x3705, PT_LONG, ATTACH_EMBEDDED_MSG), (0x0E21, PT_LONG, index)]
                ),
                "__substg1.0_3001001F": _unicode(inner.subject),  # PR_DISPLAY_NAME
                "__substg1.0_3701000D": inner.tree(embedded=True),  # PR_ATTACH_DATA_OBJ: the message itself
            }
            index += 1
        return tree

    def build(self) -> bytes:
        return write_compound_file(self.tree())
