"""Delivering a document: AES-256 encryption that real readers accept, an .eml draft a mail program opens, and
sending through a real SMTP server (aiosmtpd on 127.0.0.1) with each way it can fail worded for a clerk."""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import ipaddress
import os
import re
import shutil
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import keyring.backend
import keyring.errors
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from hartdesk.documents import delivery
from hartdesk.errors import ValidationError
from hartdesk.security import keyrings, smtp_secret
from tests.keyrings import MemoryKeyring
from tests.smtp_server import PASSWORD, USER, Certificate, start_server

__all__ = ["start_server"]  # the real local SMTP server fixture

SECRET_LINE = "Everything we hold about Zoe Lukasiewicz-Ozturk"  # the standard fonts have no Ł
TO = "zoe@lukasiewicz.example"
SENDER = "Pemberton Quill Hosting <privacy@pemberton.example>"
SUBJECT = "Your data report (R-2026-0001)"


def _pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for n in range(1, pages + 1):
        c.drawString(72, 760, f"{SECRET_LINE} - page {n}")
        c.showPage()
    c.save()
    return out.getvalue()


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _qpdf() -> str:
    found = shutil.which("qpdf")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("qpdf is needed (Debian package qpdf)")
        pytest.skip("qpdf is not installed")
    return found


# -- the password and the encryption ------------------------------------------------------------------------------


