"""Files carried inside a PDF (embedded file attachments), such as the machine-readable copy of a data report.

reportlab cannot embed files, so the finished PDF goes through pikepdf (qpdf), as DESIGN.md ("PDF documents") asks.
A PDF reader lists them under Attachments; the person can save them from there. pikepdf also lists each one in the
catalog's ``/AF`` array, which is what PDF/A-3 and archiving tools look for.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pikepdf
from pikepdf.models.metadata import encode_pdf_date


def embed_files(pdf: bytes, files: list[tuple[str, bytes, str]]) -> bytes:
    """``pdf`` with every ``(filename, content, media type)`` attached; an existing attachment of the same name is
    replaced. The pages themselves are left as they were."""
    if not files:
        return pdf
    stamp = encode_pdf_date(datetime.now(UTC))
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as doc:
        for filename, content, media_type in files:
            doc.attachments[filename] = pikepdf.AttachedFileSpec(
                doc,
                content,
                description=filename,
                filename=filename,
                mime_type=media_type,
                creation_date=stamp,
                mod_date=stamp,
            )
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def attached_files(pdf: bytes) -> dict[str, bytes]:
    """The files attached to ``pdf``, by name (what a reader offers to save)."""
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as doc:
        return {name: spec.get_file().read_bytes() for name, spec in doc.attachments.items()}
