"""The register's command line: clients list/show, operators list, import, export, demo --clients."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_as_admin, run_cli


def test_clients_list_searches_and_prints_json(built_register: Path) -> None:
    code, out, err = run_as_admin(built_register, "clients", "list", "--search", "020 7946 0018", "--json")
    assert (code, err) == (0, "")
    assert [(c["ref"], c["name"]) for c in json.loads(out)] == [("C-00001", "Zoë Łukasiewicz-Öztürk")]
    code, out, _ = run_as_admin(built_register, "clients", "list")
    assert [line.split()[0] for line in out.splitlines()] == ["C-00002", "C-00003", "C-00001"]


def test_clients_show_gives_everything_held_including_who_holds_what(built_register: Path) -> None:
    code, out, _ = run_as_admin(built_register, "clients", "show", "c-00001", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ref"] == "C-00001" and data["marketing_consent"] == "given"
    assert data["contacts"][0]["phones"] == ["+442079460018"]
    assert [s["identifier"] for s in data["services"]] == ["lukasiewicz.example", "lukasiewicz.example"]
    assert [i["number"] for i in data["invoices"]] == ["INV-2", "INV-1"]
    recipients = {r["operator_name"]: r["categories"] for r in data["who_holds_what"]["recipients"]}
    assert recipients == {"Fasthosts": ["contact", "domain_registrant", "hosted_content"], "Mailchimp": ["contact"]}
    code, _, err = run_as_admin(built_register, "clients", "show", "C-04040")
    assert (code, err) == (1, "hartdesk: There is no client C-04040.\n")


def test_operators_list_json(built_register: Path) -> None:
    code, out, _ = run_as_admin(built_register, "operators", "list", "--json")
    assert code == 0
    rows = {o["name"]: o for o in json.loads(out)}
    assert rows["GoDaddy"]["country_name"] == "United States" and rows["GoDaddy"]["safeguard"] == "uk_adequacy"
    assert rows["Mailchimp"]["serves_every_client"] is True and rows["Fasthosts"]["services"] == 2


def test_import_dry_run_then_import_then_export(built_register: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\r\nOne Ltd,one@x.example\r\nTwo Ltd,not-an-email\r\n", encoding="utf-8")
    code, out, err = run_as_admin(built_register, "import", "clients", str(bad))
    assert code == 1
    assert err.splitlines() == [
        "line 3 [email] error: “not-an-email” is not a valid email address: An email address must have an @-sign.",
        "hartdesk: 1 problem(s) in bad.csv (2 rows); nothing was imported.",
    ]
    good = tmp_path / "good.csv"
    good.write_text("name,email\r\nOne Ltd,one@x.example\r\nTwo Ltd,two@x.example\r\n", encoding="utf-8")
    assert run_as_admin(built_register, "import", "clients", str(good), "--dry-run")[1] == (
        "2 clients checked; nothing was written (--dry-run).\n"
    )
    assert run_as_admin(built_register, "clients", "list", "--search", "x.example")[1] == ""
    assert run_as_admin(built_register, "import", "clients", str(good))[1] == "2 clients imported.\n"
    out_file = tmp_path / "out.csv"
    code, out, _ = run_as_admin(built_register, "export", "clients", str(out_file))
    assert (code, out) == (0, f"5 clients exported to {out_file}\n")
    assert "Two Ltd" in out_file.read_text(encoding="utf-8-sig")


def test_demo_with_clients_fills_the_register(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    code, out, _ = run_cli("demo", "--register", str(target), "--clients", "40")
    assert code == 0 and "40 fictional clients" in out
    code, out, _ = run_cli(
        "clients",
        "list",
        "--json",
        "--register",
        str(target),
        "--user",
        "admin",
        "--password-stdin",
        stdin="hartdesk-demo-2026\n",
    )
    rows = json.loads(out)
    assert len(rows) == 40
    assert any(ord(ch) > 255 for row in rows for ch in row["name"])  # names from many countries
    code, out, _ = run_cli(
        "operators",
        "list",
        "--json",
        "--register",
        str(target),
        "--user",
        "admin",
        "--password-stdin",
        stdin="hartdesk-demo-2026\n",
    )
    names = {o["name"]: o for o in json.loads(out)}
    assert {"GoDaddy", "Fasthosts", "CDN77", "Platinum Server Management", "Amazon S3", "myJoomla", "Mailchimp"} <= set(
        names
    )
    assert names["Fasthosts"]["safeguard"] == "not_restricted" and names["Mailchimp"]["country"] == "US"
