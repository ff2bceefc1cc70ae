"""``hartdesk --version``: the version from pyproject.toml, printed without opening a register or loading Qt."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import run_cli

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def pyproject_version() -> str:
    return str(tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"])


def test_the_package_version_is_the_one_in_pyproject() -> None:
    from hartdesk import __version__

    assert __version__ == pyproject_version()


def test_version_prints_the_name_and_version_and_exits_0(tmp_path: Path) -> None:
    missing = tmp_path / "no-register-here"
    code, out, err = run_cli("--version", "--register", str(missing))
    assert (code, out, err) == (0, f"hartdesk {pyproject_version()}\n", "")
    assert not missing.exists()


def test_version_loads_neither_qt_nor_sqlalchemy() -> None:
    code = (
        "import sys, io; from hartdesk.cli import Io, main; out = io.StringIO();"
        "rc = main(['--version'], Io(io.StringIO(), out, io.StringIO()));"
        "print(rc, out.getvalue().strip(), [m for m in ('PySide6', 'sqlalchemy') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == f"0 hartdesk {pyproject_version()} []"