def test_pdf_passwords_are_four_groups_easy_to_read_out_with_80_bits() -> None:
    passwords = {delivery.new_pdf_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", password)
        assert not set(password) & set("0O1I")  # nothing a clerk could read out as something else
    assert len(delivery.PASSWORD_ALPHABET) ** (delivery.PASSWORD_GROUPS * delivery.PASSWORD_GROUP_LENGTH) >= 2**80
    assert len(set(delivery.PASSWORD_ALPHABET)) == len(delivery.PASSWORD_ALPHABET)


def test_an_encrypted_pdf_reads_only_with_its_password() -> None:
    password = delivery.new_pdf_password()
    encrypted = delivery.encrypt_pdf(_pdf(), password)
    assert SECRET_LINE.encode() not in encrypted

    reader = PdfReader(io.BytesIO(encrypted))
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        _text(reader)
    assert not reader.decrypt("wrong")
    with pytest.raises(FileNotDecryptedError):
        _text(reader)

    reader = PdfReader(io.BytesIO(encrypted))
    assert reader.decrypt(password)
    assert len(reader.pages) == 2
    assert f"{SECRET_LINE} - page 2" in _text(reader)


def test_qpdf_reports_aes_256_revision_6_and_a_sound_file(tmp_path: Path) -> None:
    qpdf = _qpdf()
    password = delivery.new_pdf_password()
    target = tmp_path / "report.pdf"
    target.write_bytes(delivery.encrypt_pdf(_pdf(), password))
    shown = subprocess.run(
        [qpdf, "--show-encryption", f"--password={password}", str(target)], capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert "R = 6" in shown.stdout
    assert "stream encryption method: AESv3" in shown.stdout  # qpdf's name for AES-256
    checked = subprocess.run([qpdf, "--check", f"--password={password}", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    wrong = subprocess.run([qpdf, "--check", "--password=wrong", str(target)], capture_output=True, text=True)
    assert wrong.returncode != 0
    assert "invalid password" in wrong.stderr


def test_each_encryption_has_its_own_random_owner_password() -> None:
    pdf = _pdf(1)
    assert delivery.encrypt_pdf(pdf, "SAME-SAME-SAME-SAME") != delivery.encrypt_pdf(pdf, "SAME-SAME-SAME-SAME")


def test_encryption_refuses_an_empty_password_and_a_file_that_is_not_a_pdf() -> None:
    with pytest.raises(ValidationError, match="password is needed"):
        delivery.encrypt_pdf(_pdf(1), "")
    with pytest.raises(ValidationError, match="not a readable PDF"):
        delivery.encrypt_pdf(b"Dear Zoe, this is a letter", "ABCD-EFGH-JKLM-NPQR")


# -- the .eml draft -----------------------------------------------------------------------------------------------


def _draft(pdf: bytes) -> bytes:
    return delivery.eml_draft(
        pdf, "data-report-R-2026-0001.pdf", to=TO, sender=SENDER, subject=SUBJECT, body="Please find it attached."
    )


def test_the_eml_draft_opens_as_an_unsent_message_with_the_pdf_byte_for_byte() -> None:
    pdf = delivery.encrypt_pdf(_pdf(), delivery.new_pdf_password())
    raw = _draft(pdf)
    assert b"\r\n" in raw  # RFC 5322 line ends, as mail programs write .eml files

    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["X-Unsent"] == "1"
    assert message["To"] == TO
    assert message["Subject"] == SUBJECT
    assert message["From"].addresses[0].addr_spec == "privacy@pemberton.example"
    assert message["Message-ID"].endswith("@pemberton.example>")
    sent = message["Date"].datetime
    assert abs(sent - datetime.now(UTC)) < timedelta(minutes=1)
    body = message.get_body(("plain",))
    assert body is not None and "Please find it attached." in body.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "data-report-R-2026-0001.pdf"
    assert attachment.get_content() == pdf


def test_a_draft_refuses_a_header_that_would_smuggle_in_another() -> None:
    with pytest.raises(ValidationError, match="cannot carry"):
        delivery.eml_draft(_pdf(1), "a.pdf", to=f"{TO}\r\nBcc: x@evil.example", sender=SENDER, subject="s", body="b")
    with pytest.raises(ValidationError, match="email address"):
        delivery.eml_draft(_pdf(1), "a.pdf", to="", sender=SENDER, subject="s", body="b")


# -- a real SMTP server -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, made here (no files shipped, nothing to expire)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hartdesk test mail server")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "cert.pem").write_bytes(pem)
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return Certificate(folder / "cert.pem", folder / "key.pem", pem)


def _message() -> bytes:
    return _draft(_pdf())


def _send(port: int, message: bytes | EmailMessage | None = None, **changes: Any) -> None:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "username": "",
        "password": "",
        "starttls": False,
        "timeout": 5,
        **changes,
    }
    delivery.send_smtp(message if message is not None else _message(), **options)


def test_a_message_sent_without_tls_arrives_intact_and_no_longer_marked_as_a_draft(start_server: Any) -> None:
    server = start_server()
    raw = _message()
    _send(server.port, raw)
    [envelope] = server.mailbox.received
    assert envelope.mail_from == "privacy@pemberton.example"
    assert envelope.rcpt_tos == [TO]
    arrived = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    assert arrived["X-Unsent"] is None
    assert arrived["Subject"] == SUBJECT and arrived["Message-ID"] == sent["Message-ID"]
    [got] = list(arrived.iter_attachments())  # type: ignore[attr-defined]
    [made] = list(sent.iter_attachments())  # type: ignore[attr-defined]
    assert got.get_content() == made.get_content()


def test_starttls_with_a_trusted_certificate_signs_in_and_delivers(start_server: Any, certificate: Certificate) -> None:
    server = start_server(tls=certificate)
    message = email.message_from_bytes(_message(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    _send(
        server.port,
        message,
        starttls=True,
        username=USER,
        password=PASSWORD,
        ssl_context=certificate.client_context(),
    )
    assert server.authenticator.offered == [(USER.encode(), PASSWORD.encode())]
    [envelope] = server.mailbox.received
    assert envelope.rcpt_tos == [TO]
    assert message["X-Unsent"] == "1"  # the caller's draft is left as it was


def test_a_refused_password_is_a_clear_error(start_server: Any, certificate: Certificate) -> None:
    server = start_server(tls=certificate)
    with pytest.raises(ValidationError) as caught:
        _send(server.port, starttls=True, username=USER, password="wrong", ssl_context=certificate.client_context())
    message = caught.value.message
    assert message.startswith(f"The mail server 127.0.0.1 refused the user name '{USER}' or its password (535")
    assert "nothing was recorded as sent" in message
    assert "wrong" not in message
    assert server.mailbox.received == []


def test_an_untrusted_certificate_stops_before_the_password_goes(start_server: Any, certificate: Certificate) -> None:
    server = start_server(tls=certificate)
    with pytest.raises(ValidationError) as caught:
        _send(server.port, starttls=True, username=USER, password=PASSWORD)  # the system's trust store
    assert "could not prove it is 127.0.0.1" in caught.value.message
    assert "self-signed certificate" in caught.value.message
    assert server.authenticator.offered == []
    assert server.mailbox.received == []


def test_a_server_without_starttls_is_refused_when_starttls_is_on(start_server: Any) -> None:
    server = start_server()
    with pytest.raises(ValidationError, match=f"does not offer STARTTLS on port {server.port}"):
        _send(server.port, starttls=True)
    assert server.mailbox.received == []


def test_the_password_never_goes_over_an_unencrypted_connection(start_server: Any) -> None:
    server = start_server()
    with pytest.raises(ValidationError, match="only over an encrypted connection"):
        _send(server.port, username=USER, password=PASSWORD)
    assert server.mailbox.received == []


def test_a_refused_recipient_is_named(start_server: Any) -> None:
    server = start_server(refuse=TO)
    with pytest.raises(ValidationError) as caught:
        _send(server.port)
    assert caught.value.message.startswith(f"The mail server 127.0.0.1 refused the recipient {TO} (550 5.1.1")
    assert "check the address" in caught.value.message
    assert server.mailbox.received == []


def test_a_port_where_nothing_listens() -> None:
    with socket.socket() as bound:  # bound but not listening: connections are refused at once
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        with pytest.raises(ValidationError) as caught:
            _send(port)
    assert caught.value.message == (
        f"The mail server 127.0.0.1 refused the connection on port {port}: check the server and port in Settings; "
        "the draft is kept and nothing was recorded as sent."
    )


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        with pytest.raises(ValidationError) as caught:
            _send(silent.getsockname()[1], timeout=1)
    assert caught.value.message == (
        "The mail server 127.0.0.1 did not answer within 1 second; the draft is kept and nothing was recorded as sent."
    )


def test_an_unknown_server_name_and_a_missing_one() -> None:
    with pytest.raises(ValidationError, match="could not be found"):
        _send(25, host="smtp.nowhere.invalid")  # .invalid never resolves (RFC 2606)
    with pytest.raises(ValidationError, match="No mail \\(SMTP\\) server is set"):
        _send(25, host=" ")


def test_the_password_and_the_message_never_reach_the_log(
    start_server: Any, certificate: Certificate, caplog: pytest.LogCaptureFixture
) -> None:
    server = start_server(tls=certificate)
    caplog.set_level("DEBUG", logger="hartdesk")
    for password in ("wrong", PASSWORD):
        with contextlib.suppress(ValidationError):  # the wrong one fails, the right one sends
            _send(
                server.port, starttls=True, username=USER, password=password, ssl_context=certificate.client_context()
            )
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("hartdesk"))
    assert "127.0.0.1" in logged  # it did log: what went where
    for secret in ("wrong", PASSWORD, SECRET_LINE, "Please find it attached", TO):
        assert secret not in logged


# -- the SMTP password in the keyring -----------------------------------------------------------------------------


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


@pytest.fixture
def use_keyring() -> Any:
    def use(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
        keyrings.use(backend)
        return backend

    return use


def test_the_smtp_password_lives_in_the_keyring_under_the_register(use_keyring: Any) -> None:
    memory = use_keyring(MemoryKeyring())
    assert smtp_secret.smtp_password("reg-1", USER) is None
    smtp_secret.set_smtp_password("reg-1", USER, PASSWORD)
    assert memory.secrets == {("hartdesk:reg-1", f"smtp:{USER}"): PASSWORD}
    assert smtp_secret.smtp_password("reg-1", USER) == PASSWORD
    assert smtp_secret.smtp_password("reg-2", USER) is None  # another register, another secret
    smtp_secret.set_smtp_password("reg-1", USER, "")
    assert memory.secrets == {}
    smtp_secret.set_smtp_password("reg-1", USER, "")  # forgetting twice is fine


def test_a_missing_or_locked_keyring_is_a_clear_error(use_keyring: Any) -> None:
    from keyring.backends import fail

    use_keyring(fail.Keyring())
    with pytest.raises(ValidationError, match=r"system keyring, .*, is not available: unlock it or install one"):
        smtp_secret.smtp_password("reg-1", USER)
    use_keyring(LockedKeyring())
    with pytest.raises(ValidationError, match="not available \\(it is locked\\)"):
        smtp_secret.set_smtp_password("reg-1", USER, PASSWORD)


def test_the_keyring_refuses_what_it_cannot_keep(use_keyring: Any) -> None:
    memory = use_keyring(MemoryKeyring())
    with pytest.raises(ValidationError, match="SMTP user name"):
        smtp_secret.set_smtp_password("reg-1", " ", PASSWORD)
    with pytest.raises(ValidationError, match="longer than 1000"):
        smtp_secret.set_smtp_password("reg-1", USER, "x" * 1001)
    assert memory.secrets == {}
