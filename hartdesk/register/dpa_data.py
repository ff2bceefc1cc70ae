"""Everything a data processing agreement prints about one client, gathered from the register and the settings.

The DPA covers what the agency does *as processor*: the data categories marked "as processor" (hosted content, by
default) held through the client's current services. Annex IV lists the operators who-holds-what says receive one of
those categories for this client; operators that receive the agency's own data about the client (billing, the
newsletter) are not sub-processors under this agreement and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk import settings as settings_mod
from hartdesk.documents.dpa import DpaData, Party, ProcessingDescription, SubProcessor
from hartdesk.documents.letter import Addressee
from hartdesk.documents.wording import WordingError, load
from hartdesk.errors import ValidationError
from hartdesk.models import (
    AddressKind,
    CategoryRecipient,
    CategoryServiceKind,
    ClientKind,
    ClientStatus,
    DataCategory,
    Operator,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
)
from hartdesk.privacy.rights import restriction_text
from hartdesk.register.clients import ClientDetail, ContactView, ServiceView, get_client
from hartdesk.register.letterhead import letterhead_from, page_size
from hartdesk.register.whoholds import Disclosure, HeldCategory, who_holds_what
from hartdesk.settings import Settings

SERVICES_WORDING = "dpa_services"
SERVICE_FIELDS = ("Data subjects", "Personal data", "Processing", "Purpose")
# Settings a DPA cannot go out without, beyond the letterhead every document needs.
DPA_SETTINGS = ("agency_contact_name", "agency_contact_position", "security_measures")


def dpa_data(session: Session, client_ref: str, settings: Settings, today: date, *, for_post: bool = True) -> DpaData:
    """The DPA of client ``client_ref`` as of ``today``; :class:`ValidationError` names the settings to fill in."""
    _check_settings(settings)
    client = get_client(session, client_ref)
    if client.status is ClientStatus.ERASED:
        raise ValidationError(f"{client.ref} was erased: there is no client left to make an agreement with.")
    held = who_holds_what(session, client.ref, settings, today)
    processed = [c for c in held.categories if c.as_processor]
    kinds = _kinds_of(session, [c.code for c in processed])
    covered = [s for s in client.services if s.kind in kinds and s.status is not ServiceStatus.ENDED]
    if not covered:
        processed = []
    letterhead = letterhead_from(settings)
    return DpaData(
        letterhead=letterhead,
        addressee=_addressee(client),
        controller=_controller(client),
        processor=Party(
            role="Processor",
            name=settings.agency_name.strip(),
            address_lines=tuple(letterhead.address_lines),
            contact_name=settings.agency_contact_name.strip(),
            contact_position=settings.agency_contact_position.strip(),
            contact_details=tuple(v.strip() for v in (settings.agency_email, settings.agency_phone) if v.strip()),
            reference=f"ICO registration {settings.agency_ico_number.strip()}",
            signatory_name=settings.agency_contact_name.strip(),
            signatory_position=settings.agency_contact_position.strip(),
        ),
        client_ref=client.ref,
        version=settings.dpa_version.strip() or "1.0",
        dated=today,
        notice_days=settings.subprocessor_notice_days,
        processing=_processing(covered, processed, settings.wording_folder),
        measures=tuple(line.strip() for line in settings.security_measures.splitlines() if line.strip()),
        subprocessors=tuple(_subprocessors(session, held.recipients, processed, covered)),
        wording_folder=settings.wording_folder,
        for_post=for_post,
        pagesize=page_size(settings),
        restriction=restriction_text(client.restricted_on, client.restriction_note),
    )


def _check_settings(settings: Settings) -> None:
    missing = settings_mod.missing_for_documents(settings)
    missing += [settings_mod.label(name) for name in DPA_SETTINGS if not str(getattr(settings, name)).strip()]
    if missing:
        listed = ", ".join(f"“{m}”" for m in missing[:-1]) + (" and " if len(missing) > 1 else "") + f"“{missing[-1]}”"
        raise ValidationError(f"Fill in {listed} in Settings before a DPA can be produced.")


# -- the parties ----------------------------------------------------------------------------------------------------


def _primary(client: ClientDetail) -> ContactView | None:
    return next((c for c in client.contacts if c.is_primary), client.contacts[0] if client.contacts else None)


def _address_lines(client: ClientDetail) -> tuple[str, ...]:
    """The postal address, else the billing address (a domain's registrant address is not the client's)."""
    for kind in (AddressKind.POSTAL, AddressKind.BILLING):
        found = next((a for a in client.addresses if a.kind is kind), None)
        if found is not None:
            return tuple(found.lines)
    return ()


def _controller(client: ClientDetail) -> Party:
    contact = _primary(client)
    name = client.name if not client.trading_name else f"{client.name}, trading as {client.trading_name}"
    if contact is None:
        person = client.name if client.kind is ClientKind.INDIVIDUAL else ""
        details: tuple[str, ...] = ()
        position = ""
    else:
        person = contact.name
        details = tuple(x for x in (contact.emails[:1] + contact.phones_display[:1]) if x)
        position = contact.role
    return Party(
        role="Controller",
        name=name,
        address_lines=_address_lines(client),
        contact_name=person,
        contact_position=position,
        contact_details=details,
        reference=f"Client reference {client.ref}",
        # An individual signs for themselves; for an organisation, whoever is authorised writes their name in.
        signatory_name=client.name if client.kind is ClientKind.INDIVIDUAL else "",
    )


def _addressee(client: ClientDetail) -> Addressee:
    """An organisation's letter goes to its contact, at the organisation; an individual's to them."""
    contact = _primary(client)
    lines = _address_lines(client)
    email = contact.emails[0] if contact and contact.emails else ""
    if client.kind is ClientKind.ORGANISATION and contact is not None and contact.name != client.name:
        return Addressee(contact.name, (client.name, *lines) if lines else (), email)
    return Addressee(client.name, lines, email)


# -- Annex II -------------------------------------------------------------------------------------------------------


def _kinds_of(session: Session, codes: list[str]) -> set[ServiceKind]:
    """The kinds of service through which these categories are held (an admin links them)."""
    if not codes:
        return set()
    return set(
        session.scalars(select(CategoryServiceKind.service_kind).join(DataCategory).where(DataCategory.code.in_(codes)))
    )


@dataclass(frozen=True)
class _KindWording:
    data_subjects: str
    personal_data: str
    processing: str
    purpose: str


def service_wording(own_folder: str = "") -> dict[ServiceKind, _KindWording]:
    """``dpa_services.txt``: for each kind of service, its data subjects, personal data, processing and purpose."""
    words = load(SERVICES_WORDING, (), own_folder)
    by_label = {k.label.casefold(): k for k in ServiceKind}
    found: dict[ServiceKind, dict[str, str]] = {}
    current: dict[str, str] | None = None
    heading = ""
    for block in words.blocks:
        if block.kind == "heading":
            heading = block.text
            kind = by_label.get(heading.casefold())
            if kind is None:
                known = ", ".join(k.label for k in ServiceKind)
                raise WordingError(f"{words.path.name}: “{heading}” is not a kind of service. Use one of: {known}.")
            current = found.setdefault(kind, {})
            continue
        name, sep, value = block.text.partition(":")
        if current is None or block.kind != "item" or not sep or name.strip() not in SERVICE_FIELDS:
            where = f" under “{heading}”" if heading else ""
            raise WordingError(
                f"{words.path.name}: “{block.text[:60]}”{where} is not one of the lines “- Data subjects: …”, "
                "“- Personal data: …”, “- Processing: …” and “- Purpose: …” that each kind of service has."
            )
        current[name.strip()] = value.strip()
    result = {}
    for kind, values in found.items():
        missing = [f for f in SERVICE_FIELDS if not values.get(f)]
        if missing:
            raise WordingError(f"{words.path.name}: “{kind.label}” needs a line “- {missing[0]}: …”.")
        result[kind] = _KindWording(*(values[f] for f in SERVICE_FIELDS))
    return result


def _processing(services: list[ServiceView], processed: list[HeldCategory], own_folder: str) -> ProcessingDescription:
    if not services:
        return ProcessingDescription((), (), (), (), (), ())
    by_kind: dict[ServiceKind, list[str]] = {}
    for service in sorted(services, key=lambda s: (list(ServiceKind).index(s.kind), s.identifier.casefold())):
        by_kind.setdefault(service.kind, []).append(service.identifier)
    texts = service_wording(own_folder)
    missing = [k.label for k in by_kind if k not in texts]
    if missing:
        raise WordingError(f"{SERVICES_WORDING}.txt has no section “# {missing[0]}”; add one for that kind of service.")

    def per_kind(attribute: str) -> tuple[str, ...]:
        return tuple(f"{k.label}: {getattr(texts[k], attribute)}" for k in by_kind)

    purposes = _unique([c.purpose for c in processed] + [f"{k.label}: {texts[k].purpose}" for k in by_kind])
    return ProcessingDescription(
        services=tuple(f"{k.label}: {', '.join(ids)}" for k, ids in by_kind.items()),
        data_subjects=per_kind("data_subjects"),
        personal_data=tuple(f"{c.name}: {c.description}" for c in processed if c.description)
        + per_kind("personal_data"),
        nature=per_kind("processing"),
        purposes=tuple(purposes),
        duration=(
            "For as long as the processor provides the services above, then until the data is deleted or returned "
            "(clause 7(g)).",
            *(f"{c.name}: kept {c.retention}." for c in processed),
        ),
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


# -- Annex IV -------------------------------------------------------------------------------------------------------


def _subprocessors(
    session: Session, recipients: tuple[Disclosure, ...], processed: list[HeldCategory], services: list[ServiceView]
) -> list[SubProcessor]:
    """Operators receiving a processor category of this client, through a current service or for every client."""
    codes = {c.code for c in processed}
    candidates = [r for r in recipients if codes & set(r.categories)]
    if not candidates:
        return []
    ids = [r.operator_id for r in candidates]
    operators = {o.id: o for o in session.scalars(select(Operator).where(Operator.id.in_(ids)))}
    rules = session.execute(
        select(CategoryRecipient.operator_id, CategoryRecipient.service_kind, CategoryRecipient.purpose)
        .join(DataCategory)
        .where(CategoryRecipient.operator_id.in_(ids), DataCategory.code.in_(codes))
        .order_by(CategoryRecipient.id)
    ).all()
    result = []
    for r in candidates:
        operator = operators[r.operator_id]
        kinds = [s.kind for s in services if operator.name in s.operators]
        applying = [
            (kind, purpose) for op, kind, purpose in rules if op == r.operator_id and (kind is None or kind in kinds)
        ]
        if not applying:
            continue  # only through a service that has ended
        purposes = _unique([purpose for _kind, purpose in applying])
        labels = _unique([kind.label for kind, _purpose in applying if kind is not None])
        activity = [operator.role]
        if purposes:
            activity.append("; ".join(purposes))
        activity.append(f"Services: {', '.join(labels)}" if labels else "Services: all of the controller’s services")
        result.append(
            SubProcessor(
                name=operator.name,
                address_lines=tuple(line.strip() for line in operator.address.splitlines() if line.strip()),
                country=r.country_name,
                activity=tuple(activity),
                safeguard=safeguard_in_words(r.safeguard, r.country_name),
            )
        )
    return result


def safeguard_in_words(safeguard: TransferSafeguard, country: str) -> str:
    """The transfer safeguard as a controller reads it in Annex IV (UK GDPR Chapter V)."""
    if safeguard is TransferSafeguard.NOT_RESTRICTED:
        return "None needed: the data stays in the United Kingdom."
    if safeguard is TransferSafeguard.UK_ADEQUACY:
        return f"UK adequacy regulations cover transfers to {country}."
    if safeguard is TransferSafeguard.IDTA:
        return f"The ICO’s International Data Transfer Agreement (IDTA), signed with the sub-processor, for {country}."
    if safeguard is TransferSafeguard.ADDENDUM:
        return (
            f"The EU standard contractual clauses with the ICO’s UK Addendum, signed with the sub-processor, for "
            f"{country}."
        )
    return f"None in place: a restricted transfer to {country} without a safeguard."
