"""The credentials vault at the size of a busy agency: 2 000 logins at 20 operators for 1 000 clients.

Measured in one run, medians of 5 rounds, each against the bare work underneath it:
- ``rows``: the Vault screen's list (every login with its operator, clients and domains) and a search, against one
  bare SQL query of the credentials table. Target: the list <= 100 ms.
- ``reveal``: one reveal (step-up check, the register read, the keyring read, the audit row), against the bare
  keyring read. The keyring is in memory here, so the figure is hartdesk's own cost; a real Secret Service adds its
  D-Bus round trip (a few ms) to both.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import median, ms, new_register

LOGINS = 2000
CLIENTS = 1000
OPERATORS = 20


def _filled_vault(folder: Path) -> tuple[Any, Any]:
    from hartdesk.models import Client, Role, ServiceKind, TransferSafeguard
    from hartdesk.register import clients, operators
    from hartdesk.register import services as svc
    from hartdesk.security import keyrings
    from hartdesk.security.signin import Identity, SignedIn
    from hartdesk.security.vault import CredentialInput, Vault
    from tests.keyrings import MemoryKeyring  # secrets in a dict: never this computer's keyring

    memory = MemoryKeyring()
    keyrings.use(memory)
    reg = new_register(folder)
    with reg.session() as s:
        operator_ids = [
            operators.create_operator(
                s,
                "admin",
                operators.OperatorInput(f"Operator {i:02d}", "Registrar", "GB", TransferSafeguard.NOT_RESTRICTED),
            )
            for i in range(OPERATORS)
        ]
        client_ids: list[int] = []
        service_ids: list[int] = []
        for i in range(CLIENTS):
            ref = clients.create_client(s, "admin", clients.ClientInput(name=f"Client Number {i:04d} Ltd"))
            service_ids.append(
                svc.add_service(
                    s,
                    "admin",
                    ref,
                    svc.ServiceInput(ServiceKind.DOMAIN_REGISTRATION, f"client-{i:04d}.example"),
                )
            )
            client = s.query(Client).filter_by(ref=ref).one()
            client_ids.append(client.id)
    who = SignedIn(reg, Identity(1, "admin", "Admin", Role.ADMIN), second_factor_at=time.time())
    vault = Vault(who)
    for i in range(LOGINS):
        vault.add(
            CredentialInput(
                operator_ids[i % OPERATORS],
                f"account-{i:05d}",
                f"https://login.operator-{i % OPERATORS:02d}.example",
                client_ids=(client_ids[i % CLIENTS],),
                service_ids=(service_ids[i % CLIENTS],),
                rotate_every_days=90 if i % 3 == 0 else None,
            ),
            f"secret-{i:05d}-Qz!7",
        )
    return who, memory


def bench_vault(folder: Path) -> None:
    from sqlalchemy import text

    from hartdesk.security import keyrings
    from hartdesk.security.vault import Vault, entry_name

    who, memory = _filled_vault(folder)
    try:
        vault = Vault(who)
        rows = median(lambda: vault.rows())
        searched = median(lambda: vault.rows("client-0421"))

        def bare_sql() -> None:
            with who.register.session() as s:
                s.execute(text("SELECT * FROM credentials")).all()

        bare = median(bare_sql)
        print(
            f"  Vault list, {LOGINS} logins: {ms(rows)} (target <= 100 ms); searched {ms(searched)}; "
            f"bare SQL {ms(bare)} ({rows / bare:.1f}x)"
        )
        reveal = median(lambda: vault.reveal(LOGINS // 2), rounds=51)
        service = keyrings.service_name(who.register.register_id)
        bare_get = median(lambda: memory.get_password(service, entry_name(LOGINS // 2)), rounds=51)
        print(
            f"  reveal one login (step-up check, register, keyring, audit row): {ms(reveal)}; "
            f"the keyring read alone {bare_get * 1e6:.1f} µs"
        )
    finally:
        who.lock()
        keyrings.use(None)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("HARTDESK_HOME", tempfile.mkdtemp(prefix="bench-home-"))
    with tempfile.TemporaryDirectory() as tmp:
        bench_vault(Path(tmp) / "vault")
