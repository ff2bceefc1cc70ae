"""`hartdesk report ropa`: both Art. 30 records written to a PDF (and a CSV), recorded in the audit log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pypdf
import pytest

from hartdesk.documents.ropa import CONTROLLER_HEADING, CSV_COLUMNS, PROCESSOR_HEADING
from tests.conftest import STAFF, STAFF_PASSWORD, run_as_admin, run_cli

ZOE = "C-00001"  # the first client of the hand-built register


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own for the files written (the register lives in tmp_path too)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).split())


def test_ropa_writes_the_pdf_and_the_csv_and_records_it(built_register: Path, out: Path) -> None:
    pdf, table = out / "ropa.pdf", out / "ropa.csv"
    code, printed, err = run_as_admin(built_register, "report", "ropa", "--out", str(pdf), "--csv", str(table))
    assert (code, err) == (0, "")
    assert printed.splitlines() == [str(pdf), str(table)]
    text = _text(pdf)
    assert CONTROLLER_HEADING in text and PROCESSOR_HEADING in text
    assert "GoDaddy: United States — UK adequacy regulations" in text and f"{ZOE} Zoë Łukasiewicz-Öztürk" in text
    with table.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["controller_ref"] for r in rows if r["record"] == "processor"] == [ZOE]
    code, shown, _ = run_as_admin(built_register, "audit", "--action", "document.produced", "--json")
    assert code == 0
    produced = json.loads(shown)
    assert [json.loads(r["details"])["kind"] for r in produced] == ["ropa"]
    code, shown, _ = run_as_admin(built_register, "audit", "--action", "document.delivered", "--json")
    assert [json.loads(r["details"])["delivery"] for r in json.loads(shown)] == ["saved"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_without_csv_only_the_pdf_is_written_and_staff_may_produce_it(built_register: Path, out: Path) -> None:
    pdf = out / "ropa.pdf"
    code, printed, err = run_cli(
        "report", "ropa", "--out", str(pdf), "--register", str(built_register), "--user", STAFF, "--password-stdin",
        stdin=STAFF_PASSWORD + "\n",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert printed.splitlines() == [str(pdf)]
    assert [p.name for p in out.iterdir()] == ["ropa.pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")


def test_an_unwritable_path_is_refused_with_one_clear_line(built_register: Path, out: Path) -> None:
    missing = out / "no such folder" / "ropa.pdf"
    code, _, err = run_as_admin(built_register, "report", "ropa", "--out", str(missing))
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("hartdesk: ") and f"{missing} cannot be written" in err

    # A CSV that cannot be written stops the PDF too: nothing is written by halves.
    pdf = out / "ropa.pdf"
    code, _, err = run_as_admin(
        built_register, "report", "ropa", "--out", str(pdf), "--csv", str(out / "gone" / "ropa.csv")
    )
    assert code == 1 and "ropa.csv cannot be written" in err and not pdf.exists()

    # A folder where the file should go: the write itself fails, and says why.
    code, _, err = run_as_admin(built_register, "report", "ropa", "--out", str(out))
    assert code == 1 and err.count("\n") == 1 and f"{out} cannot be written" in err


def test_the_csv_needs_a_file_of_its_own(built_register: Path, out: Path) -> None:
    same = out / "ropa.pdf"
    code, _, err = run_as_admin(built_register, "report", "ropa", "--out", str(same), "--csv", str(same))
    assert code == 1 and "file of its own" in err and not same.exists()


def test_ropa_needs_its_out_file(built_register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run_as_admin(built_register, "report", "ropa")
    assert exc.value.code == 2 and "--out" in capsys.readouterr().err
