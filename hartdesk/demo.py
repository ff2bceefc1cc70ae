"""A demo register with fictional agency details and a demo admin, so a newcomer sees a working app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hartdesk import settings as settings_mod
from hartdesk.errors import RegisterExistsError

DEMO_USER = "admin"
DEMO_PASSWORD = "hartdesk-demo-2026"
DEMO_SETTINGS = settings_mod.Settings(
    agency_name="Bracken Web Services Ltd (demo)",
    agency_address="Unit 4, Harbour Yard\nFalmouth\nTR11 2XX",
    agency_email="privacy@bracken.example",
    agency_ico_number="ZA123456",
    agency_phone="01326 555 0142",
    agency_contact_name="Morwenna Trelawny",
    agency_contact_position="Director",
    privacy_policy_version="2026-1",
    terms_version="2025-2",
)


@dataclass(frozen=True)
class DemoRegister:
    path: Path
    register_id: str
    username: str
    password: str
    recovery_key: str


DEFAULT_CLIENTS = 200


def create_demo(
    path: Path,
    password: str = DEMO_PASSWORD,
    clients: int = DEFAULT_CLIENTS,
    progress: Callable[[int, int], None] | None = None,
) -> DemoRegister:
    """A new register with fictional agency settings, the agency's operators and ``clients`` fictional clients."""
    # Imported here: the GUI reads DEMO_USER/DEMO_PASSWORD on its start-up path, which must stay light.
    from hartdesk.dates import uk_today
    from hartdesk.models.base import utcnow
    from hartdesk.privacy import demo_breaches, demo_requests
    from hartdesk.register import demo_data
    from hartdesk.security import audit
    from hartdesk.storage import register as register_mod

    if path.exists() and any(path.iterdir()):
        raise RegisterExistsError(f"{path} already exists; the demo makes a new register in an empty folder.")
    created, reg = register_mod.create(path, DEMO_USER, "Demo Administrator", password)
    try:
        with reg.session() as session:
            settings_mod.save(session, DEMO_SETTINGS)
            audit.record(session, DEMO_USER, "settings.changed", "settings", {"fields": ["agency details"]})
            operator_ids = demo_data.add_operators(session, DEMO_USER)
            demo_data.add_clients(session, DEMO_USER, clients, operator_ids, progress=progress)
            if clients:
                audit.record(session, DEMO_USER, "demo.clients", "", {"clients": clients})
            demo_requests.add_requests(session, DEMO_USER, DEMO_SETTINGS, uk_today())
            demo_breaches.add_breaches(session, DEMO_USER, DEMO_SETTINGS, utcnow())
    finally:
        reg.close()
    return DemoRegister(path, created.register_id, DEMO_USER, password, created.recovery_key)
