"""Checking a file before hartdesk keeps it with a privacy request.

The content decides what a file is, never its name: a program renamed ``invoice.pdf`` must not reach a clerk who
will double-click it. hartdesk keeps what a request needs — PDFs, pictures, emails, text and office documents — and
refuses the rest with a sentence saying what it keeps. A name whose extension claims one kind while the content is
another is refused too, because the file would open in the wrong program (or in the right one for an attacker).
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import io
import logging
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

import filetype

from hartdesk.errors import ValidationError

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024  # the limit: 25 MB each
MAX_NAME_CHARS = 200
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # MS-CFB §2.2: every Compound File (.msg, .doc, .xls) starts so

KEPT = (
    "PDFs, pictures (PNG, JPEG, GIF, TIFF, WEBP, BMP, HEIC), emails (.eml, .msg), text files (.txt, .csv) "
    "and office documents (Word, Excel, OpenDocument)"
)

PDF = "application/pdf"
EML = "message/rfc822"
MSG = "application/vnd.ms-outlook"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"

# extract-msg (and RTFDE, which it uses for RTF bodies) log fragments of the files they read; hartdesk's log must never
# hold personal data, so their records are dropped. hartdesk reports every problem as a ValidationError or a warning.
for _name in ("extract_msg", "RTFDE"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)


@dataclass(frozen=True)
class CheckedFile:
    filename: str  # safe display name: no path parts, no control characters, at most 200 characters
    media_type: str  # decided from the content
    content: bytes


@dataclass(frozen=True)
class _Kind:
    """What a content is; ``family`` groups the kinds a name may claim ("image", "email"...), "" when refused."""

    media_type: str
    what: str  # as in "its content is <what>": "a PDF", "an image (PNG)", "a Windows program"
    family: str = ""


@dataclass(frozen=True)
class _Claim:
    """What a file name's extension promises."""

    family: str
    noun: str  # as in "'x.pdf' is not <noun>"


_CLAIMS: dict[str, _Claim] = {
    "pdf": _Claim("pdf", "a PDF"),
    **{ext: _Claim("image", "a PNG image") for ext in ("png",)},
    **{ext: _Claim("image", "a JPEG image") for ext in ("jpg", "jpeg", "jpe", "jfif")},
    "gif": _Claim("image", "a GIF image"),
    **{ext: _Claim("image", "a TIFF image") for ext in ("tif", "tiff")},
    "webp": _Claim("image", "a WEBP image"),
    "bmp": _Claim("image", "a BMP image"),
    **{ext: _Claim("image", "a HEIC image") for ext in ("heic", "heif")},
    "eml": _Claim("email", "an email"),
    "msg": _Claim("email", "an Outlook email"),
    **{ext: _Claim("text", "a text file") for ext in ("txt", "text")},
    "csv": _Claim("text", "a CSV file"),
    **{ext: _Claim("document", "a Word document") for ext in ("doc", "docx")},
    "odt": _Claim("document", "an OpenDocument text"),
    **{ext: _Claim("spreadsheet", "an Excel spreadsheet") for ext in ("xls", "xlsx")},
    "ods": _Claim("spreadsheet", "an OpenDocument spreadsheet"),
}
_TEXT_EXTENSIONS = {ext for ext, claim in _CLAIMS.items() if claim.family == "text"}

# Names that Windows (or a browser, or a shell) would run, whatever the content: refused even when the content is
# harmless, so hartdesk never saves a file that runs when opened.
_RUNNABLE_EXTENSIONS = frozenset(
    {
        *("exe", "com", "scr", "pif", "dll", "cpl", "msi", "msp", "jar", "app", "apk", "deb", "rpm", "iso", "img"),
        *("bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsh", "hta", "lnk", "url", "reg"),
        *("inf", "sh", "bash", "zsh", "py", "pyw", "pl", "rb", "php", "chm", "vhd"),
        *("html", "htm", "xhtml", "shtml", "svg", "mht", "mhtml", "xml", "xsl"),  # web pages run scripts
        *("docm", "dotm", "xlsm", "xltm", "pptm"),  # Office files with macros
    }
)

_IMAGES = {
    "image/png": "PNG",
    "image/apng": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
    "image/heic": "HEIC",
}
_PROGRAMS = {
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a Linux program",
    "application/wasm": "a program (WebAssembly)",
    "application/x-shockwave-flash": "a Flash program",
    "application/x-google-chrome-extension": "a browser extension",
}
_ARCHIVES = frozenset({"zip", "tar", "rar", "gz", "bz2", "7z", "xz", "zst", "lz", "lz4", "lzo", "br", "z", "cab"})
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_UNKNOWN = _Kind("application/octet-stream", "a file of an unknown kind")
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")  # tab, line breaks, form feed and ^Z are text
_HEADER_LINE = re.compile(rb"(?:[!-9;-~]+[ \t]*:|From )")
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*]')
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


