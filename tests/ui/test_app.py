"""Starting the GUI: `hartdesk gui --smoke-test` in a real process, and how the register folder is judged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hartdesk.ui.app import Folder, classify_folder
from tests.conftest import TemplateRegister


def run_gui(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HARTDESK_HOME=str(home))
    env.pop("HARTDESK_REGISTER", None)
    return subprocess.run(
        [sys.executable, "-m", "hartdesk.cli", "gui", "--smoke-test", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_smoke_test_opens_sign_in_on_a_register(tmp_path: Path, template_register: TemplateRegister) -> None:
    register = tmp_path / "register"
    shutil.copytree(template_register.path, register)
    result = run_gui(tmp_path / "home", "--register", str(register))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_smoke_test_opens_the_wizard_on_an_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_gui(tmp_path / "home", "--register", str(empty))
    assert result.returncode == 0, result.stderr
    assert list(empty.iterdir()) == []  # the wizard writes nothing until the admin presses "Create register"


def test_a_folder_holding_something_else_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff\xd8")
    result = run_gui(tmp_path / "home", "--register", str(other))
    assert result.returncode == 1
    assert "is not a hartdesk register" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in other.iterdir()] == ["holiday.jpg"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (None, Folder.NEW),
        ([], Folder.NEW),
        (["register.db", "keys.json"], Folder.REGISTER),
        (["keys.json"], Folder.FOREIGN),
        (["notes.txt"], Folder.FOREIGN),
    ],
)
def test_classify_folder(tmp_path: Path, files: list[str] | None, expected: Folder) -> None:
    folder = tmp_path / "folder"
    if files is not None:
        folder.mkdir()
        for name in files:
            (folder / name).write_bytes(b"x")
    assert classify_folder(folder) is expected
