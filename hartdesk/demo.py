"""A demo register with fictional agency details and a demo admin, so a newcomer sees a working app."""

from __future__ import annotations

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
)


@dataclass(frozen=True)
class DemoRegister:
    path: Path
    register_id: str
    username: str
    password: str
    recovery_key: str


def create_demo(path: Path, password: str = DEMO_PASSWORD) -> DemoRegister:
    # Imported here: the GUI reads DEMO_USER/DEMO_PASSWORD on its start-up path, which must stay light.
    from hartdesk.security import audit
    from hartdesk.storage import register as register_mod

    if path.exists() and any(path.iterdir()):
        raise RegisterExistsError(f"{path} already exists; the demo makes a new register in an empty folder.")
    created, reg = register_mod.create(path, DEMO_USER, "Demo Administrator", password)
    try:
        with reg.session() as session:
            settings_mod.save(session, DEMO_SETTINGS)
            audit.record(session, DEMO_USER, "settings.changed", "settings", {"fields": ["agency details"]})
    finally:
        reg.close()
    return DemoRegister(path, created.register_id, DEMO_USER, password, created.recovery_key)
