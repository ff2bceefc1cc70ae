"""The breach register and the records of processing on a demo register of 1 000 clients (BENCH_CLIENTS).

Measured in one run, each against the bare work underneath it:
- ``estimate``: what a breach at an operator that receives data for every client reaches (people, records,
  categories), against a bare count of the clients;
- ``list``: the Breaches screen's list of 200 breaches with their clocks, median of 5, against one bare SQL query;
- ``ropa``: the records of processing built and rendered (PDF and CSV), once.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import median, ms

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000"))
BREACHES = 200


def main() -> None:
    from sqlalchemy import func, select, text

    from hartdesk import settings as settings_mod
    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER, create_demo
    from hartdesk.documents.ropa import render_ropa, ropa_csv
    from hartdesk.models import Client, Operator
    from hartdesk.privacy import breaches
    from hartdesk.register.ropa_data import ropa_data
    from hartdesk.security.signin import sign_in

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HARTDESK_HOME"] = str(Path(tmp) / "home")
        register = Path(tmp) / "register"
        create_demo(register, clients=CLIENTS)
        who = sign_in(register, DEMO_USER, DEMO_PASSWORD)
        reg = who.register
        with reg.session() as s:
            settings = settings_mod.load(s)
            xero = s.scalar(select(Operator.id).where(Operator.name == "Xero"))
            assert xero is not None

        def estimate() -> None:
            with reg.session() as s:
                breaches.estimate(s, settings, now, operator_ids=[xero])

        def bare_clients() -> None:
            with reg.session() as s:
                s.scalar(select(func.count(Client.id)))

        est_s, bare_s = median(estimate, 3), median(bare_clients)
        with reg.session() as s:
            reached = breaches.estimate(s, settings, now, operator_ids=[xero])
        print(
            f"breach estimate, operator receiving every client's data ({len(reached.client_refs)} clients, "
            f"{reached.records} records): {ms(est_s)}; bare client count {ms(bare_s)}"
        )

        with reg.session() as s:
            for i in range(BREACHES):
                data = breaches.BreachInput(f"Bench breach {i}", now - timedelta(hours=i), people_count=1,
                                            records_count=1, categories=("Contact details",))  # fmt: skip
                breaches.log_breach(s, DEMO_USER, data, settings, now)

        def listing() -> None:
            with reg.session() as s:
                breaches.list_breaches(s, now)

        def bare_list() -> None:
            with reg.engine.connect() as conn:
                conn.execute(text("SELECT * FROM breaches ORDER BY aware_at DESC")).fetchall()

        list_s, bare_list_s = median(listing), median(bare_list)
        print(
            f"breach list, {BREACHES + 2} breaches with their clocks: {ms(list_s)}; bare SQL {ms(bare_list_s)} "
            f"({list_s / bare_list_s:.0f}x)"
        )

        start = time.perf_counter()
        with reg.session() as s:
            data = ropa_data(s, settings, now.date())
        built = time.perf_counter() - start
        start = time.perf_counter()
        pdf, table = render_ropa(data), ropa_csv(data)
        rendered = time.perf_counter() - start
        print(
            f"records of processing, {len(data.processor.controllers)} controllers: built {ms(built)}, PDF and CSV "
            f"{ms(rendered)} ({len(pdf) // 1024} KB PDF, {len(table) // 1024} KB CSV)"
        )
        who.lock()


if __name__ == "__main__":
    main()
