"""UI test fixtures: an unexpected error fails the test instead of opening a modal crash dialog."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def unexpected_errors_fail_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    import hartdesk.ui.crash as crash

    def reraise(exc: BaseException, parent: object = None) -> None:
        raise exc

    monkeypatch.setattr(crash, "report_unexpected", reraise)