def check_attachment(filename: str, content: bytes) -> CheckedFile:
    """The file as hartdesk will keep it, or a :class:`ValidationError` saying why it will not."""
    name = safe_filename(filename)
    try:
        return _check(name, bytes(content))
    except ValidationError:
        raise
    except Exception as exc:  # a file that breaks a sniffer is not one to keep
        raise ValidationError(f"'{name}' could not be checked, so hartdesk will not keep it.") from exc


def safe_filename(filename: str, default: str = "attachment") -> str:
    """A name safe to show and to save: the last path part only, no control or direction-changing characters, none
    of the characters Windows refuses, at most 200 characters with the extension kept."""
    name = unicodedata.normalize("NFC", str(filename))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(". ")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.lower() in _WINDOWS_DEVICES:
        name = f"_{name}"
    if len(name) > MAX_NAME_CHARS:
        suffix = f".{ext}" if dot and len(ext) <= 16 else ""
        name = name[: MAX_NAME_CHARS - len(suffix)].rstrip(". ") + suffix
    return name


def describe_size(n: int) -> str:
    """Sizes as a clerk reads them: "812 bytes", "812 KB", "52.4 MB" (1 MB = 1024 x 1024 bytes, so the 25 MB limit
    reads "25 MB"). Rounded up, so a file just over a limit never reads as the limit itself."""
    if n < 1024:
        return f"{n} byte{'' if n == 1 else 's'}"
    kb = math.ceil(n / 1024)
    if kb < 1024:
        return f"{kb} KB"
    for unit, scale in (("MB", 1024**2), ("GB", 1024**3)):
        value = math.ceil(n * 10 / scale) / 10
        if value < 1024 or unit == "GB":
            return f"{value:.1f}".removesuffix(".0") + f" {unit}"
    raise AssertionError("unreachable")


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _check(name: str, content: bytes) -> CheckedFile:
    size = len(content)
    if size == 0:
        raise ValidationError(f"'{name}' is empty.")
    if size > MAX_ATTACHMENT_BYTES:
        limit = describe_size(MAX_ATTACHMENT_BYTES)
        raise ValidationError(f"'{name}' is {describe_size(size)}; hartdesk keeps attachments up to {limit}.")
    ext = extension(name)
    if ext in _RUNNABLE_EXTENSIONS:
        raise ValidationError(f"'{name}' has the name of a program or script; hartdesk keeps only {KEPT}.")
    kind = _sniff(content, ext)
    claim = _CLAIMS.get(ext)
    if claim is not None and claim.family != kind.family:
        raise ValidationError(f"'{name}' is not {claim.noun}: its content is {kind.what}.")
    if not kind.family:
        raise ValidationError(f"'{name}' is {kind.what}; hartdesk keeps only {KEPT}.")
    return CheckedFile(filename=name, media_type=kind.media_type, content=content)


def _sniff(content: bytes, ext: str) -> _Kind:
    if content.startswith(OLE_SIGNATURE):
        return _compound_file_kind(content)
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if content.startswith(_MACH_O):
        return _Kind("application/x-mach-binary", "a Mac program")
    guessed = _guess(content)
    if guessed is not None:
        return guessed
    if content.startswith(b"#!"):
        return _Kind("text/x-script", "a script")
    if ext in _TEXT_EXTENSIONS and _is_text(content):
        return _Kind(TEXT, "a text file", "text")
    if looks_like_email(content):
        return _Kind(EML, "an email", "email")
    if _is_text(content):
        return _Kind(TEXT, "a text file", "text")
    return _UNKNOWN


