"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1).

A test module that uses the ``start_server`` fixture imports it and names it in ``__all__`` (so the import counts as
used).
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

USER, PASSWORD = "privacy@pemberton.example", "Harbour-Lantern-Copper-71"  # the only account the server accepts


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    pem: bytes

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=self.pem.decode())


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, and can refuse recipients."""

    def __init__(self, refuse: str = "") -> None:
        self.received: list[Envelope] = []
        self.refuse = refuse

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address == self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 Message accepted for delivery"


class Authenticator:
    """Accepts only USER / PASSWORD, and remembers what it was offered."""

    def __init__(self) -> None:
        self.offered: list[tuple[bytes, bytes]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.offered.append((auth_data.login, auth_data.password))
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    mailbox: Mailbox
    authenticator: Authenticator


@pytest.fixture
def start_server() -> Iterator[Any]:
    """``start_server(tls=None, refuse="")``: a mail server listening on 127.0.0.1 (STARTTLS and USER / PASSWORD
    required with ``tls``; refusing the recipient ``refuse``), stopped after the test."""
    started: list[Controller] = []

    def start(tls: Certificate | None = None, refuse: str = "") -> Server:
        mailbox, authenticator = Mailbox(refuse), Authenticator()
        options: dict[str, Any] = {}
        if tls is not None:
            options = {"tls_context": tls.server_context(), "authenticator": authenticator, "auth_require_tls": True}
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ready_timeout=5, **options)
        controller.start()
        started.append(controller)
        return Server(controller.port, mailbox, authenticator)

    yield start
    for controller in started:
        controller.stop()
