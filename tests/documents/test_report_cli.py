"""`hartdesk report data|dpa|letter`: the same documents as the screens, written to a file and recorded."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from hartdesk.dates import uk_today
from tests.conftest import run_as_admin

ZOE = "C-00001"  # the first client of the hand-built register


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def test_data_report_writes_the_pdf_and_the_portable_copies_beside_it(built_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "zoe.pdf"
    code, printed, err = run_as_admin(built_register, "report", "data", "--client", ZOE, "--out", str(out), "--for",
                                      "email")  # fmt: skip
    assert (code, err) == (0, "")
    files = [Path(line) for line in printed.splitlines()]
    assert files[0] == out and {f.suffix for f in files} == {".pdf", ".json", ".csv"}
    assert all(f.exists() for f in files)
    assert "Zoë Łukasiewicz-Öztürk" in _text(out)
    held = json.loads(next(f for f in files if f.suffix == ".json").read_text(encoding="utf-8"))
    assert held["client_ref"] == ZOE


def test_a_protected_report_cannot_be_read_without_its_password(built_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "zoe.pdf"
    code, printed, _ = run_as_admin(
        built_register, "report", "data", "--client", ZOE, "--out", str(out), "--for", "email",
        "--pdf-password-stdin", more_stdin="Tell-By-Phone-2026\n",
    )  # fmt: skip
    assert code == 0
    assert printed.splitlines() == [str(out)]  # nothing readable is left beside a protected PDF
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.PdfReadError):
        reader.pages[0].extract_text()
    assert reader.decrypt("Tell-By-Phone-2026")
    assert "Zoë" in reader.pages[0].extract_text()


def test_a_dpa_needs_the_person_who_signs_for_the_agency(built_register: Path, tmp_path: Path) -> None:
    code, _, err = run_as_admin(built_register, "report", "dpa", "--client", ZOE, "--out", str(tmp_path / "d.pdf"))
    assert code == 1 and "Settings" in err and "Traceback" not in err
    assert not (tmp_path / "d.pdf").exists()


def test_a_letter_is_written_and_appears_on_the_request_timeline(built_register: Path, tmp_path: Path) -> None:
    code, out, _ = run_as_admin(
        built_register, "requests", "log", "--type", "access", "--channel", "email", "--received",
        uk_today().isoformat(), "--name", "Søren Ærø", "--email", "soren@example.dk",
    )  # fmt: skip
    ref = out.split()[0]
    letter = tmp_path / "ack.pdf"
    code, _, err = run_as_admin(built_register, "report", "letter", "acknowledgement", "--request", ref, "--out",
                                str(letter), "--for", "email")  # fmt: skip
    assert (code, err) == (0, "")
    assert "Søren Ærø" in _text(letter) and ref in _text(letter)
    _, shown, _ = run_as_admin(built_register, "requests", "show", ref)
    assert "Produced: Acknowledgement" in shown


def test_an_unknown_letter_kind_is_named_with_the_kinds_there_are(built_register: Path, tmp_path: Path) -> None:
    code, _, err = run_as_admin(built_register, "report", "letter", "bogus", "--request", "R-2026-0001", "--out",
                                str(tmp_path / "x.pdf"))  # fmt: skip
    assert code == 1 and "acknowledgement" in err


def test_erasure_letters_come_from_the_erasure_done(register_dir: Path, tmp_path: Path) -> None:
    from hartdesk import settings as settings_mod
    from hartdesk.privacy import erasure
    from hartdesk.security.signin import sign_in
    from tests.conftest import ADMIN, ADMIN_PASSWORD
    from tests.privacy.erasure_scenario import TODAY, build

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    scenario = build(who)
    ref = scenario.request_ref
    who.lock()
    letter = tmp_path / "confirmation.pdf"
    args = ("report", "letter", "erasure-confirmation", "--request", ref, "--out", str(letter), "--for", "email")
    code, _, err = run_as_admin(register_dir, *args)
    assert code == 1 and "Nothing was erased under" in err

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    with who.register.session() as s:
        settings = settings_mod.load(s)
        plan = erasure.plan(s, scenario.client_ref, settings, TODAY, request_ref=ref)
    erasure.erase(who.register, ADMIN, plan, settings, TODAY)
    who.lock()
    code, _, err = run_as_admin(register_dir, *args)
    assert (code, err) == (0, "")
    assert "INV-7001" in _text(letter) and "We have erased your personal data" in _text(letter)

    notice = tmp_path / "fasthosts.pdf"
    code, _, err = run_as_admin(
        register_dir, "report", "letter", "operator-notice", "--request", ref, "--operator",
        str(scenario.fasthosts), "--out", str(notice),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Domain registrant" in _text(notice)
    code, _, err = run_as_admin(
        register_dir, "report", "letter", "operator-notice", "--request", ref, "--operator", "999",
        "--out", str(tmp_path / "nobody.pdf"), "--for", "email",
    )  # fmt: skip
    assert code == 1 and "No notice to that operator" in err
