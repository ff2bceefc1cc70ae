"""The register at the size of a real agency's history: 50 000 clients, ~150 000 services, ~300 000 invoices.

Measured in one run, on one demo register (BENCH_CLIENTS overrides the size):
- building it with ``hartdesk demo --clients N``;
- opening the client list (count + first page, as the Clients screen does);
- search-as-you-type: 20 realistic queries, each as the screen runs it (count + first page + the columns of that
  page), p50/p95 — and as a ratio to the very same SQL statements replayed on a bare sqlcipher3 connection to the same
  file (the floor: no SQLAlchemy, no Python around it);
- SQLCipher against plain SQLite: the same replayed statements on a plaintext copy of the file;
- the GUI: peak memory with the Clients screen shown and the longest stall of the GUI thread while a clerk types
  every query letter by letter (scale_gui.py, in its own process so its memory is its own).
Targets: search p95 <= 30 ms and <= 2x the floor; SQLCipher <= 1.3x; list open <= 300 ms; memory <= 300 MB; no stall
over 100 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ms

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50000"))
ROUNDS = 7
QUERIES = [
    "smith",
    "jones ltd",
    "07946",
    "020 7946 0123",
    "+44 113 496 0",
    "sw1a",
    "ls1 4",
    "bakery",
    "plumbing",
    "c-01234",
    "cc00421",
    "joinery-ltd.example",
    "shop.example",
    "öztürk",
    "kowalski",
    "müller",
    "ja",
    "director",
    "0161 496",
    "studio design",
]
HERE = Path(__file__).resolve().parent


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class _Recorder:
    """Collects every statement SQLAlchemy sends, to replay it bare."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements.append((statement, parameters))


def _screen_query(session: Any, text: str) -> None:
    from hartdesk.register import search

    query = search.ClientQuery(text=text)
    search.count_clients(session, query)
    search.list_clients(session, query, 0, 200)


def _replay(conn: Any, statements: list[tuple[str, Any]]) -> float:
    start = time.perf_counter()
    for statement, parameters in statements:
        conn.execute(statement, parameters).fetchall()
    return time.perf_counter() - start


def main() -> None:
    from hartdesk.demo import DEMO_PASSWORD, DEMO_USER, create_demo
    from hartdesk.security.signin import sign_in
    from hartdesk.storage import database

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HARTDESK_HOME"] = str(Path(tmp) / "home")
        register = Path(os.environ.get("BENCH_REGISTER", "") or Path(tmp) / "register")
        if not register.exists():
            start = time.perf_counter()
            create_demo(register, clients=CLIENTS)
            print(f"demo build, {CLIENTS} clients: {time.perf_counter() - start:.1f} s")
        print(f"register file: {(register / 'register.db').stat().st_size / 1e6:.0f} MB")

        who = sign_in(register, DEMO_USER, DEMO_PASSWORD)
        from sqlalchemy import func, select

        from hartdesk.models import Invoice, Service

        with who.register.session() as session:
            services = session.scalar(select(func.count(Service.id)))
            invoices = session.scalar(select(func.count(Invoice.id)))
        print(f"  {services} services, {invoices} invoices")
        engine = who.register.engine
        recorder = _Recorder(engine)

        opens = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            with who.register.session() as session:
                _screen_query(session, "")
            opens.append(time.perf_counter() - start)
        print(
            f"client list open (count + first 200 rows): median {ms(statistics.median(opens))}, "
            f"worst {ms(max(opens))} (target <= 300 ms)"
        )

        timings: dict[str, list[float]] = {q: [] for q in QUERIES}
        per_query_sql: dict[str, list[tuple[str, Any]]] = {}
        for round_no in range(ROUNDS):
            for q in QUERIES:
                recorder.statements.clear()
                start = time.perf_counter()
                with who.register.session() as session:
                    _screen_query(session, q)
                timings[q].append(time.perf_counter() - start)
                if round_no == 0:
                    per_query_sql[q] = list(recorder.statements)
        medians = [statistics.median(v) for v in timings.values()]
        app_p50, app_p95 = _pct(medians, 50), _pct(medians, 95)

        key = who.register.data_key
        who.lock()
        encrypted = database.connect(register / "register.db", key)
        plain_path = Path(tmp) / "plain.db"
        encrypted.execute(f"ATTACH DATABASE '{plain_path}' AS plain KEY ''")
        encrypted.execute("SELECT sqlcipher_export('plain')")
        encrypted.execute("DETACH DATABASE plain")
        import sqlcipher3.dbapi2 as sqlcipher

        plain = sqlcipher.connect(str(plain_path), isolation_level=None)
        plain.execute(f"PRAGMA cache_size = -{database.CACHE_KIB}")  # the same cache as hartdesk's connections
        floors: dict[str, list[float]] = {q: [] for q in QUERIES}
        plains: dict[str, list[float]] = {q: [] for q in QUERIES}
        for _ in range(ROUNDS):
            for q in QUERIES:
                floors[q].append(_replay(encrypted, per_query_sql[q]))
                plains[q].append(_replay(plain, per_query_sql[q]))
        floor_medians = [statistics.median(v) for v in floors.values()]
        plain_medians = [statistics.median(v) for v in plains.values()]
        floor_p50, floor_p95 = _pct(floor_medians, 50), _pct(floor_medians, 95)
        print(f"search as you type, {len(QUERIES)} queries x {ROUNDS} rounds (median per query):")
        print(f"  hartdesk:  p50 {ms(app_p50)}, p95 {ms(app_p95)} (target p95 <= 30 ms)")
        print(f"  bare SQL:  p50 {ms(floor_p50)}, p95 {ms(floor_p95)}")
        print(f"  ratio to the floor: p50 {app_p50 / floor_p50:.2f}x, p95 {app_p95 / floor_p95:.2f}x (target <= 2x)")
        slowest = max(QUERIES, key=lambda q: statistics.median(timings[q]))
        print(f"  slowest query: {slowest!r} {ms(statistics.median(timings[slowest]))}")
        cipher_total, plain_total = sum(floor_medians), sum(plain_medians)
        print(
            f"SQLCipher vs plain SQLite, same statements: {ms(cipher_total)} vs {ms(plain_total)} "
            f"= {cipher_total / plain_total:.2f}x (target <= 1.3x)"
        )
        encrypted.close()
        plain.close()

        gui = HERE / "scale_gui.py"
        if gui.exists():
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HARTDESK_INSECURE_TEST_KDF="1")
            result = subprocess.run(
                [sys.executable, str(gui), str(register), *QUERIES], env=env, capture_output=True, text=True
            )
            print(result.stdout.rstrip() or f"the GUI measurement failed: {result.stderr.strip()[-500:]}")


if __name__ == "__main__":
    os.environ.setdefault("HARTDESK_INSECURE_TEST_KDF", "1")
    sys.path.insert(0, str(HERE.parent))
    main()
