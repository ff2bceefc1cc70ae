"""An erasure against a real Secret Service (GNOME Keyring on a private D-Bus bus; see conftest.py): the client's own
login's secret leaves the keyring, the login it shares with another client keeps its secret."""

from __future__ import annotations

from typing import Any

import keyring.backend
import pytest
from sqlalchemy import func, select

from hartdesk import settings as settings_mod
from hartdesk.models import PendingKeyringDeletion
from hartdesk.privacy import erasure
from hartdesk.security import keyrings
from tests.conftest import ADMIN
from tests.integration.conftest import SecretService
from tests.privacy.erasure_scenario import SECRET_OWN, SECRET_SHARED, TODAY, Scenario, build

pytestmark = pytest.mark.integration


def lookup(secret_service: SecretService, service: str, username: str) -> str | None:
    """What ``secret-tool`` (libsecret, not Python) finds in the keyring; None when nothing."""
    found = secret_service.secret_tool("lookup", "service", service, "username", username)
    return found.stdout if found.returncode == 0 else None


@pytest.fixture
def scenario(real_keyring: keyring.backend.KeyringBackend, signed_in_admin: Any) -> Scenario:
    """The erasure scenario, its two logins' secrets stored in the real Secret Service."""
    return build(signed_in_admin)


def test_an_erasure_deletes_the_own_logins_secret_from_the_secret_service(
    scenario: Scenario, secret_service: SecretService
) -> None:
    sc = scenario
    service = keyrings.service_name(sc.who.register.register_id)
    own, shared = f"credential:{sc.login_own}", f"credential:{sc.login_shared}"
    assert lookup(secret_service, service, own) == SECRET_OWN
    assert lookup(secret_service, service, shared) == SECRET_SHARED
    with sc.who.register.session() as s:
        settings = settings_mod.load(s)
        plan = erasure.plan(s, sc.client_ref, settings, TODAY, request_ref=sc.request_ref)

    result = erasure.erase(sc.who.register, ADMIN, plan, settings, TODAY)

    assert result.keyring_entries_left == 0
    assert lookup(secret_service, service, own) is None
    assert lookup(secret_service, service, f"{own}:otp") is None
    assert lookup(secret_service, service, shared) == SECRET_SHARED
    with sc.who.register.session() as s:
        assert s.scalar(select(func.count()).select_from(PendingKeyringDeletion)) == 0
