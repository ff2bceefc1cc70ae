"""The front door: ``hartdesk`` with no command opens the GUI; subcommands do admin work and serve scripts.

Errors a person can act on print one line to stderr and exit 1; usage errors exit 2; nothing prints a traceback
(an unexpected error is written to the log file, whose path is printed).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from hartdesk import BACKUP_SUFFIX, __version__, paths
from hartdesk.errors import FormError, HartdeskError, ValidationError

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn

log = logging.getLogger(__name__)
Handler = Callable[[argparse.Namespace, "Io"], int]


class Io:
    """Standard streams, injectable for tests; reads passwords line by line from stdin."""

    def __init__(
        self, stdin: IO[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None
    ) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def read_line(self, what: str) -> str:
        line = self.stdin.readline()
        if not line:
            raise ValidationError(f"Expected {what} on standard input, but there was none.")
        return line.rstrip("\r\n")


# -- options shared by every command (accepted before or after the command name) ----------------------------------


def _add_common(parser: argparse.ArgumentParser, top: bool) -> None:
    default: Any = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--register",
        type=Path,
        default=default,
        metavar="DIR",
        help="register folder (default: HARTDESK_REGISTER or the user data folder)",
    )
    parser.add_argument("--user", default=default, metavar="NAME", help="staff user name to sign in as")
    parser.add_argument("--totp", default=default, metavar="CODE", help="TOTP code, where the account has TOTP")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="read the password from the first line of standard input",
    )
    parser.add_argument(
        "--json", action="store_true", default=False if top else argparse.SUPPRESS, help="print data as JSON"
    )


def _register_dir(args: argparse.Namespace) -> Path:
    return args.register if args.register is not None else paths.default_register_dir()


def _password(args: argparse.Namespace, io: Io, what: str = "the password") -> str:
    if args.password_stdin:
        return io.read_line(what)
    env = os.environ.get("HARTDESK_PASSWORD")
    if env:
        return env
    if io.stdin.isatty():
        import getpass

        return getpass.getpass(f"Password for {args.user}: ")
    raise ValidationError("Give the password with --password-stdin or the HARTDESK_PASSWORD variable.")


def _new_password(args: argparse.Namespace, io: Io, who: str) -> str:
    """The password for a new or changed account: the next line of stdin, HARTDESK_NEW_PASSWORD, or a prompt."""
    if args.password_stdin:
        return io.read_line(f"the new password for {who} (the second line)")
    env = os.environ.get("HARTDESK_NEW_PASSWORD")
    if env:
        return env
    if io.stdin.isatty():
        import getpass

        first = getpass.getpass(f"New password for {who}: ")
        if getpass.getpass("Repeat it: ") != first:
            raise ValidationError("The two passwords are not the same.")
        return first
    raise ValidationError("Give the new password on the second line of --password-stdin or in HARTDESK_NEW_PASSWORD.")


def _sign_in(args: argparse.Namespace, io: Io) -> SignedIn:
    from hartdesk.security.signin import sign_in

    if not args.user:
        raise ValidationError("Say who you are with --user NAME.")
    return sign_in(_register_dir(args), args.user, _password(args, io), args.totp)


def _emit(args: argparse.Namespace, io: Io, data: Any, lines: Sequence[str]) -> None:
    if args.json:
        io.out(json.dumps(data, indent=2, default=str, ensure_ascii=False))
    else:
        for line in lines:
            io.out(line)


# -- commands -------------------------------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace, io: Io) -> int:
    import importlib

    app = importlib.import_module("hartdesk.ui.app")
    return int(
        app.run(
            register_dir=args.register,
            smoke_test=getattr(args, "smoke_test", False),
            demo=getattr(args, "demo_hint", False),
            backup_file=getattr(args, "backup", None),
        )
    )


def cmd_init(args: argparse.Namespace, io: Io) -> int:
    from hartdesk import settings as settings_mod
    from hartdesk.security import staff
    from hartdesk.storage import register as register_mod

    if not args.password_stdin and not os.environ.get("HARTDESK_PASSWORD"):
        raise ValidationError("Give the admin's password with --password-stdin.")
    admin = staff.check_username(args.admin)
    password = _password(args, io, "the admin's password")
    staff.check_password_quality(password, [admin])
    path = _register_dir(args)
    created, reg = register_mod.create(path, admin, args.admin_name or admin, password)
    try:
        agency = {
            k: v
            for k, v in {
                "agency_name": args.agency_name,
                "agency_address": args.agency_address,
                "agency_email": args.agency_email,
                "agency_ico_number": args.ico_number,
            }.items()
            if v
        }
        if agency:
            with reg.session() as session:
                settings_mod.save(session, settings_mod.Settings(**agency))
        if args.emergency_kit:
            _write_kit(args.emergency_kit, created, settings_mod.Settings(**agency).agency_name)
    finally:
        reg.close()
    io.out(created.register_id)
    if not args.emergency_kit:
        io.stderr.write(f"Recovery key (write it down now, it is shown only once): {created.recovery_key}\n")
    return 0


def _write_kit(out: Path, created: Any, agency_name: str) -> None:
    from hartdesk.documents.emergency_kit import write_emergency_kit

    write_emergency_kit(
        out,
        register_id=created.register_id,
        created_at=created.created_at,
        register_path=created.path,
        recovery_key=created.recovery_key,
        agency_name=agency_name,
    )


def cmd_demo(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.demo import DEMO_PASSWORD, create_demo

    if args.register is None:
        raise ValidationError("Say where to make the demo register with --register DIR.")
    password = io.read_line("the demo password") if args.password_stdin else DEMO_PASSWORD
    if args.clients < 0:
        raise ValidationError("The number of demo clients cannot be negative.")
    demo = create_demo(args.register, password, clients=args.clients)
    io.out(f"Demo register created in {demo.path} with {args.clients} fictional clients")
    io.out(f"  user name: {demo.username}")
    io.out(f"  password:  {demo.password}")
    return 0


def cmd_verify(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.storage.verify import verify

    who = _sign_in(args, io)
    try:
        checks = verify(who.register)
        who.audit("register.verified", f"register:{who.register.register_id}", {"ok": all(c.ok for c in checks)})
    finally:
        who.lock()
    _emit(
        args,
        io,
        [c.__dict__ for c in checks],
        [f"{'ok    ' if c.ok else 'FAILED'} {c.name}: {c.detail}" for c in checks],
    )
    failed = [c for c in checks if not c.ok]
    if failed:
        io.stderr.write(f"The register failed {len(failed)} check(s): {failed[0].name} ({failed[0].detail}).\n")
        return 1
    return 0


def cmd_backup(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.storage.backup import write_backup

    who = _sign_in(args, io)
    try:
        if args.backup_password_stdin:
            backup_password = io.read_line("the backup password")
        else:
            backup_password = os.environ.get("HARTDESK_BACKUP_PASSWORD", "")
        if not backup_password:
            raise ValidationError("Give the backup password with --backup-password-stdin.")
        out = write_backup(who.register, args.out, backup_password)
        who.audit("register.backup", f"register:{who.register.register_id}")
    finally:
        who.lock()
    io.out(str(out))
    return 0


def cmd_restore(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.storage.backup import restore

    if args.register is None:
        raise ValidationError("Say where to restore the register with --register DIR.")
    if args.backup_password_stdin or args.password_stdin:
        password = io.read_line("the backup password")
    else:
        password = os.environ.get("HARTDESK_BACKUP_PASSWORD", "")
    if not password:
        raise ValidationError("Give the backup password with --backup-password-stdin.")
    register_id = restore(args.file, password, args.register)
    io.out(register_id)
    return 0


def cmd_users(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.models import Role
    from hartdesk.security import staff

    who = _sign_in(args, io)
    try:
        if args.users_command == "list":
            rows = staff.list_staff(who)
            _emit(
                args,
                io,
                [r.__dict__ | {"role": r.role.value} for r in rows],
                [
                    f"{r.username:<20} {r.role.value:<6} {'active' if r.active else 'disabled':<9} "
                    f"{'TOTP' if r.totp_enrolled else 'no TOTP'}  {r.display_name}"
                    for r in rows
                ],
            )
        elif args.users_command == "add":
            password = _new_password(args, io, args.name)
            row = staff.add_staff(who, args.name, args.display_name or args.name, Role(args.role), password)
            io.out(f"Added {row.username} ({row.role.value}).")
        elif args.users_command == "disable":
            staff.disable_staff(who, args.name)
            io.out(f"Disabled {args.name}; their key slot was removed and the register re-keyed.")
        elif args.users_command == "enable":
            staff.enable_staff(who, args.name, _new_password(args, io, args.name))
            io.out(f"Enabled {args.name}; they must change the password at their next sign-in.")
        elif args.users_command == "enrol-totp":
            io.out(staff.start_totp_enrolment(who, args.name))
        elif args.users_command == "confirm-totp":
            staff.confirm_totp(who, args.name, args.code)
            io.out(f"TOTP is now active for {args.name}.")
        elif args.users_command == "passwd":
            staff.change_password(who, args.name, _new_password(args, io, args.name))
            io.out(f"Password changed for {args.name}.")
    finally:
        who.lock()
    return 0


def cmd_audit(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.security import audit

    who = _sign_in(args, io)
    try:
        who.require_admin()
        with who.register.session() as session:
            rows = audit.query(session, actor=args.actor, action=args.action, limit=args.limit)
    finally:
        who.lock()
    _emit(
        args,
        io,
        [r.__dict__ for r in rows],
        [f"{r.id:>6} {r.at:%Y-%m-%d %H:%M:%S} {r.actor:<16} {r.action:<28} {r.target}" for r in rows],
    )
    return 0


def cmd_clients(args: argparse.Namespace, io: Io) -> int:
    from dataclasses import asdict
    from datetime import date

    from hartdesk import settings as settings_mod
    from hartdesk.register import clients, search, whoholds

    who = _sign_in(args, io)
    try:
        with who.register.session() as session:
            if args.clients_command == "list":
                query = search.ClientQuery(text=args.search or "")
                rows = search.list_clients(session, query, 0, args.limit)
                total = search.count_clients(session, query)
                _emit(
                    args,
                    io,
                    [asdict(r) for r in rows],
                    [f"{r.ref}  {r.status.value:<9} {r.name}  {r.email}  {r.phone}  {r.postcode}" for r in rows]
                    + (
                        [f"({total - len(rows)} more: narrow the search or raise --limit)"] if total > len(rows) else []
                    ),
                )
            else:
                detail = clients.get_client(session, args.ref)
                held = whoholds.who_holds_what(session, detail.ref, settings_mod.load(session), date.today())
                who.audit("client.viewed", f"client:{detail.ref}", {"via": "cli"})
                data = asdict(detail) | {"marketing_consent": detail.marketing_consent, "who_holds_what": asdict(held)}
                lines = [f"{detail.ref}  {detail.name}  ({detail.status.value})"]
                lines += [f"  {c.name}: {', '.join(c.evidence)}; kept {c.retention}" for c in held.categories]
                lines += [
                    f"  → {r.operator_name} ({r.country_name}): {', '.join(r.category_names)}" for r in held.recipients
                ]
                _emit(args, io, data, lines)
    finally:
        who.lock()
    return 0


def cmd_operators(args: argparse.Namespace, io: Io) -> int:
    from dataclasses import asdict

    from hartdesk.register import operators

    who = _sign_in(args, io)
    try:
        with who.register.session() as session:
            rows = operators.list_operators(session)
            data = []
            for row in rows:
                detail = operators.get_operator(session, row.id)
                data.append(
                    asdict(row)
                    | {
                        "safeguard_label": row.safeguard.label,
                        "contact_email": detail.values.contact_email,
                        "dpa_signed_on": detail.values.dpa_signed_on,
                        "clients": detail.clients,
                        "receives": [asdict(r) for r in detail.rules],
                    }
                )
    finally:
        who.lock()
    _emit(
        args,
        io,
        data,
        [f"{r.name:<28} {r.country_name:<16} {r.safeguard.label:<46} {r.services:>7} services" for r in rows],
    )
    return 0


def cmd_import(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.register import csvio

    kind = csvio.ImportKind(args.kind)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ValidationError(f"Cannot read {args.file}: {exc.strerror or exc}.") from None
    table = csvio.read_csv(data)
    who = _sign_in(args, io)
    try:
        with who.register.session() as session:
            plan = csvio.plan_import(session, kind, table, csvio.guess_mapping(kind, table.headers))
            for problem in plan.problems:
                level = "warning" if problem.warning else "error"
                column = f" [{problem.column}]" if problem.column else ""
                io.stderr.write(f"line {problem.line}{column} {level}: {problem.message}\n")
            if not plan.ok:
                raise ValidationError(
                    f"{len(plan.errors)} problem(s) in {args.file.name} ({plan.rows} rows); nothing was imported."
                )
            if args.dry_run:
                io.out(f"{len(plan.items)} {kind.value} checked; nothing was written (--dry-run).")
                return 0
            count = csvio.commit_import(session, who.username, plan)
    finally:
        who.lock()
    io.out(f"{count} {kind.value} imported.")
    return 0


def cmd_vault(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.errors import TotpNotSetUpError
    from hartdesk.register.clients import client_id_for
    from hartdesk.security.vault import CredentialInput, Vault

    who = _sign_in(args, io)
    try:
        vault = Vault(who)
        if args.vault_command == "add":
            # The login's password (and 2FA key) come after the sign-in password, one line each, kept exactly.
            secret = io.read_line("the login's password (the line after yours)")
            otp_key = io.read_line("the login's 2FA key (the line after its password)") if args.otp_key_stdin else ""
            with who.register.session() as session:
                data = CredentialInput(
                    operator_id=_operator_id(session, args.operator),
                    account_name=args.account,
                    login_url=args.url or "",
                    notes=args.notes or "",
                    client_ids=tuple(client_id_for(session, ref) for ref in args.client or ()),
                    rotate_every_days=args.rotate_every,
                )
            io.out(str(vault.add(data, secret, otp_key)))
        elif args.vault_command == "list":
            client_id = None
            if args.client:
                with who.register.session() as session:
                    client_id = client_id_for(session, args.client)
            rows = vault.rows(args.search or "", client_id=client_id)
            _emit(
                args,
                io,
                [dataclasses.asdict(r) | {"reference": r.reference} for r in rows],
                [_vault_line(r) for r in rows],
            )
        elif args.vault_command == "reveal":
            try:
                secret = vault.reveal(args.id)
            except TotpNotSetUpError:
                raise TotpNotSetUpError(
                    f"Set up TOTP for {who.username} first: the vault shows a password only after a TOTP code. "
                    'In the hartdesk window: Account menu, "Set up two-step sign-in (TOTP)…"; or ask an '
                    "administrator (hartdesk users enrol-totp NAME, then users confirm-totp NAME --code CODE)."
                ) from None
            io.out(secret)
        else:
            reference = vault.get(args.id).reference
            vault.delete(args.id)
            io.out(f"Deleted login {args.id} ({reference}) and its password from the keyring.")
    finally:
        who.lock()
    return 0


def _operator_id(session: Any, name: str) -> int:
    """The operator called ``name`` (case and accents as typed do not matter)."""
    from hartdesk.register import operators
    from hartdesk.register.fields import fold

    known = operators.list_operators(session)
    for row in known:
        if fold(row.name) == fold(name.strip()):
            return int(row.id)
    if not known:
        raise ValidationError(f"There is no operator called {name}: the register has no operators yet.")
    raise ValidationError(
        f"There is no operator called {name}. The register has: {', '.join(sorted(r.name for r in known))}."
    )


def _vault_line(row: Any) -> str:
    extras = [row.login_url, ", ".join(row.clients + row.domains), "2FA" if row.has_otp else ""]
    if row.rotation_due is not None:
        extras.append(f"change by {row.rotation_due.isoformat()}")
    return "  ".join([f"{row.id:>5}", f"{row.operator} — {row.account_name}", *(e for e in extras if e)])


def cmd_breaches(args: argparse.Namespace, io: Io) -> int:
    from datetime import UTC, datetime

    from hartdesk import settings as settings_mod
    from hartdesk.models.enums import BreachDecision, BreachRisk
    from hartdesk.privacy import breaches

    who = _sign_in(args, io)
    now = datetime.now(UTC)
    try:
        with who.register.session() as session:
            if args.breaches_command == "log":
                data = breaches.BreachInput(
                    summary=args.summary,
                    aware_at=args.aware_at,
                    details=args.details or "",
                    occurred_at=args.occurred_at,
                    client_refs=tuple(args.client or ()),
                    operator_ids=tuple(_operator_id(session, name) for name in args.operator or ()),
                    risk=BreachRisk(args.risk) if args.risk else None,
                )
                made = breaches.log_breach(session, who.username, data, settings_mod.load(session), now)
                detail = breaches.get_breach(session, made.ref, now)
                _emit(args, io, _breach_json(detail), _breach_logged_lines(detail))
            elif args.breaches_command == "list":
                rows = [r for r in breaches.list_breaches(session, now) if not args.open or r.closed_at is None]
                lines = [_breach_line(r) for r in rows]
                header = f"{'ref':<11}  {'aware at (UK time)':<25}  {'hours left':<16}  {'risk':<5}  "
                header += f"{'decision':<10}  {'ICO ref':<12}  summary"
                _emit(args, io, [_breach_row_json(r) for r in rows], [header, *lines] if rows else [])
            elif args.breaches_command == "decide":
                breach = breaches.breach_by_ref(session, args.ref)
                if args.not_notify and not (args.reason or "").strip():
                    raise ValidationError(
                        f"Give the reason not to report {breach.ref} to the ICO with --reason TEXT: the breach "
                        "register keeps it (UK GDPR Art. 33(5))."
                    )
                if args.risk:
                    facts = breaches.get_breach(session, breach.ref, now).as_input()
                    facts = dataclasses.replace(facts, risk=BreachRisk(args.risk))
                    breaches.update_breach(session, who.username, breach.ref, facts, settings_mod.load(session), now)
                elif breach.risk is None:
                    raise ValidationError(
                        f"Assess the risk of {breach.ref} first: add --risk none, --risk risk or --risk high."
                    )
                decision = BreachDecision.NOTIFY if args.notify else BreachDecision.NOT_NOTIFY
                breaches.record_decision(session, who.username, breach.ref, decision, args.reason or "", now)
                detail = breaches.get_breach(session, breach.ref, now)
                lines = [f"{detail.ref}  {decision.label}" + (f": {detail.decision_reason}" if args.reason else "")]
                if decision is BreachDecision.NOTIFY and detail.ico_notified_at is None:
                    when = breaches.uk_time(detail.clock.deadline)
                    lines.append(
                        f"Report it to the ICO by {when}."
                        if detail.clock.left.total_seconds() > 0
                        else f"Report it to the ICO now: the 72 hours ended {when}, so give the reasons for the delay."
                    )
                _emit(args, io, _breach_json(detail), lines)
            else:
                detail = breaches.get_breach(session, args.ref, now)
                _emit(args, io, _breach_json(detail), _breach_show_lines(detail))
        if args.breaches_command == "show":
            who.audit("breach.viewed", f"breach:{detail.ref}", {"via": "cli"})
    finally:
        who.lock()
    return 0


def _utc_iso(moment: Any) -> str | None:
    from datetime import UTC

    return None if moment is None else str(moment.astimezone(UTC).isoformat(timespec="seconds"))


def _breach_left(clock: Any, short: bool = False) -> str:
    """45.5 hours left, overdue by 3.0 hours, or decided (short: 45.5 h left, overdue 3.0 h)."""
    if clock.level == "decided":
        return "decided"
    if clock.left.total_seconds() <= 0:
        return f"overdue {-clock.hours_left:.1f} h" if short else f"overdue by {-clock.hours_left:.1f} hours"
    return f"{clock.hours_left:.1f} {'h' if short else 'hours'} left"


def _breach_clock_json(clock: Any) -> dict[str, Any]:
    decided = clock.level == "decided"
    return {
        "deadline": _utc_iso(clock.deadline),
        "hours_left": None if decided else clock.hours_left,  # negative when overdue; none once decided
        "level": clock.level,
    }


def _breach_row_json(row: Any) -> dict[str, Any]:
    return {
        "ref": row.ref,
        "summary": row.summary,
        "aware_at": _utc_iso(row.aware_at),
        **_breach_clock_json(row.clock),
        "risk": row.risk.value if row.risk else None,
        "decision": row.decision.value if row.decision else None,
        "ico_notified_at": _utc_iso(row.ico_notified_at),
        "ico_reference": row.ico_reference,
        "closed_at": _utc_iso(row.closed_at),
        "clients": row.clients,
    }


def _breach_line(row: Any) -> str:
    from hartdesk.privacy.breaches import uk_time

    risk = row.risk.value if row.risk else "-"
    decision = row.decision.value if row.decision else "-"
    return (
        f"{row.ref:<11}  {uk_time(row.aware_at):<25}  {_breach_left(row.clock, short=True):<16}  "
        f"{risk:<5}  {decision:<10}  {row.ico_reference or '-':<12}  {row.summary}"
    )


def _breach_json(d: Any) -> dict[str, Any]:
    return {
        "ref": d.ref,
        "summary": d.summary,
        "details": d.details,
        "occurred_at": _utc_iso(d.occurred_at),
        "occurred_note": d.occurred_note,
        "aware_at": _utc_iso(d.aware_at),
        **_breach_clock_json(d.clock),
        "clients": [{"ref": ref, "name": name} for ref, name in d.clients],
        "affected_clients": [{"ref": ref, "name": name} for ref, name in d.affected_clients],
        "services": [{"id": i, "service": text} for i, text in d.services],
        "operators": [{"id": i, "name": name, "country": country} for i, name, country in d.operators],
        "categories": list(d.categories),
        "people_count": d.people_count,
        "records_count": d.records_count,
        "consequences": d.consequences,
        "measures_taken": d.measures_taken,
        "measures_proposed": d.measures_proposed,
        "risk": d.risk.value if d.risk else None,
        "decision": d.decision.value if d.decision else None,
        "decision_reason": d.decision_reason,
        "decided_at": _utc_iso(d.decided_at),
        "ico_notified_at": _utc_iso(d.ico_notified_at),
        "ico_reference": d.ico_reference,
        "late_reason": d.late_reason,
        "people_told_at": _utc_iso(d.people_told_at),
        "people_told_how": d.people_told_how,
        "controllers_told_at": _utc_iso(d.controllers_told_at),
        "closed_at": _utc_iso(d.closed_at),
        "events": [{"at": _utc_iso(e.at), "kind": e.kind, "summary": e.summary, "by": e.by} for e in d.events],
    }


def _breach_affected(d: Any) -> str:
    count = len(d.affected_clients)
    people = "unknown" if d.people_count is None else str(d.people_count)
    records = "unknown" if d.records_count is None else str(d.records_count)
    return f"{_plural(count, 'client')}, people: {people}, records: {records}"


def _breach_logged_lines(d: Any) -> list[str]:
    from hartdesk.privacy.breaches import uk_time

    lines = [f"{d.ref}  ICO deadline {uk_time(d.clock.deadline)}  ({_breach_left(d.clock)})"]
    lines.append(f"Affected (an estimate to check): {_breach_affected(d)}")
    if d.categories:
        lines.append(f"Categories: {', '.join(d.categories)}")
    return lines


def _breach_show_lines(d: Any) -> list[str]:
    from hartdesk.privacy.breaches import uk_time

    happened = uk_time(d.occurred_at) if d.occurred_at else ""
    happened = "; ".join(x for x in (happened, d.occurred_note) if x) or "not known"
    decision = d.decision.label + (f" ({d.decision_reason})" if d.decision_reason else "") if d.decision else "-"
    ico = "-"
    if d.ico_notified_at is not None:
        ico = uk_time(d.ico_notified_at) + (f", reference {d.ico_reference}" if d.ico_reference else "")
    lines = [
        f"{d.ref}  {d.summary}" + ("  (closed)" if d.closed_at else ""),
        f"  aware since: {uk_time(d.aware_at)}",
        f"  ICO clock:   {d.clock.words()}",
        f"  happened:    {happened}",
        f"  risk:        {d.risk.label if d.risk else 'not assessed yet'}",
        f"  decision:    {decision}",
        f"  told ICO:    {ico}",
        f"  affected:    {_breach_affected(d)}",
    ]
    lines += [f"    {ref}  {name}" for ref, name in d.affected_clients]
    if d.operators:
        lines.append(f"  operators:   {', '.join(f'{name} ({country})' for _, name, country in d.operators)}")
    if d.categories:
        lines.append(f"  categories:  {', '.join(d.categories)}")
    lines.append("Timeline:")
    lines += [f"  {uk_time(e.at)}  {e.summary} ({e.by})" for e in d.events]
    return lines


def cmd_export(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.register import csvio

    who = _sign_in(args, io)
    try:
        with who.register.session() as session:
            count = csvio.export_clients(session, args.file)
        who.audit("export.clients", "", {"rows": count})
    finally:
        who.lock()
    io.out(f"{count} clients exported to {args.file}")
    return 0


# -- parser -----------------------------------------------------------------------------------------------------------


def cmd_requests(args: argparse.Namespace, io: Io) -> int:
    from hartdesk import settings as settings_mod
    from hartdesk.dates import uk_today
    from hartdesk.privacy import requests

    who = _sign_in(args, io)
    today = uk_today()
    try:
        with who.register.session() as session:
            settings = settings_mod.load(session)
            if args.requests_command in ("log", "import-eml"):
                if args.requests_command == "log":
                    data = requests.RequestInput(
                        kind=args.type,
                        channel=args.channel,
                        received_on=args.received,
                        requester_name=args.name,
                        requester_email=args.email or "",
                        requester_phone=args.phone or "",
                        client_ref=args.client or "",
                        details=args.note or "",
                    )
                else:
                    data = _eml_request(args, today)
                dups = requests.likely_duplicates(session, data)
                made = requests.log_request(
                    session, who.username, data, settings, today, requests.register_started(session)
                )
                due = made.due_on.isoformat() if made.due_on else "clock not started"
                lines = [f"{made.ref} due {due}", made.due_explanation]
                lines += [
                    f"warning: {d.ref} ({d.status.value}, received {d.received_on}) has the {d.reason}" for d in dups
                ]
                _emit(args, io, {"ref": made.ref, "due": made.due_on, "explanation": made.due_explanation}, lines)
            elif args.requests_command == "due":
                lists = requests.due_lists(session, settings, today, args.within)
                rows = lists.overdue + lists.due_soon
                _emit(
                    args,
                    io,
                    [_request_json(r) for r in rows + lists.waiting],
                    [f"{r.ref}  {r.due_on}  {r.countdown:<28} {r.kind.value:<16} {r.requester_name}" for r in rows]
                    + [
                        f"{r.ref}  {'':10}  {'waiting for the requester':<28} {r.kind.value:<16} {r.requester_name}"
                        for r in lists.waiting
                    ],
                )
            elif args.requests_command == "list":
                rows = requests.list_requests(session, requests.RequestQuery(text=args.search or ""), settings, today)
                _emit(
                    args,
                    io,
                    [_request_json(r) for r in rows],
                    [
                        f"{r.ref}  {r.status.value:<22} {r.received_on}  {r.due_on or ''!s:10}  {r.requester_name}"
                        for r in rows
                    ],
                )
            else:
                detail = requests.get_request(session, args.ref, settings)
                who.audit("request.viewed", f"request:{detail.ref}", {"via": "cli"})
                lines = [
                    f"{detail.ref}  {detail.kind.label}  ({detail.status.label})",
                    f"due {detail.due_on or '-'}: {detail.due_explanation}",
                ]
                lines += [f"  {e.on}  {e.kind.label}: {e.summary}" for e in detail.events]
                _emit(args, io, dataclasses.asdict(detail), lines)
    finally:
        who.lock()
    return 0


def _request_json(row: Any) -> dict[str, Any]:
    return dataclasses.asdict(row) | {"working_days_left": row.working_days_left, "countdown": row.countdown}


def _eml_request(args: argparse.Namespace, today: date) -> Any:
    from hartdesk.dates import uk_date
    from hartdesk.models.enums import RequestChannel
    from hartdesk.privacy import mail, requests

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{args.file} cannot be read: {exc.strerror or exc}.") from None
    message = mail.read_message(args.file.name, data)
    attachments = [requests.NewAttachment(a.filename, a.content) for a in message.attachments]
    if message.original is not None:
        attachments.insert(0, requests.NewAttachment(message.original.filename, message.original.content, True))
    received = today if message.sent_at is None else min(uk_date(message.sent_at), today)
    return requests.RequestInput(
        kind=args.type,
        channel=RequestChannel.EMAIL,
        received_on=received,
        requester_name=message.sender_name or message.sender_email or "Unknown sender",
        requester_email=message.sender_email,
        subject=message.subject,
        details=message.body,
        note="\n".join(message.warnings),
        attachments=tuple(attachments),
    )


def _plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def _retention_line(item: Any) -> str:
    line = f"{item.kind_label:<14} {item.ref:<14} due since {item.due_since.isoformat()}  {item.rule}"
    return f"{line}\n{'':<15}cannot go yet: {item.blocked}" if item.blocked else line


def _retention_json(item: Any) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "kind_label": item.kind_label,
        "ref": item.ref,
        "what": item.what,
        "due_since": item.due_since.isoformat(),
        "rule": item.rule,
        "blocked": item.blocked,
    }


def cmd_retention(args: argparse.Namespace, io: Io) -> int:
    from hartdesk import settings as settings_mod
    from hartdesk.dates import uk_today
    from hartdesk.privacy import retention

    who = _sign_in(args, io)
    today = uk_today()
    try:
        who.require_admin()
        with who.register.session() as session:
            settings = settings_mod.load(session)
            items = retention.review(session, settings, today)
        done = retention.apply_and_wipe(who.register, who.username, settings, today, items) if args.apply else []
    finally:
        who.lock()
    can_go = [item for item in items if not item.blocked]
    lines = [_retention_line(item) for item in items]
    if not items:
        summary = "Nothing has passed its retention period."
    elif args.apply:
        summary = f"Removed: {retention.what_goes(done, done=True)}." if done else "Nothing could go yet."
    else:
        blocked = len(items) - len(can_go)
        if can_go:
            summary = (
                f"{_plural(len(can_go), 'record')} can go now"
                + (f", {blocked} cannot go yet" if blocked else "")
                + "; nothing was changed (dry run). Run again with --apply to delete them."
            )
        else:
            summary = f"Nothing can go now: {_plural(blocked, 'record')} cannot go yet."
    data = {
        "applied": bool(args.apply),
        "today": today.isoformat(),
        "items": [_retention_json(item) for item in items],
        "removed": retention.counts(done),
    }
    _emit(args, io, data, [*lines, summary])
    return 0


def _plan_lines(plan: Any) -> list[str]:
    lines = [f"Erasure of {plan.client_ref}" + (f" under {plan.request_ref}" if plan.request_ref else "")]
    lines.append("Erased:")
    lines += [f"  {what}" for what in plan.erased] or ["  (nothing)"]
    lines.append("Kept:")
    lines += [
        f"  {k.what} — {k.ground} — " + (f"until {k.until.isoformat()}" if k.until is not None else "with no end date")
        for k in plan.kept
    ] or ["  (nothing)"]
    lines.append("Operators to notify:")
    lines += [f"  {n.operator_name} ({', '.join(n.categories)})" for n in plan.notices] or ["  (none)"]
    lines.append("Logins:")
    lines += [
        f"  {x.operator_name} — {x.account_name}: "
        + (
            "deleted, and its password removed from the keyring"
            if x.deleted
            else "unlinked (it serves other clients too)"
        )
        for x in plan.logins
    ] or ["  (none)"]
    lines.append("Blockers:")
    lines += [f"  {b}" for b in plan.blockers] or ["  (none: the erasure can run)"]
    return lines


def _plan_json(plan: Any) -> dict[str, Any]:
    return {
        "client": plan.client_ref,
        "request": plan.request_ref,
        "as_of": plan.as_of.isoformat(),
        "erased": list(plan.erased),
        "kept": [
            {"what": k.what, "ground": k.ground, "until": k.until.isoformat() if k.until else None} for k in plan.kept
        ],
        "notices": [{"operator": n.operator_name, "categories": list(n.categories)} for n in plan.notices],
        "logins": [{"operator": x.operator_name, "account": x.account_name, "deleted": x.deleted} for x in plan.logins],
        "blockers": list(plan.blockers),
        "can_run": plan.can_run,
    }


def cmd_erase(args: argparse.Namespace, io: Io) -> int:
    from hartdesk import settings as settings_mod
    from hartdesk.dates import uk_today
    from hartdesk.privacy import erasure

    if not args.request.strip():
        raise ValidationError("Say which erasure request this answers with --request REF, e.g. R-2026-0042.")
    who = _sign_in(args, io)
    today = uk_today()
    result = None
    try:
        if not args.dry_run:
            who.require_admin()
        with who.register.session() as session:
            settings = settings_mod.load(session)
            plan = erasure.plan(session, args.client, settings, today, request_ref=args.request)
        if plan.can_run and not args.dry_run:
            result = erasure.erase(who.register, who.username, plan, settings, today)
    finally:
        who.lock()
    data = _plan_json(plan) | {"done": result is not None}
    lines = _plan_lines(plan)
    if result is not None:
        data["notices_to_send"] = len(result.notices)
        lines.append(
            f"Erased {result.client_ref} under {result.request_ref}; {_plural(len(result.notices), 'notice')} to send"
        )
    elif plan.can_run:
        lines.append("Nothing was changed (dry run). Run again without --dry-run to erase.")
    _emit(args, io, data, lines)
    if not plan.can_run:
        io.stderr.write(
            f"hartdesk: {plan.client_ref} cannot be erased yet: {plan.blockers[0]}"
            + (
                f" (and {_plural(len(plan.blockers) - 1, 'more blocker')} listed above)"
                if len(plan.blockers) > 1
                else ""
            )
            + "\n"
        )
        return 1
    if result is not None and result.keyring_entries_left:
        io.stderr.write(
            f"hartdesk: warning: the system keyring could not be reached; "
            f"{_plural(result.keyring_entries_left, 'saved password')} will be deleted at the next sign-in.\n"
        )
    return 0


def cmd_report(args: argparse.Namespace, io: Io) -> int:
    from hartdesk import settings as settings_mod
    from hartdesk.dates import uk_today
    from hartdesk.models.enums import LetterKind
    from hartdesk.privacy import produce

    who = _sign_in(args, io)
    # The PDF password is the line after the sign-in password (or the first line without --password-stdin).
    pdf_password = io.read_line("the PDF password") if args.pdf_password_stdin else None
    if pdf_password is not None and len(pdf_password) < 8:
        raise ValidationError("Choose a PDF password of at least 8 characters.")
    for_post = args.for_ == "post"
    today = uk_today()
    try:
        with who.register.session() as session:
            settings = settings_mod.load(session)
            if args.report_kind == "data":
                made = produce.make_data_report(
                    session, args.client, settings, today, request_ref=args.request or "", for_post=for_post
                )
            elif args.report_kind == "dpa":
                made = produce.make_dpa(session, args.client, settings, today, for_post=for_post)
            else:
                try:
                    kind = LetterKind(args.letter_kind)
                except ValueError:
                    kinds = ", ".join(k.value for k in LetterKind)
                    raise ValidationError(f"{args.letter_kind!r} is not a letter: use {kinds}.") from None
                made = produce.make_letter(
                    session, args.request, kind, settings, today, for_post=for_post, operator_id=args.operator
                )
            written = produce.save(session, who.username, made, args.out, pdf_password)
        _emit(args, io, {"files": [str(p) for p in written], "title": made.title}, [str(p) for p in written])
    finally:
        who.lock()
    return 0


def cmd_report_ropa(args: argparse.Namespace, io: Io) -> int:
    """`report ropa`: both Art. 30 records as a PDF (and a CSV), written atomically, recorded as a document."""
    from hartdesk import settings as settings_mod
    from hartdesk.dates import uk_today
    from hartdesk.documents.ropa import render_ropa, ropa_csv
    from hartdesk.fileio import write_atomically
    from hartdesk.models.enums import Delivery, DocumentKind
    from hartdesk.register import documents as records
    from hartdesk.register.ropa_data import ropa_data

    targets = [args.out, *([args.csv] if args.csv else [])]
    if args.csv and args.csv.resolve() == args.out.resolve():
        raise ValidationError("Give the CSV a file of its own, not the PDF's.")
    for path in targets:
        if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            raise ValidationError(f"{path} cannot be written: its folder does not exist or is not writable.")
    who = _sign_in(args, io)
    try:
        with who.register.session() as session:
            data = ropa_data(session, settings_mod.load(session), uk_today())
            contents = [render_ropa(data), *([ropa_csv(data)] if args.csv else [])]
            for path, content in zip(targets, contents, strict=True):
                try:
                    write_atomically(path, content)
                except OSError as exc:
                    raise ValidationError(f"{path} cannot be written: {exc.strerror or exc}.") from None
            # Recorded like every other document (the Documents screen lists it), and saved.
            document_id = records.record_issued(
                session,
                who.username,
                kind=DocumentKind.ROPA,
                title="Records of processing activities (UK GDPR Art. 30)",
                pdf=contents[0],
            )
            records.record_delivery(session, who.username, document_id, Delivery.SAVED)
        written = [str(p) for p in targets]
        _emit(args, io, {"files": written, "title": "Records of processing activities"}, written)
    finally:
        who.lock()
    return 0


def cmd_deadline(args: argparse.Namespace, io: Io) -> int:
    from hartdesk.privacy.deadlines import Clock, DeadlineError, Period, compute

    try:
        deadline = compute(
            Clock(received=args.received, kind=args.type, region=args.region, period=Period(args.period))
        )
    except DeadlineError as exc:
        raise ValidationError(str(exc)) from exc
    assert deadline.due is not None  # nothing waits when only the received date is known
    data = {"due": deadline.due.isoformat(), "explanation": list(deadline.steps)}
    _emit(args, io, data, [deadline.due.isoformat(), *deadline.steps])
    return 0


# Written out rather than read from hartdesk.models.enums: importing the models (SQLAlchemy) while building the
# parser would slow every start of the GUI. tests/test_cli.py checks these lists against the enums.
REQUEST_TYPES_HELP = (
    "access, rectification, erasure, restriction, portability, objection, withdraw-consent, complaint or other"
)
CHANNELS_HELP = "email, phone, post or in-person"
LETTER_KINDS_HELP = (
    "acknowledgement, identity-request, clarification-request, extension-notice, refusal, completion, "
    "erasure-confirmation, operator-notice or complaint-acknowledgement"
)


def _request_type(text: str) -> Any:
    """An argparse type: a request type (imported only when the option is used)."""
    from hartdesk.models.enums import RequestType

    try:
        return RequestType(text.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a request type: use {REQUEST_TYPES_HELP}") from None


def _channel(text: str) -> Any:
    from hartdesk.models.enums import RequestChannel

    try:
        return RequestChannel(text.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a channel: use {CHANNELS_HELP}") from None


def _iso_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD (anything else is a usage error, exit 2)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write the date as YYYY-MM-DD, not {text!r}") from None


BREACH_RISKS = ("none", "risk", "high")  # BreachRisk, written out (see REQUEST_TYPES_HELP)
MOMENT_HELP = (
    "YYYY-MM-DDTHH:MM (or with a space), in UK time (GMT or BST, as the clocks were); or with its offset, "
    "e.g. 2026-11-20T09:30+00:00"
)


def _moment(text: str) -> Any:
    """An argparse type: a moment in ISO 8601; without an offset it is UK time (Europe/London). An hour that
    happens twice when the clocks go back, or never when they go forward, needs its offset (a usage error)."""
    from datetime import UTC, datetime

    from hartdesk.dates import UK

    value = " ".join(text.split())
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"write the time as YYYY-MM-DDTHH:MM (UK time) or with its offset, e.g. 2026-11-20T09:30+00:00, "
            f"not {text!r}"
        ) from None
    if len(value) <= 10:
        raise argparse.ArgumentTypeError(f"give the time of day too, e.g. {value}T09:30")
    if moment.tzinfo is not None:
        return moment
    first, second = moment.replace(tzinfo=UK, fold=0), moment.replace(tzinfo=UK, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    written = moment.isoformat(timespec="minutes")
    if first.astimezone(UTC).astimezone(UK).replace(tzinfo=None) == moment:
        raise argparse.ArgumentTypeError(
            f"{value} happens twice in UK time (the clocks go back from BST to GMT that night): add the offset, "
            f"{written}+01:00 for the first time (BST) or {written}+00:00 for the second (GMT)"
        )
    raise argparse.ArgumentTypeError(
        f"{value} does not exist in UK time (the clocks go forward from GMT to BST that night): check the time, "
        f"or give it with its offset, e.g. {written}+00:00 (GMT)"
    )


def _subcommand(parent: Any, name: str, help: str) -> argparse.ArgumentParser:
    """A (sub-)command (``users add``, ``requests log``...) that accepts the common options after its name."""
    parser: argparse.ArgumentParser = parent.add_parser(name, help=help, description=help)
    _add_common(parser, top=False)
    return parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"hartdesk: {message} (see hartdesk --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hartdesk", description="hartdesk: the agency's back office.")
    parser.add_argument("--version", action="store_true", help="print hartdesk's version and exit")
    _add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = _subcommand(sub, name, help=help_text)
        p.set_defaults(handler=handler)
        return p

    p = command("gui", cmd_gui, "open the hartdesk window (the default)")
    p.add_argument("--smoke-test", action="store_true", help="exit 0 as soon as the first window is shown")
    p.add_argument("--demo-hint", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "backup",
        nargs="?",
        type=Path,
        metavar="BACKUP",
        help=f"a backup file ({BACKUP_SUFFIX}) to restore first: what opening one from the desktop does",
    )

    p = command("init", cmd_init, "create a new register and print its id")
    p.add_argument("--admin", required=True, metavar="NAME", help="user name of the first administrator")
    p.add_argument("--admin-name", metavar="TEXT", help="the administrator's full name")
    p.add_argument("--emergency-kit", type=Path, metavar="FILE.pdf", help="save the emergency kit PDF here")
    p.add_argument("--agency-name", metavar="TEXT")
    p.add_argument("--agency-address", metavar="TEXT")
    p.add_argument("--agency-email", metavar="EMAIL")
    p.add_argument("--ico-number", metavar="NUMBER")

    p = command("demo", cmd_demo, "create a new register filled with fictional demo data")
    p.add_argument("--clients", type=int, default=200, metavar="N", help="how many fictional clients (default 200)")

    command("verify", cmd_verify, "check encryption, integrity, foreign keys and the audit chain")

    p = command("backup", cmd_backup, "write an encrypted backup protected by its own password")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument(
        "--backup-password-stdin",
        action="store_true",
        help="read the backup password from the next line of standard input",
    )

    p = command("restore", cmd_restore, "restore a backup into a new register folder")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--backup-password-stdin",
        action="store_true",
        help="read the backup password from the first line of standard input",
    )

    p = command("users", cmd_users, "staff accounts (administrators only)")
    users = p.add_subparsers(dest="users_command", required=True, parser_class=_Parser)
    u = _subcommand(users, "list", help="list staff accounts")
    u = _subcommand(users, "add", help="add a staff account (its password: the next line of stdin)")
    u.add_argument("name", metavar="NAME")
    u.add_argument("--role", choices=["admin", "staff"], default="staff")
    u.add_argument("--display-name", metavar="TEXT")
    for verb, text in (
        ("disable", "disable an account, remove its key slot and re-key the register"),
        ("enrol-totp", "start TOTP enrolment and print the otpauth:// URI"),
    ):
        u = _subcommand(users, verb, help=text)
        u.add_argument("name", metavar="NAME")
    u = _subcommand(users, "enable", help="enable a disabled account with a new password (next line of stdin)")
    u.add_argument("name", metavar="NAME")
    u = _subcommand(users, "passwd", help="set a new password (next line of stdin)")
    u.add_argument("name", metavar="NAME")
    u = _subcommand(users, "confirm-totp", help="activate TOTP with a code from the app")
    u.add_argument("name", metavar="NAME")
    u.add_argument("--code", required=True, metavar="CODE")

    p = command("audit", cmd_audit, "list the audit log, newest first (administrators only)")
    p.add_argument("--actor", metavar="NAME")
    p.add_argument("--action", metavar="ACTION")
    p.add_argument("--limit", type=int, default=100)

    p = command("clients", cmd_clients, "list clients, or show everything held about one")
    clients_sub = p.add_subparsers(dest="clients_command", required=True, parser_class=_Parser)
    c = _subcommand(clients_sub, "list", help="list clients (by name), optionally searched")
    c.add_argument("--search", metavar="TEXT", help="name, email, phone, postcode, domain or reference")
    c.add_argument("--limit", type=int, default=1000, metavar="N", help="at most N clients (default 1000)")
    c = _subcommand(clients_sub, "show", help="everything held about a client, including who holds what")
    c.add_argument("ref", metavar="REF", help="the client's reference, e.g. C-00042")

    p = command("operators", cmd_operators, "the third-party operators and the data they receive")
    _subcommand(
        p.add_subparsers(dest="operators_command", required=True, parser_class=_Parser),
        "list",
        help="list operators with where they are, their safeguard and what they receive",
    )

    p = command("import", cmd_import, "import clients, services or invoices from a CSV file (all or nothing)")
    p.add_argument("kind", choices=["clients", "services", "invoices"])
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--dry-run", action="store_true", help="check every row and write nothing")

    p = command("export", cmd_export, "export clients to a CSV file")
    p.add_argument("kind", choices=["clients"])
    p.add_argument("file", type=Path, metavar="FILE.csv")

    p = command("requests", cmd_requests, "privacy requests: log, import an email, list, show, what is due")
    req = p.add_subparsers(dest="requests_command", required=True, parser_class=_Parser)
    r = _subcommand(req, "log", help="log a request; prints its reference and due date")
    r.add_argument("--type", required=True, type=_request_type, metavar="TYPE", help=REQUEST_TYPES_HELP)
    r.add_argument("--channel", required=True, type=_channel, metavar="CHANNEL", help=CHANNELS_HELP)
    r.add_argument("--received", required=True, type=_iso_date, metavar="YYYY-MM-DD")
    r.add_argument("--name", required=True, metavar="NAME", help="who is asking")
    r.add_argument("--email", metavar="EMAIL")
    r.add_argument("--phone", metavar="PHONE")
    r.add_argument("--client", metavar="REF", help="the client they are, e.g. C-00042")
    r.add_argument("--note", metavar="TEXT", help="what was asked")
    r = _subcommand(req, "import-eml", help="log a request from a saved email (.eml or Outlook .msg)")
    r.add_argument("file", type=Path, metavar="FILE")
    r.add_argument("--type", default="access", type=_request_type, metavar="TYPE", help=REQUEST_TYPES_HELP)
    r = _subcommand(req, "due", help="requests overdue, due soon or waiting for the requester")
    r.add_argument("--within", type=int, default=7, metavar="DAYS", help="due within DAYS days (default 7)")
    r = _subcommand(req, "list", help="every request, open ones first by due date")
    r.add_argument("--search", metavar="TEXT")
    r = _subcommand(req, "show", help="one request with its timeline")
    r.add_argument("ref", metavar="REF")

    p = command("report", cmd_report, "produce a data report, a data processing agreement or a letter as a PDF")
    reports = p.add_subparsers(dest="report_kind", required=True, parser_class=_Parser)
    data = _subcommand(reports, "data", help="everything held about a client, with the JSON and CSV copies beside it")
    data.add_argument("--client", required=True, metavar="REF")
    data.add_argument("--request", metavar="REF", help="the access request it answers, e.g. R-2026-0042")
    dpa = _subcommand(reports, "dpa", help="the data processing agreement for a client")
    dpa.add_argument("--client", required=True, metavar="REF")
    letter = _subcommand(reports, "letter", help="a letter about a request")
    letter.add_argument("letter_kind", metavar="KIND", help=LETTER_KINDS_HELP)
    letter.add_argument("--request", required=True, metavar="REF")
    letter.add_argument("--operator", type=int, metavar="ID", help="the operator, for an operator-notice")
    ropa = _subcommand(reports, "ropa", help="the records of processing activities (UK GDPR Art. 30), both records")
    ropa.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    ropa.add_argument("--csv", type=Path, metavar="FILE.csv", help="also write the records as a CSV table")
    ropa.set_defaults(handler=cmd_report_ropa)
    for each in (data, dpa, letter):
        each.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
        each.add_argument(
            "--for", dest="for_", choices=["post", "email"], default="post", help="post: the address in the window"
        )
        each.add_argument(
            "--pdf-password-stdin",
            action="store_true",
            help="protect the PDF (AES-256) with the password on the next line of standard input",
        )

    p = command("vault", cmd_vault, "the credentials vault: logins at registrars and other operators")
    vault = p.add_subparsers(dest="vault_command", required=True, parser_class=_Parser)
    v = _subcommand(vault, "add", help="store a login (its password in the system keyring) and print its id")
    v.add_argument("--operator", required=True, metavar="NAME", help="the operator's name, e.g. Fasthosts")
    v.add_argument("--account", required=True, metavar="ACCOUNT", help="the user name or email it signs in with")
    v.add_argument("--url", metavar="URL", help="the login page")
    v.add_argument(
        "--client", action="append", metavar="REF", help="a client the login serves, e.g. C-00042 (repeatable)"
    )
    v.add_argument("--notes", metavar="TEXT")
    v.add_argument("--rotate-every", type=int, metavar="DAYS", help="remind to change the password every DAYS days")
    v.add_argument(
        "--secret-stdin",
        action="store_true",
        required=True,
        help="read the login's password from the next line of standard input (after yours with --password-stdin)",
    )
    v.add_argument(
        "--otp-key-stdin",
        action="store_true",
        help="read the login's 2FA key (base32 or otpauth:// address) from the line after its password",
    )
    v = _subcommand(vault, "list", help="list the logins (never their passwords)")
    v.add_argument("--search", metavar="TEXT", help="operator, account, login page, client or domain")
    v.add_argument("--client", metavar="REF", help="only the logins serving this client or its domains")
    v = _subcommand(vault, "reveal", help="print a login's password: needs a TOTP code (--totp); audited")
    v.add_argument("id", type=int, metavar="ID", help="the login's id (see vault list)")
    v = _subcommand(vault, "delete", help="delete a login and its password from the system keyring")
    v.add_argument("id", type=int, metavar="ID", help="the login's id (see vault list)")

    p = command(
        "retention",
        cmd_retention,
        "what has passed its retention period (closed clients, invoices, request files); administrators only",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="list what is due and change nothing (the default)")
    mode.add_argument(
        "--apply",
        action="store_true",
        help="delete exactly the records listed (blocked ones stay); audit entries are never deleted",
    )

    p = command(
        "erase",
        cmd_erase,
        "erase a client's personal data under an erasure request (UK GDPR Art. 17); prints the plan first",
    )
    p.description = (
        "Print the erasure plan: what is erased, what is kept (with its ground and date), the operators to notify "
        "(Art. 19), the logins, and what blocks it. Without --dry-run an administrator's sign-in carries it out: "
        "the password given with --password-stdin (or HARTDESK_PASSWORD) is the password re-entered to confirm "
        "the erasure, as the window asks for it again. Exits 1 if anything blocks the erasure."
    )
    p.add_argument("--client", required=True, metavar="REF", help="the client to erase, e.g. C-00042")
    p.add_argument("--request", required=True, metavar="REF", help="the erasure request, e.g. R-2026-0042")
    p.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")

    p = command("breaches", cmd_breaches, "the breach register and the 72-hour ICO clock: log, list, show, decide")
    br = p.add_subparsers(dest="breaches_command", required=True, parser_class=_Parser)
    b = _subcommand(br, "log", help="log a personal data breach; prints its reference and the ICO deadline")
    b.add_argument(
        "--aware-at",
        required=True,
        type=_moment,
        metavar="DATETIME",
        help=f"when the agency became aware of it (the 72 hours run from here): {MOMENT_HELP}",
    )
    b.add_argument("--summary", required=True, metavar="TEXT", help="what happened, in one line")
    b.add_argument("--details", metavar="TEXT", help="what happened, in full")
    b.add_argument(
        "--occurred-at", type=_moment, metavar="DATETIME", help="when it happened, where known (as --aware-at)"
    )
    b.add_argument("--client", action="append", metavar="REF", help="a client whose data it touched (repeatable)")
    b.add_argument("--operator", action="append", metavar="NAME", help="an operator it happened at (repeatable)")
    b.add_argument(
        "--risk",
        choices=BREACH_RISKS,
        help="none: unlikely to result in a risk (no ICO report); risk: report to the ICO; high: tell the people too",
    )
    b = _subcommand(br, "list", help="every breach, newest first, with the hours left to decide on the ICO")
    b.add_argument("--open", action="store_true", help="only the breaches not closed yet")
    b = _subcommand(br, "show", help="one breach with its timeline")
    b.add_argument("ref", metavar="REF", help="the breach's reference, e.g. B-2026-0003")
    b = _subcommand(br, "decide", help="record the decision to report a breach to the ICO or not; stops the clock")
    b.add_argument("ref", metavar="REF", help="the breach's reference, e.g. B-2026-0003")
    choice = b.add_mutually_exclusive_group(required=True)
    choice.add_argument("--notify", action="store_true", help="report it to the ICO")
    choice.add_argument("--not-notify", action="store_true", help="do not report it (only where there is no risk)")
    b.add_argument("--reason", metavar="TEXT", help="why (required not to report it)")
    b.add_argument("--risk", choices=BREACH_RISKS, help="the risk assessed, where it is not recorded yet or changes")

    p = command("deadline", cmd_deadline, "print the statutory due date of a request (no register needed)")
    p.add_argument(
        "--received", required=True, type=_iso_date, metavar="YYYY-MM-DD", help="the day the request arrived (day 1)"
    )
    p.add_argument("--type", default="access", type=_request_type, metavar="TYPE", help=REQUEST_TYPES_HELP)
    p.add_argument("--region", default="ENG", choices=["ENG", "WLS", "SCT", "NIR"], help="bank holidays (default ENG)")
    p.add_argument(
        "--period", default="calendar-month", choices=["calendar-month", "28-days"], help="how the month is counted"
    )
    return parser


def main(argv: Sequence[str] | None = None, io: Io | None = None) -> int:
    from hartdesk import logsetup

    io = io or Io()
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) == 1 and arguments[0].lower().endswith(BACKUP_SUFFIX):
        arguments.insert(0, "gui")  # `hartdesk FILE.hdbackup`: a backup opened from the desktop
    args = parser.parse_args(arguments)
    if args.version:  # before the log or any register: nothing is opened, Qt and SQLAlchemy stay unloaded
        io.out(f"hartdesk {__version__}")
        return 0
    logsetup.configure()
    if args.command is None:
        args.command, args.handler = "gui", cmd_gui
    try:
        return args.handler(args, io)
    except FormError as exc:
        for problem in exc.problems.values():  # every problem at once, one per line
            io.stderr.write(f"hartdesk: {problem}\n")
        return 1
    except HartdeskError as exc:
        io.stderr.write(f"hartdesk: {exc.message}\n")
        return 1
    except KeyboardInterrupt:
        io.stderr.write("hartdesk: interrupted.\n")
        return 1
    except Exception:
        log.exception("unexpected error in command %s", args.command)
        io.stderr.write(f"hartdesk: an unexpected error stopped the command. Details are in {paths.log_file()}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
