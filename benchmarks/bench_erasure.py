"""Erasure and the retention review on a demo register of 1 000 clients (BENCH_CLIENTS overrides the size).

Measured in one run, each against the bare work underneath it:
- ``plan``: the erasure plan of one client (who holds what, every row of theirs, the kept items), median of 5, against
  one bare SQL count of that client's rows;
- ``erase``: one erasure done (the transaction, the VACUUM that wipes the freed pages, the WAL truncated), against a
  bare VACUUM of the same file — the wipe is most of the cost and grows with the file;
- ``review``: the retention review's list, median of 5, against a bare count of the closed clients; then the whole
  list applied once (no baseline: it is a once-a-month job in the background).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from common import median, ms

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000"))


def main() -> None:
    from sqlalchemy import func, select, text, update

    from hartdesk import settings as settings_mod
    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER, create_demo
    from hartdesk.models import Client, ClientStatus, Service, ServiceStatus
    from hartdesk.models.enums import IdentityMethod, RequestChannel, RequestType
    from hartdesk.privacy import erasure, requests, retention
    from hartdesk.security import keyrings
    from hartdesk.security.signin import sign_in
    from tests.keyrings import MemoryKeyring

    keyrings.use(MemoryKeyring())
    today = date(2026, 11, 20)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HARTDESK_HOME"] = str(Path(tmp) / "home")
        register = Path(tmp) / "register"
        create_demo(register, clients=CLIENTS)
        who = sign_in(register, DEMO_USER, DEMO_PASSWORD)
        reg = who.register
        with reg.session() as s:
            settings = settings_mod.load(s)
            client = s.scalars(select(Client).where(Client.status == ClientStatus.ACTIVE).order_by(Client.id)).first()
            assert client is not None
            ref, client_id = client.ref, client.id
            s.execute(update(Service).where(Service.client_id == client_id).values(status=ServiceStatus.ENDED))
            request = requests.log_request(
                s,
                DEMO_USER,
                requests.RequestInput(
                    RequestType.ERASURE,
                    RequestChannel.EMAIL,
                    today,
                    client.name,
                    requester_email="bench@example.com",
                    client_ref=ref,
                    identity_verified=True,
                    identity_method=IdentityMethod.KNOWN_CONTACT,
                    identity_evidence="bench",
                ),
                settings,
                today,
            ).ref

        def make_plan() -> erasure.ErasurePlan:
            with reg.session() as s:
                return erasure.plan(s, ref, settings, today, request_ref=request)

        def bare_rows() -> None:
            with reg.engine.connect() as conn:
                for table in ("contacts", "addresses", "services", "invoices", "consent_events"):
                    conn.execute(text(f"SELECT count(*) FROM {table} WHERE client_id = :c"), {"c": client_id}).scalar()

        plan_s, bare_s = median(make_plan), median(bare_rows)
        p = make_plan()
        print(f"erasure plan ({len(p.rows)} rows): {ms(plan_s)}; bare row counts {ms(bare_s)} ({plan_s / bare_s:.0f}x)")

        size = (register / "register.db").stat().st_size / 1e6
        start = time.perf_counter()
        erasure.erase(reg, DEMO_USER, p, settings, today)
        erase_s = time.perf_counter() - start
        start = time.perf_counter()
        erasure.wipe_freed_space(reg)
        vacuum_s = time.perf_counter() - start
        print(
            f"erasure done, {size:.0f} MB file: {ms(erase_s)}; bare VACUUM {ms(vacuum_s)} ({erase_s / vacuum_s:.1f}x)"
        )

        def review() -> None:
            with reg.session() as s:
                retention.review(s, settings, today)

        def bare_closed() -> None:
            with reg.session() as s:
                s.scalar(select(func.count(Client.id)).where(Client.status == ClientStatus.CLOSED))

        review_s, closed_s = median(review), median(bare_closed)
        with reg.session() as s:
            due = len(retention.review(s, settings, today))
        print(
            f"retention review ({due} items due): {ms(review_s)}; bare count of closed clients {ms(closed_s)} "
            f"({review_s / closed_s:.0f}x)"
        )
        with reg.session() as s:
            items = retention.review(s, settings, today)
        kinds = {k: sum(1 for i in items if i.kind == k and not i.blocked) for k in ("client", "invoice", "request")}
        start = time.perf_counter()
        retention.apply_and_wipe(reg, DEMO_USER, settings, today, items)
        print(
            f"retention applied ({kinds['client']} closed clients erased, {kinds['invoice']} invoices and "
            f"{kinds['request']} request files deleted): {time.perf_counter() - start:.1f} s"
        )
        who.lock()


if __name__ == "__main__":
    main()
