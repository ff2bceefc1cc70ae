"""``hartdesk deadline``: the due date on the first line, then the steps; usage errors exit 2.

Expected dates worked out by hand (see test_deadlines.py for the calendar reasoning).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hartdesk.cli import Io, main


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["deadline", *args], io=Io(stdin=io.StringIO(""), stdout=out, stderr=err))
    return code, out.getvalue(), err.getvalue()


def test_ico_example_prints_the_due_date_first_then_the_steps() -> None:
    code, out, err = run("--received", "2024-11-25")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "2024-12-27"
    assert lines[1] == "received Mon 25 Nov 2024 (day 1)"
    assert lines[2] == "one calendar month: 25 Dec 2024"
    assert "Wed 25 Dec 2024 is Christmas Day" in lines[3]
    assert "Thu 26 Dec 2024 is Boxing Day" in lines[3]
    assert lines[3].endswith("so the next working day: Fri 27 Dec 2024")
    assert len(lines) == 4
    assert err == ""


@pytest.mark.parametrize(
    ("args", "due"),
    [
        (["--received", "2024-01-01"], "2024-02-01"),
        (["--received", "2024-01-31"], "2024-02-29"),
        (["--received", "2026-01-31"], "2026-03-02"),
        (["--received", "2026-03-06"], "2026-04-07"),  # Easter Monday 6 Apr in England (the default)
        (["--received", "2026-03-06", "--region", "SCT"], "2026-04-06"),  # ...but not in Scotland
        (["--received", "2026-10-30", "--region", "SCT"], "2026-12-01"),  # St Andrew's Day, Mon 30 Nov
        (["--received", "2026-02-17", "--region", "NIR"], "2026-03-18"),  # St Patrick's Day, Tue 17 Mar
        (["--received", "2026-12-01", "--region", "WLS"], "2027-01-04"),
        (["--received", "2026-01-01", "--period", "28-days"], "2026-01-29"),
        (["--received", "2026-07-01", "--period", "calendar-month"], "2026-08-03"),
        (["--received", "2026-11-25", "--type", "complaint"], "2026-12-24"),  # 25 Dec rolls back for complaints
        (["--received", "2026-11-25", "--type", "erasure"], "2026-12-29"),
    ],
)
def test_due_dates(args: list[str], due: str) -> None:
    code, out, err = run(*args)
    assert code == 0, err
    assert out.splitlines()[0] == due


def test_steps_name_the_region_holiday_and_the_clamping() -> None:
    _, out, _ = run("--received", "2026-01-31")
    assert "28 Feb 2026 is the month's last day" in out
    assert "Sat 28 Feb 2026 is a weekend" in out
    _, out, _ = run("--received", "2026-06-13", "--region", "NIR")
    assert out.splitlines()[0] == "2026-07-14"
    assert "Battle of the Boyne (observed)" in out


def test_json_output() -> None:
    code, out, err = run("--received", "2026-01-31", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["due"] == "2026-03-02"
    assert data["explanation"] == [
        "received Sat 31 Jan 2026 (day 1)",
        "one calendar month: 28 Feb 2026 is the month's last day",
        "Sat 28 Feb 2026 is a weekend, Sun 1 Mar 2026 is a weekend, so the next working day: Mon 2 Mar 2026",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--received", "31/01/2026"],
        ["--received", "2026-02-30"],
        ["--received", "tomorrow"],
        ["--received", ""],
        [],  # --received is required
        ["--received", "2026-01-31", "--region", "IE"],
        ["--received", "2026-01-31", "--period", "30-days"],
        ["--received", "2026-01-31", "--type", "nonsense"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run(*args)
    assert exc.value.code == 2
    assert "hartdesk:" in capsys.readouterr().err


def test_a_bad_date_says_how_to_write_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("--received", "31/01/2026")
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_the_installed_console_script() -> None:
    script = Path(sys.executable).parent / "hartdesk"
    assert script.exists(), f"no console script at {script}"
    result = subprocess.run(
        [str(script), "deadline", "--received", "2024-11-25", "--region", "ENG"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2024-12-27"
    assert lines[1] == "received Mon 25 Nov 2024 (day 1)"
    bad = subprocess.run(
        [str(script), "deadline", "--received", "25/11/2024"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert bad.returncode == 2
    assert "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr
