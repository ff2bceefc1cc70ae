"""Documents at the size of the agency's biggest clients, and a day's batch of reports.

Measured in one run, one function per measurement:
- ``bench_large_data_report``: the data report of one client with 200 services, 500 invoices and 50 requests (built
  through the register's own functions): ``subject_data`` (the register queries), ``render_data_report`` (reportlab
  and the embedded JSON/CSV) and ``portable_copy``, each and together, medians of 5 rounds. Target <= 1 s in all.
- ``bench_dpa``: the DPA of the same client (every service in Annex II, its operators in Annex IV). Target <= 0.5 s.
- ``bench_batch_of_reports``: 100 data reports for the 100 clients of a demo register, one after another, as a
  batch export would make them. Target <= 30 s.
Each function takes a scratch folder and prints its own figures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from common import PASSWORD, median, ms, new_register

TODAY = date(2026, 11, 21)


def _large_client(reg: Any, services: int = 200, invoices: int = 500, requests: int = 50) -> str:
    from hartdesk import settings as settings_mod
    from hartdesk.models import AddressKind, InvoiceStatus, ServiceKind, TransferSafeguard
    from hartdesk.models.enums import RequestChannel, RequestType
    from hartdesk.privacy import requests as rq
    from hartdesk.register import clients, operators
    from hartdesk.register import services as svc

    with reg.session() as s:
        settings = settings_mod.load(s)
        for name, country, safeguard in (
            ("Fasthosts", "GB", TransferSafeguard.NOT_RESTRICTED),
            ("GoDaddy", "US", TransferSafeguard.UK_ADEQUACY),
        ):
            op = operators.create_operator(s, "admin", operators.OperatorInput(name, "Registrar", country, safeguard))
            operators.add_rule(s, "admin", op, "domain_registrant", ServiceKind.DOMAIN_REGISTRATION)
            operators.add_rule(s, "admin", op, "hosted_content", ServiceKind.WEB_HOSTING)
        ref = clients.create_client(
            s,
            "admin",
            clients.ClientInput(
                name="Łukasiewicz-Öztürk Holdings Ltd",
                notes="Long-standing client.\nPrefers letters by post.",
                contacts=[
                    clients.ContactInput(
                        "Zoë Łukasiewicz-Öztürk", "Director", ["zoe@holdings.example"], ["020 7946 0018"]
                    ),
                    clients.ContactInput("Søren Ærø", "Accounts", ["soren@holdings.example"], ["0113 496 0000"]),
                ],
                addresses=[
                    clients.AddressInput(AddressKind.BILLING, "4 Quay Street", town="Truro", postcode="TR1 2HD")
                ],
            ),
            today=date(2015, 1, 5),
        )
        for i in range(services):
            domain = i % 2 == 0
            svc.add_service(
                s,
                "admin",
                ref,
                svc.ServiceInput(
                    ServiceKind.DOMAIN_REGISTRATION if domain else ServiceKind.WEB_HOSTING,
                    f"shop-{i:03d}.holdings.example",
                    plan="" if domain else "Business",
                    start_date=date(2016, 1, 1) + timedelta(days=i),
                    renewal_date=date(2027, 1, 1) + timedelta(days=i),
                    operators=["GoDaddy" if i % 4 == 0 else "Fasthosts"],
                    registrant_name="Zoë Łukasiewicz-Öztürk" if domain else "",
                    registrant_email="zoe@holdings.example" if domain else "",
                ),
            )
        for i in range(invoices):
            svc.add_invoice(
                s,
                "admin",
                ref,
                svc.InvoiceInput(
                    f"INV-{i:05d}",
                    date(2016, 1, 1) + timedelta(days=7 * i),
                    1200 + i,
                    InvoiceStatus.PAID,
                    "Łukasiewicz-Öztürk Holdings Ltd",
                    "4 Quay Street\nTruro\nTR1 2HD",
                ),
            )
        kinds = [RequestType.ACCESS, RequestType.RECTIFICATION, RequestType.ERASURE, RequestType.OBJECTION]
        for i in range(requests):
            received = TODAY - timedelta(days=20 * i + 1)
            logged = rq.log_request(
                s,
                "admin",
                rq.RequestInput(
                    kind=kinds[i % len(kinds)],
                    channel=RequestChannel.EMAIL,
                    received_on=received,
                    requester_name="Zoë Łukasiewicz-Öztürk",
                    requester_email="zoe@holdings.example",
                    client_ref=ref,
                    subject=f"Request number {i}",
                    note="Called to confirm the details of the request.",
                ),
                settings,
                TODAY,
            )
            if i >= 5:
                rq.complete(
                    s, "admin", logged.ref, received + timedelta(days=10), "Answered by email.", settings, TODAY
                )
    return ref


def bench_large_data_report(folder: Path) -> None:
    import io

    from pypdf import PdfReader

    from hartdesk import settings as settings_mod
    from hartdesk.documents.data_report import portable_copy, render_data_report
    from hartdesk.register.subject_data import subject_data

    reg = new_register(folder / "register")
    try:
        ref = _large_client(reg)
        with reg.session() as s:
            settings = settings_mod.load(s)
            build = median(lambda: subject_data(s, ref, settings, TODAY))
            data = subject_data(s, ref, settings, TODAY)
            render = median(lambda: render_data_report(data, True))
            copy = median(lambda: portable_copy(data))

            def whole() -> None:
                d = subject_data(s, ref, settings, TODAY)
                render_data_report(d, True)
                portable_copy(d)

            total = median(whole)
        pdf = render_data_report(data, True)
    finally:
        reg.close()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    rows = sum(len(t.rows) for t in data.tables)
    print(
        f"  data report, 200 services + 500 invoices + 50 requests ({rows} table rows, {pages} pages, "
        f"{len(pdf) / 1024:.0f} KB): {ms(total)} in all (target <= 1000 ms)"
    )
    print(f"    subject_data {ms(build)}, render_data_report {ms(render)}, portable_copy {ms(copy)}")


def bench_dpa(folder: Path) -> None:
    """The DPA of the same 200-service client (Annex II and IV built from every service). Target <= 500 ms."""
    from hartdesk import settings as settings_mod
    from hartdesk.documents.dpa import render_dpa
    from hartdesk.register.dpa_data import dpa_data

    reg = new_register(folder / "register")
    try:
        ref = _large_client(reg)
        with reg.session() as s:
            settings = settings_mod.load(s)
            build = median(lambda: dpa_data(s, ref, settings, TODAY))
            data = dpa_data(s, ref, settings, TODAY)
            render = median(lambda: render_dpa(data))
            total = median(lambda: render_dpa(dpa_data(s, ref, settings, TODAY)))
    finally:
        reg.close()
    print(
        f"  DPA for the same client: {ms(total)} in all (target <= 500 ms); dpa_data {ms(build)}, "
        f"render_dpa {ms(render)}"
    )


def bench_batch_of_reports(folder: Path, clients: int = 100) -> None:
    from sqlalchemy import select

    from hartdesk import settings as settings_mod
    from hartdesk.demo import create_demo
    from hartdesk.documents.data_report import portable_copy, render_data_report
    from hartdesk.errors import ValidationError
    from hartdesk.models import Client
    from hartdesk.register.subject_data import subject_data
    from hartdesk.security import kdf
    from hartdesk.security.signin import sign_in

    kdf.use_insecure_test_parameters(True)
    demo = create_demo(folder / "demo", PASSWORD, clients=clients)
    who = sign_in(demo.path, demo.username, demo.password)
    try:
        with who.register.session() as s:
            settings = settings_mod.load(s)
            refs = list(s.scalars(select(Client.ref).order_by(Client.id)))
            started = time.perf_counter()
            for ref in refs:
                try:
                    data = subject_data(s, ref, settings, TODAY, for_post=True)
                    post = True
                except ValidationError:  # a demo client without an address: by email
                    data = subject_data(s, ref, settings, TODAY, for_post=False)
                    post = False
                render_data_report(data, post)
                portable_copy(data)
            elapsed = time.perf_counter() - started
    finally:
        who.lock()
    print(
        f"  batch of {len(refs)} data reports for demo clients: {elapsed:.1f} s, "
        f"{ms(elapsed / len(refs))} each (target <= 30 s)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("HARTDESK_HOME", tempfile.mkdtemp(prefix="bench-home-"))
    with tempfile.TemporaryDirectory() as tmp:
        bench_large_data_report(Path(tmp) / "large")
        bench_dpa(Path(tmp) / "dpa")
        bench_batch_of_reports(Path(tmp) / "batch")
