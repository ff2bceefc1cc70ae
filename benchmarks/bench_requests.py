"""Privacy requests at the size of years of an agency's history, and the biggest emails a clerk will import.

Measured in one run (BENCH_REQUESTS overrides the number of requests):
- logging requests through the real intake function (per request);
- the dashboard (``due_lists``: every open request with its working-day countdown) and the first page of the
  Requests screen, medians of 7 rounds — and the dashboard as a ratio to the bare SQL it runs (the floor);
- the deadline engine: one ``compute`` against the bare date arithmetic it wraps (relativedelta + roll-over);
- reading a 24 MB email (.eml with a 23 MB attachment): ``mail.read_message`` against the standard library parser
  alone on the same bytes.
Targets: dashboard and list page <= 300 ms (shown on a screen); email import of the largest kept file <= 2 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import PASSWORD, median, ms

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "5000"))
ROUNDS = 7


def bench_register(folder: Path) -> None:
    from sqlalchemy import text

    from hartdesk import settings as settings_mod
    from hartdesk.models.enums import RequestChannel, RequestStatus, RequestType
    from hartdesk.privacy import requests as rq
    from hartdesk.security import kdf
    from hartdesk.storage import register as register_mod

    kdf.use_insecure_test_parameters(True)  # key derivation is not what is measured here
    _, reg = register_mod.create(folder / "register", "admin", "Admin", PASSWORD)
    settings = settings_mod.Settings()
    today = date(2026, 11, 21)
    kinds, channels = list(RequestType), list(RequestChannel)
    started = time.perf_counter()
    with reg.session() as s:
        for i in range(REQUESTS):
            data = rq.RequestInput(
                kind=kinds[i % len(kinds)],
                channel=channels[i % len(channels)],
                received_on=today - timedelta(days=i % 1500),
                requester_name=f"Requester {i}",
                requester_email=f"person{i}@example.com",
                subject="Please send me my data",
            )
            rq.log_request(s, "admin", data, settings, today)
        # Most of an agency's history is closed: close all but the last 60 days.
        s.execute(
            text("UPDATE privacy_requests SET status = :done, closed_on = received_on WHERE received_on < :cut"),
            {"done": RequestStatus.COMPLETED.value, "cut": today - timedelta(days=60)},
        )
    logged = time.perf_counter() - started
    print(f"  logging {REQUESTS} requests: {ms(logged / REQUESTS)} each")

    with reg.session() as s:
        open_count = rq.count_requests(s, rq.RequestQuery(open_only=True), today)
        dashboard = median(lambda: rq.due_lists(s, settings, today), ROUNDS)
        page = median(lambda: rq.list_requests(s, rq.RequestQuery(), settings, today, 0, 200), ROUNDS)
        search = median(lambda: rq.list_requests(s, rq.RequestQuery(text="person42"), settings, today, 0, 200), ROUNDS)
        conn = s.connection()
        floor = median(
            lambda: conn.execute(
                text(
                    "SELECT r.ref, r.kind, r.channel, r.status, r.received_on, r.due_on, r.closed_on, "
                    "r.requester_name, r.requester_email, c.ref, r.subject, r.fee_asked_on, r.fee_paid_on "
                    "FROM privacy_requests r LEFT JOIN clients c ON c.id = r.client_id "
                    "WHERE r.status IN ('new','awaiting-identity','awaiting-clarification','in-progress','extended') "
                    "ORDER BY r.closed_on IS NOT NULL, r.due_on IS NULL, r.due_on, r.received_on DESC, r.id DESC"
                )
            ).all(),
            ROUNDS,
        )
    reg.close()
    print(
        f"  dashboard ({open_count} open of {REQUESTS}): {ms(dashboard)} (bare SQL {ms(floor)}, "
        f"{dashboard / floor:.1f}x)"
    )
    print(f"  Requests screen first page: {ms(page)}; searched: {ms(search)}")


def bench_engine() -> None:
    from dateutil.relativedelta import relativedelta

    from hartdesk.privacy import deadlines

    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    deadlines.compute(deadlines.Clock(received=days[0]))  # load the holiday tables once

    def engine() -> None:
        for d in days:
            deadlines.compute(deadlines.Clock(received=d))

    def bare() -> None:
        for d in days:
            due = d + relativedelta(months=1)
            while not deadlines.is_working_day(due, "ENG"):
                due += timedelta(days=1)

    full, floor = median(engine, ROUNDS), median(bare, ROUNDS)
    print(
        f"  deadline for one request: {full / len(days) * 1e6:.0f} µs (bare date arithmetic "
        f"{floor / len(days) * 1e6:.0f} µs, {full / floor:.1f}x; the rest is the explanation)"
    )


def bench_email() -> None:
    import email
    import email.policy
    from email.message import EmailMessage

    from hartdesk.privacy import mail

    msg = EmailMessage()
    msg["From"] = "Zoë Łukasiewicz-Öztürk <zoe@example.org>"
    msg["To"] = "privacy@example.com"
    msg["Subject"] = "Subject access request"
    msg["Date"] = "Tue, 03 Mar 2026 09:15:00 +0000"
    msg.set_content("Please send me all my data.\n" * 50)
    scan = b"%PDF-1.4\n" + os.urandom(23 * 1024 * 1024) + b"\n%%EOF\n"
    msg.add_attachment(scan, maintype="application", subtype="pdf", filename="scan.pdf")
    data = msg.as_bytes()
    full = median(lambda: mail.read_message("big.eml", data), 3)
    floor = median(
        lambda: [
            p.get_content()
            for p in email.message_from_bytes(data, policy=email.policy.default).walk()
            if not p.is_multipart()
        ],
        3,
    )
    print(
        f"  reading a {len(data) / 1e6:.0f} MB email: {ms(full)} (standard library alone {ms(floor)}, "
        f"{full / floor:.1f}x)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("HARTDESK_HOME", tempfile.mkdtemp(prefix="bench-home-"))
    with tempfile.TemporaryDirectory() as tmp:
        bench_register(Path(tmp))
    bench_engine()
    bench_email()