def _guess(content: bytes) -> _Kind | None:
    """filetype's verdict, checked where its signature is too short to trust (``BM`` for BMP, ``MZ`` for programs
    also begin ordinary text)."""
    match: Any = filetype.guess(content)
    if match is None:
        return None
    mime, ext = str(match.mime), str(match.extension)
    if mime in ("image/bmp", "application/x-msdownload") and _is_text(content[:8192]):
        return None
    if mime == "image/bmp" and not _is_bmp(content):
        return None
    if mime in _IMAGES:
        return _Kind("image/png" if mime == "image/apng" else mime, f"an image ({_IMAGES[mime]})", "image")
    if mime == PDF:
        return _Kind(PDF, "a PDF", "pdf")
    if mime in _PROGRAMS:
        return _Kind(mime, _PROGRAMS[mime])
    top = mime.split("/")[0]
    if top == "image":
        return _Kind(mime, f"an image ({ext.upper()})")
    if top == "audio":
        return _Kind(mime, f"a sound recording ({ext.upper()})")
    if top == "video":
        return _Kind(mime, f"a video ({ext.upper()})")
    if top == "font" or mime == "application/vnd.ms-fontobject":
        return _Kind(mime, "a font")
    if ext in _ARCHIVES:
        return _Kind(mime, f"an archive ({ext.upper()})")
    return _Kind(mime, f"a file of a kind hartdesk does not keep ({ext.upper()})")


def _is_bmp(content: bytes) -> bool:
    """A BMP's info header (after the 14-byte file header) starts with its own size, one of a few known values."""
    return len(content) >= 18 and int.from_bytes(content[14:18], "little") in {12, 16, 40, 52, 56, 64, 108, 124}


def _is_text(content: bytes) -> bool:
    """Plain text: no control characters but tab, line breaks, form feed and ^Z; UTF-8 (BOM allowed) or Windows-1252."""
    if _BINARY_BYTES.search(content):
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def looks_like_email(content: bytes) -> bool:
    """RFC 5322: header lines first, among them a From, Date or Subject."""
    head = content[: 256 * 1024]
    ends = [i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0]
    if ends:
        head = head[: min(ends)]
    if not _HEADER_LINE.match(head):
        return False
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    return bool({key.lower() for key in headers} & {"from", "date", "subject"})


def _zip_kind(content: bytes) -> _Kind:
    """Office Open XML and OpenDocument files are ZIP packages; which one it is shows in the entries' names."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
            mimetype = b""
            if "mimetype" in names and package.getinfo("mimetype").file_size < 200:
                mimetype = package.read("mimetype").strip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return _Kind("application/zip", "a damaged ZIP archive")
    if "word/document.xml" in names:
        return _Kind(DOCX, "a Word document", "document")
    if "xl/workbook.xml" in names:
        return _Kind(XLSX, "an Excel spreadsheet", "spreadsheet")
    if mimetype == ODT.encode():
        return _Kind(ODT, "an OpenDocument text", "document")
    if mimetype == ODS.encode():
        return _Kind(ODS, "an OpenDocument spreadsheet", "spreadsheet")
    if "ppt/presentation.xml" in names or mimetype.startswith(b"application/vnd.oasis.opendocument.presentation"):
        return _Kind("application/vnd.ms-powerpoint", "a presentation (PowerPoint)")
    return _Kind("application/zip", "a ZIP archive")


def _compound_file_kind(content: bytes) -> _Kind:
    """Outlook messages, Word 97 and Excel 97 files are all Compound Files; their streams tell them apart."""
    import olefile  # type: ignore[import-untyped]  # extract-msg's own Compound File reader

    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            names = {"/".join(parts).lower() for parts in ole.listdir(streams=True, storages=True)}
    except Exception:
        return _Kind("application/x-ole-storage", "a damaged Office or Outlook file")
    if names & {"__substg1.0_001a001f", "__substg1.0_001a001e"}:
        if opens_as_outlook_message(content):
            return _Kind(MSG, "an Outlook email", "email")
        return _Kind(MSG, "a damaged Outlook email")
    if "worddocument" in names:
        return _Kind(DOC, "a Word document", "document")
    if names & {"workbook", "book"}:
        return _Kind(XLS, "an Excel spreadsheet", "spreadsheet")
    if "powerpoint document" in names:
        return _Kind("application/vnd.ms-powerpoint", "a presentation (PowerPoint)")
    return _Kind("application/x-ole-storage", "an Office file of an unknown kind")


def opens_as_outlook_message(content: bytes) -> bool:
    """extract-msg can open it as an Outlook item (its attachments are not opened: nesting stays shallow). The options
    are those :mod:`hartdesk.privacy.mail` reads with, so a message it reads passes this check."""
    import extract_msg
    from extract_msg.enums import ErrorBehavior

    try:
        msg = extract_msg.openMsg(
            io.BytesIO(content), delayAttachments=True, strict=False, errorBehavior=ErrorBehavior.SUPPRESS_ALL
        )
    except Exception:
        return False
    with contextlib.suppress(Exception):
        msg.close()
    return True
