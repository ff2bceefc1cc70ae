"""CSV import (all or nothing, every problem listed first) and export (formulas neutralised)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from hartdesk.errors import ValidationError
from hartdesk.models import Client, Invoice, Service
from hartdesk.register import csvio, search
from hartdesk.register.csvio import CsvError, ImportKind
from tests.conftest import ADMIN
from tests.register.conftest import HandBuilt

HEADER = "name,type,contact_name,email,phone,address_line1,town,postcode,country,customer_centre_ref\r\n"


def _plan(hb: HandBuilt, kind: ImportKind, data: bytes) -> csvio.ImportPlan:
    table = csvio.read_csv(data)
    with hb.session() as s:
        return csvio.plan_import(s, kind, table, csvio.guess_mapping(kind, table.headers))


def _import(hb: HandBuilt, kind: ImportKind, data: bytes) -> int:
    table = csvio.read_csv(data)
    with hb.session() as s:
        plan = csvio.plan_import(s, kind, table, csvio.guess_mapping(kind, table.headers))
        return csvio.commit_import(s, ADMIN, plan)


def _counts(hb: HandBuilt) -> tuple[int, int, int]:
    with hb.session() as s:
        return tuple(int(s.scalar(select(func.count(m.id))) or 0) for m in (Client, Service, Invoice))  # type: ignore[return-value]


def test_a_file_with_errors_lists_every_problem_and_writes_nothing(hand_built: HandBuilt) -> None:
    before = _counts(hand_built)
    data = (
        HEADER
        + "Good Ltd,organisation,Ann,ann@good.example,020 7946 0100,1 Road,Leeds,LS1 4AP,UK,\r\n"
        + ",organisation,Bob,bob@x.example,,,,,,\r\n"
        + "Bad Email Ltd,,Cy,not-an-email,12,2 Road,York,NOPE,,\r\n"
        + "Dup Ltd,,Di,zoe@lukasiewicz.example,,,,,,CC-1001\r\n"
        + '"=HYPERLINK(""http://evil.example"")",,,,,,,,,\r\n'
    ).encode()
    plan = _plan(hand_built, ImportKind.CLIENTS, data)
    assert [(p.line, p.column, p.warning) for p in plan.problems] == [
        (3, "name", False),
        (4, "email", False),
        (4, "phone", False),
        (4, "postcode", False),
        (5, "customer_centre_ref", False),
        (5, "email", True),
    ]
    with pytest.raises(ValidationError, match="nothing was imported"), hand_built.session() as s:
        csvio.commit_import(s, ADMIN, plan)
    assert _counts(hand_built) == before


def test_a_clean_file_is_imported_whole_and_found_by_search(hand_built: HandBuilt) -> None:
    data = (
        HEADER
        + "Good Ltd,organisation,Ann,ann@good.example,020 7946 0100,1 Road,Leeds,ls14ap,,\r\n"
        + "Ñoño Pérez,individual,,nono@perez.example,,,,,Spain,CC-77\r\n"
    ).encode()
    assert _import(hand_built, ImportKind.CLIENTS, data) == 2
    with hand_built.session() as s:
        rows = search.list_clients(s, search.ClientQuery(text="nono perez"))
        assert [(r.ref, r.name, r.email) for r in rows] == [("C-00005", "Ñoño Pérez", "nono@perez.example")]
        assert [r.postcode for r in search.list_clients(s, search.ClientQuery(text="good ltd"))] == ["LS1 4AP"]


def test_windows_1252_and_utf8_with_bom_and_semicolons_are_read(hand_built: HandBuilt) -> None:
    cp1252 = "name;email\r\nÑoño Café;cafe@x.example\r\n".encode("cp1252")
    table = csvio.read_csv(cp1252)
    assert (table.encoding, table.delimiter, table.rows) == ("Windows-1252", ";", [["Ñoño Café", "cafe@x.example"]])
    bom = "\ufeffname,email\r\nZoë,z@x.example\r\n".encode()
    assert csvio.read_csv(bom).headers == ["name", "email"]
    utf16 = "name\tnotes\r\nŁukasz\tx\r\n".encode("utf-16")
    assert csvio.read_csv(utf16).rows == [["Łukasz", "x"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"name\r\n\x81\x8d\x8f", "encoding"),
        (b'name\r\n"unclosed, quote\r\n', "quotes"),
        (b"name\r\n" + b"x" * (200 * 1024) + b"\r\n", "too long"),
    ],
)
def test_unreadable_files_get_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(CsvError, match=message):
        csvio.read_csv(data)


def test_a_file_without_a_required_column_says_which(hand_built: HandBuilt) -> None:
    with pytest.raises(CsvError, match="no column for: name"):
        _plan(hand_built, ImportKind.CLIENTS, b"email\r\nx@y.example\r\n")


def test_export_neutralises_formulas_and_reimports_them_as_text(hand_built: HandBuilt, tmp_path: Path) -> None:
    name = '=HYPERLINK("http://evil.example","Click")'
    _import(hand_built, ImportKind.CLIENTS, (HEADER + f'"{name.replace(chr(34), chr(34) * 2)}",,,,,,,,,\r\n').encode())
    out = tmp_path / "clients.csv"
    with hand_built.session() as s:
        assert csvio.export_clients(s, out) == 4
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    exported = next(r for r in rows if "HYPERLINK" in r["name"])
    assert exported["name"] == "'" + name
    assert next(r for r in rows if r["reference"] == "C-00001")["phone"] == "020 7946 0018"
    # Re-imported (without the account references that would clash), the name comes back exactly.
    table = csvio.read_csv(raw)
    mapping = csvio.guess_mapping(ImportKind.CLIENTS, table.headers) | {"customer_centre_ref": None, "email": None}
    with hand_built.session() as s:
        plan = csvio.plan_import(s, ImportKind.CLIENTS, table, mapping)
        assert plan.ok, plan.problems
        names = [item.data.name for _, item in plan.items]
    assert name in names and "Zoë Łukasiewicz-Öztürk" in names


def test_services_and_invoices_import_against_existing_clients(hand_built: HandBuilt) -> None:
    services_csv = (
        b"client_reference,kind,identifier,operators,renewal_date\r\n"
        b"C-00002,Domain registration,acme.example,GoDaddy,31/03/2027\r\n"
        b"C-00002,web hosting,acme.example,Fasthosts;GoDaddy,\r\n"
    )
    assert _import(hand_built, ImportKind.SERVICES, services_csv) == 2
    bad = b"client_reference,kind,identifier\r\nC-09999,cdn,x.example\r\nC-00002,teleport,x\r\n"
    plan = _plan(hand_built, ImportKind.SERVICES, bad)
    assert [(p.line, p.column) for p in plan.problems] == [(2, "client_reference"), (3, "kind")]
    invoices_csv = (
        "client_reference,number,date,amount,status\r\n"
        'C-00002,INV-9,2026-01-05,"£1,234.50",paid\r\n'
        "C-00002,INV-1,2026-01-06,10,\r\n"  # INV-1 is already in the register
        "C-00002,INV-10,2026-13-01,10.001,\r\n"
    ).encode()
    plan = _plan(hand_built, ImportKind.INVOICES, invoices_csv)
    assert [(p.line, p.column) for p in plan.problems] == [(3, "number"), (4, "date"), (4, "amount")]
    ok = b'client_reference,number,date,amount\r\nC-00002,INV-9,2026-01-05,"1,234.50"\r\n'
    assert _import(hand_built, ImportKind.INVOICES, ok) == 1
    with hand_built.session() as s:
        invoice = s.scalar(select(Invoice).where(Invoice.number == "INV-9"))
        assert invoice is not None and invoice.amount_pence == 123450 and invoice.billed_name == "Acme Widgets Ltd"


_cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["=1+1", "@SUM(A1)", "+44 20 7946 0018", "x@y.example", "SW1A 1AA", "organisation", '"', ",", "\r\n", "GB980780684"]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from([c.key for c in csvio.CLIENT_COLUMNS] + ["junk"]), min_size=0, max_size=8),
    rows=st.lists(st.lists(_cells, max_size=9), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    raw_tail=st.binary(max_size=8),
)
def test_fuzzed_csv_only_ever_fails_with_a_validation_error_and_never_half_writes(
    hand_built: HandBuilt, header: list[str], rows: list[list[str]], encoding: str, raw_tail: bytes
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    data = buffer.getvalue().encode(encoding, errors="replace") + raw_tail
    before = _counts(hand_built)
    try:
        table = csvio.read_csv(data)
        with hand_built.session() as s:
            plan = csvio.plan_import(
                s, ImportKind.CLIENTS, table, csvio.guess_mapping(ImportKind.CLIENTS, table.headers)
            )
            written = csvio.commit_import(s, ADMIN, plan)
    except ValidationError:
        assert _counts(hand_built) == before
    else:
        assert _counts(hand_built)[0] == before[0] + written


def test_the_readme_documents_every_csv_column() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for kind in ImportKind:
        section = readme.split(f"**{kind.value}.csv**", 1)[1].split("\n\n**", 1)[0].split("\n## ", 1)[0]
        assert [c.key for c in csvio.COLUMNS[kind]] == [
            line.split("`")[1] for line in section.splitlines() if line.startswith("| `")
        ]


def test_problems_name_the_file_line_even_after_blank_lines_and_multi_line_cells(hand_built: HandBuilt) -> None:
    data = b'name,email,notes\r\n\r\nOne Ltd,one@x.example,"two\r\nlines"\r\nTwo Ltd,bad,\r\n'
    plan = _plan(hand_built, ImportKind.CLIENTS, data)
    assert [(p.line, p.column) for p in plan.problems] == [(5, "email")]


@pytest.mark.parametrize("value", ["=1+1", "'=1+1", "''@x", "+44 20 7946 0018", "-5", "plain", "'quoted'"])
def test_neutralising_round_trips_exactly(value: str) -> None:
    assert csvio.unneutralise(csvio.neutralise(value)) == value
    assert not csvio.neutralise(value).startswith(csvio.FORMULA_START)
