"""`hartdesk requests ...`: log, import an email, list what is due, show one (against the real template register,
created today, so requests here arrive today)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from hartdesk.dates import UK, uk_today
from tests.conftest import run_as_admin
from tests.privacy.mailfixtures import Eml, Msg, make_pdf


def _log(register_dir: Path, *more: str, received: str = "", kind: str = "access") -> tuple[int, str, str]:
    """``hartdesk requests log`` by email for "A Person", received today unless said otherwise."""
    when = received or uk_today().isoformat()
    args = ["--type", kind, "--channel", "email", "--received", when, "--name", "A Person", *more]
    return run_as_admin(register_dir, "requests", "log", *args)


def test_log_prints_the_reference_and_due_date(register_dir: Path) -> None:
    today = uk_today().isoformat()
    code, out, err = run_as_admin(
        register_dir, "requests", "log", "--type", "erasure", "--channel", "phone", "--received", today,
        "--name", "Søren Ærø", "--email", "soren@example.dk", "--note", "Close my account and forget me",
    )  # fmt: skip
    assert (code, err) == (0, "")
    first = out.splitlines()[0]
    ref, word, due = first.split()
    assert ref.startswith(f"R-{uk_today().year}-") and word == "due"
    code, shown, _ = run_as_admin(register_dir, "deadline", "--received", today)
    assert due == shown.splitlines()[0]  # the same engine as `hartdesk deadline`

    code, out, _ = run_as_admin(register_dir, "requests", "show", ref, "--json")
    detail = json.loads(out)
    assert detail["requester_name"] == "Søren Ærø"
    assert detail["details"] == "Close my account and forget me"


def test_a_second_request_from_the_same_email_is_logged_with_a_warning(register_dir: Path) -> None:
    _, first, _ = _log(register_dir, "--email", "a@example.com")
    code, second, _ = _log(register_dir, "--email", "a@example.com")
    assert code == 0
    assert f"warning: {first.split()[0]}" in second and "same email" in second


def test_log_refuses_a_date_before_the_register_existed_and_saves_nothing(register_dir: Path) -> None:
    last_year = (uk_today() - timedelta(days=400)).isoformat()
    code, _, err = _log(register_dir, received=last_year, kind="access")
    assert code == 1 and "register was created on" in err and "Traceback" not in err
    _, out, _ = run_as_admin(register_dir, "requests", "list", "--json")
    assert json.loads(out) == []


def test_import_eml_reads_sender_date_and_attachments(register_dir: Path, tmp_path: Path) -> None:
    sent = datetime.now(UK).replace(microsecond=0)
    eml = Eml(
        sender_name="Zoë Łukasiewicz-Öztürk",
        sender_email="zoe@lukasiewicz.example",
        date=format_datetime(sent),
        attachments=[("passport.pdf", "application/pdf", make_pdf())],
    )
    path = tmp_path / "request.eml"
    path.write_bytes(eml.build())
    code, out, err = run_as_admin(register_dir, "requests", "import-eml", str(path), "--type", "access")
    assert (code, err) == (0, "")
    ref = out.split()[0]
    _, shown, _ = run_as_admin(register_dir, "requests", "show", ref, "--json")
    detail = json.loads(shown)
    assert detail["requester_name"] == "Zoë Łukasiewicz-Öztürk"
    assert detail["requester_email"] == "zoe@lukasiewicz.example"
    assert detail["received_on"] == sent.date().isoformat()
    assert detail["channel"] == "email"
    names = sorted((a["filename"], a["is_original"]) for a in detail["attachments"])
    assert names == [("passport.pdf", False), ("request.eml", True)]


def test_import_eml_takes_an_outlook_message_too(register_dir: Path, tmp_path: Path) -> None:
    msg = Msg(sent=datetime.now(UK).replace(microsecond=0), transport_date=None, attachments=[("id.pdf", make_pdf())])
    path = tmp_path / "request.msg"
    path.write_bytes(msg.build())
    code, out, err = run_as_admin(register_dir, "requests", "import-eml", str(path))
    assert (code, err) == (0, "")
    _, shown, _ = run_as_admin(register_dir, "requests", "show", out.split()[0], "--json")
    detail = json.loads(shown)
    assert detail["requester_name"] == "Søren Ærø"
    assert {a["filename"] for a in detail["attachments"]} == {"id.pdf", "request.msg"}


def test_import_eml_refuses_a_file_that_is_not_an_email(register_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "holiday.eml"
    path.write_bytes(b"\x00\x01 not a message at all " * 20)
    code, _, err = run_as_admin(register_dir, "requests", "import-eml", str(path))
    assert code == 1 and "could not be read as an email" in err and "Traceback" not in err


def test_due_lists_open_requests_with_their_countdown(register_dir: Path) -> None:
    _log(register_dir)
    code, out, _ = run_as_admin(register_dir, "requests", "due", "--within", "40", "--json")
    [row] = json.loads(out)
    assert code == 0 and row["countdown"].endswith("working days left")
    code, out, _ = run_as_admin(register_dir, "requests", "due", "--within", "3")
    assert out == ""


def test_every_problem_with_a_logged_request_is_printed(register_dir: Path) -> None:
    future = (uk_today() + timedelta(days=3)).isoformat()
    code, out, err = _log(register_dir, "--email", "not-an-email", received=future)
    assert code == 1 and out == ""
    assert "in the future" in err and "not a valid email address" in err
