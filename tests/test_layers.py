"""Layer rules of DESIGN.md: only hartdesk.ui imports Qt, and the start-up path stays light."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import hartdesk


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(hartdesk.__path__, "hartdesk."):
        if info.name.startswith(("hartdesk.ui", "hartdesk.storage.migrations")):
            continue
        names.append(info.name)
    return names


def test_no_core_module_loads_qt() -> None:
    modules = _core_modules()
    assert "hartdesk.security.signin" in modules and "hartdesk.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qtawesome'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_import_linter_contracts_hold() -> None:
    lint = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    result = subprocess.run([lint], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_the_qt_contract_names_every_module_outside_the_ui() -> None:
    """A new top-level module or package is not covered by the contract until it is listed there."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(hartdesk.__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == "Only hartdesk.ui touches Qt"
    )
    top_level = {f"hartdesk.{info.name}" for info in pkgutil.iter_modules(hartdesk.__path__)}
    assert set(contract["source_modules"]) == top_level - {"hartdesk.ui", "hartdesk.cli", "hartdesk.__main__"}
