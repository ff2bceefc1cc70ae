"""The register's fixed choices, stored by value. Labels for people live beside them (``label``)."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def value_enum(cls: type[enum.Enum], length: int = 30) -> Enum:
    """A non-native SQL enum stored by value (so the file reads the same on SQLite and PostgreSQL)."""
    return Enum(cls, values_callable=lambda e: [m.value for m in e], native_enum=False, length=length)


class LabelledEnum(enum.StrEnum):
    @property
    def label(self) -> str:
        # Keyed by class too: members of two StrEnums with the same value are equal, so a dict keyed by members
        # would give DpaStatus.REQUESTED the label of IdentityStatus.REQUESTED.
        return _LABELS.get((type(self), self.value)) or self.value.replace("_", " ").replace("-", " ").capitalize()


class ClientKind(LabelledEnum):
    ORGANISATION = "organisation"
    INDIVIDUAL = "individual"


class ClientStatus(LabelledEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    ERASED = "erased"


class AddressKind(LabelledEnum):
    BILLING = "billing"
    REGISTRANT = "registrant"
    POSTAL = "postal"


class PointKind(LabelledEnum):
    EMAIL = "email"
    PHONE = "phone"


class ConsentChange(LabelledEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class PolicyDocument(LabelledEnum):
    PRIVACY_POLICY = "privacy_policy"
    TERMS = "terms"


class ServiceKind(LabelledEnum):
    WEB_HOSTING = "web_hosting"
    DOMAIN_REGISTRATION = "domain_registration"
    EMAIL_HOSTING = "email_hosting"
    SSL = "ssl"
    BACKUPS = "backups"
    CDN = "cdn"
    MANAGED_CMS = "managed_cms"
    OTHER = "other"


class ServiceStatus(LabelledEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"


class InvoiceStatus(LabelledEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


class TransferSafeguard(LabelledEnum):
    NOT_RESTRICTED = "not_restricted"
    UK_ADEQUACY = "uk_adequacy"
    IDTA = "idta"
    ADDENDUM = "addendum"
    NONE = "none"

    @property
    def is_restricted_transfer(self) -> bool:
        return self is not TransferSafeguard.NOT_RESTRICTED


class DpaStatus(LabelledEnum):
    NOT_IN_PLACE = "not_in_place"
    REQUESTED = "requested"
    SIGNED = "signed"


class LawfulBasis(LabelledEnum):
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    LEGITIMATE_INTERESTS = "legitimate_interests"
    CONSENT = "consent"
    PROCESSOR = "processor"


class RetentionKind(LabelledEnum):
    """How long a category is kept; the period (months or days) is on the category."""

    AFTER_RELATIONSHIP = "after_relationship"  # months after the client's account closes
    TAX_RECORDS = "tax_records"  # years from settings after the end of the financial year of the last invoice
    AFTER_SERVICE_ENDS = "after_service_ends"  # months after the last service that needs it ends
    ROLLING_DAYS = "rolling_days"  # each record deleted this many days after it is made
    UNTIL_WITHDRAWN = "until_withdrawn"  # until consent is withdrawn


class RecipientCondition(LabelledEnum):
    ALWAYS = "always"
    MARKETING_CONSENT = "marketing_consent"


class RequestType(LabelledEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"
    WITHDRAW_CONSENT = "withdraw-consent"
    COMPLAINT = "complaint"
    OTHER = "other"


class RequestChannel(LabelledEnum):
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    IN_PERSON = "in-person"


class RequestStatus(LabelledEnum):
    NEW = "new"
    AWAITING_IDENTITY = "awaiting-identity"
    AWAITING_CLARIFICATION = "awaiting-clarification"
    IN_PROGRESS = "in-progress"
    EXTENDED = "extended"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def is_closed(self) -> bool:
        return self in (RequestStatus.COMPLETED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


class RequestRole(LabelledEnum):
    """Whose data the request is about: the agency's own (controller) or a client's (the agency only processes it)."""

    CONTROLLER = "controller"
    PROCESSOR = "processor"


class IdentityStatus(LabelledEnum):
    UNCHECKED = "unchecked"
    NOT_NEEDED = "not-needed"
    REQUESTED = "requested"
    VERIFIED = "verified"
    FAILED = "failed"

    @property
    def is_confirmed(self) -> bool:
        """Checked, or not needed: a right may be acted on (an erasure, a restriction, a correction)."""
        return self in (IdentityStatus.VERIFIED, IdentityStatus.NOT_NEEDED)


class IdentityMethod(LabelledEnum):
    KNOWN_CONTACT = "known-contact"  # writes from an address, or calls from a number, already on the register
    SECURITY_QUESTIONS = "security-questions"
    DOCUMENT = "document"
    IN_PERSON = "in-person"
    OTHER = "other"


class RefusalReason(LabelledEnum):
    MANIFESTLY_UNFOUNDED = "manifestly-unfounded"
    MANIFESTLY_EXCESSIVE = "manifestly-excessive"
    EXEMPTION = "exemption"
    IDENTITY_NOT_CONFIRMED = "identity-not-confirmed"
    NOT_HELD = "not-held"


class EventKind(LabelledEnum):
    RECEIVED = "received"
    NOTE = "note"
    CALL = "call"
    LETTER = "letter"
    EMAIL = "email"
    DOCUMENT_SENT = "document-sent"
    IDENTITY_REQUESTED = "identity-requested"
    IDENTITY_RECEIVED = "identity-received"
    FEE_REQUESTED = "fee-requested"
    FEE_PAID = "fee-paid"
    CLARIFICATION_REQUESTED = "clarification-requested"
    CLARIFICATION_RECEIVED = "clarification-received"
    ACKNOWLEDGED = "acknowledged"
    EXTENDED = "extended"
    FORWARDED = "forwarded"
    REFUSED = "refused"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    REOPENED = "reopened"


class DocumentKind(LabelledEnum):
    DATA_REPORT = "data-report"
    DPA = "dpa"
    LETTER = "letter"
    BREACH_ICO_SUMMARY = "breach-ico-summary"
    BREACH_CONTROLLER_NOTICE = "breach-controller-notice"
    BREACH_PEOPLE_NOTICE = "breach-people-notice"
    BREACH_REGISTER = "breach-register"
    ROPA = "ropa"


class LetterKind(LabelledEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    IDENTITY_REQUEST = "identity-request"
    CLARIFICATION_REQUEST = "clarification-request"
    EXTENSION_NOTICE = "extension-notice"
    REFUSAL = "refusal"
    COMPLETION = "completion"
    ERASURE_CONFIRMATION = "erasure-confirmation"
    OPERATOR_NOTICE = "operator-notice"
    COMPLAINT_ACKNOWLEDGEMENT = "complaint-acknowledgement"


class Delivery(LabelledEnum):
    """How a produced document left hartdesk."""

    SAVED = "saved"
    PRINTED = "printed"
    EMAIL_DRAFT = "email-draft"
    EMAIL_SENT = "email-sent"


class BreachRisk(LabelledEnum):
    """Art. 33(1) and 34(1): no risk (no ICO report), a risk (report to the ICO), a high risk (tell the people)."""

    NONE = "none"
    RISK = "risk"
    HIGH = "high"


class BreachDecision(LabelledEnum):
    NOTIFY = "notify"
    NOT_NOTIFY = "not-notify"


_LABEL_LIST: list[tuple[enum.Enum, str]] = [
    (ServiceKind.WEB_HOSTING, "Web hosting"),
    (ServiceKind.DOMAIN_REGISTRATION, "Domain registration"),
    (ServiceKind.EMAIL_HOSTING, "Email hosting"),
    (ServiceKind.SSL, "SSL certificate"),
    (ServiceKind.BACKUPS, "Backups"),
    (ServiceKind.CDN, "CDN"),
    (ServiceKind.MANAGED_CMS, "Managed CMS"),
    (TransferSafeguard.NOT_RESTRICTED, "Not needed (processed in the UK)"),
    (TransferSafeguard.UK_ADEQUACY, "UK adequacy regulations"),
    (TransferSafeguard.IDTA, "International data transfer agreement (IDTA)"),
    (TransferSafeguard.ADDENDUM, "UK addendum to the EU standard contractual clauses"),
    (TransferSafeguard.NONE, "None (restricted transfer without a safeguard)"),
    (DpaStatus.NOT_IN_PLACE, "Not in place"),
    (DpaStatus.REQUESTED, "Requested"),
    (DpaStatus.SIGNED, "Signed"),
    (LawfulBasis.CONTRACT, "Contract (Art. 6(1)(b))"),
    (LawfulBasis.LEGAL_OBLIGATION, "Legal obligation (Art. 6(1)(c))"),
    (LawfulBasis.LEGITIMATE_INTERESTS, "Legitimate interests (Art. 6(1)(f))"),
    (LawfulBasis.CONSENT, "Consent (Art. 6(1)(a))"),
    (LawfulBasis.PROCESSOR, "As processor, on the client's instructions (Art. 28)"),
    (RetentionKind.AFTER_RELATIONSHIP, "Months after the client leaves"),
    (RetentionKind.TAX_RECORDS, "Tax records (invoice retention setting)"),
    (RetentionKind.AFTER_SERVICE_ENDS, "Months after the service ends"),
    (RetentionKind.ROLLING_DAYS, "Days after each record is made"),
    (RetentionKind.UNTIL_WITHDRAWN, "Until consent is withdrawn"),
    (RecipientCondition.ALWAYS, "Always"),
    (RecipientCondition.MARKETING_CONSENT, "Only clients who gave marketing consent"),
    (PolicyDocument.PRIVACY_POLICY, "Privacy policy"),
    (PolicyDocument.TERMS, "Terms of service"),
    (RequestType.ACCESS, "Access (a copy of their data)"),
    (RequestType.RECTIFICATION, "Rectification (correct their data)"),
    (RequestType.ERASURE, "Erasure (be forgotten)"),
    (RequestType.RESTRICTION, "Restriction (stop using their data)"),
    (RequestType.PORTABILITY, "Portability (their data in a file)"),
    (RequestType.OBJECTION, "Objection (to how their data is used)"),
    (RequestType.WITHDRAW_CONSENT, "Withdraw consent"),
    (RequestType.COMPLAINT, "Complaint"),
    (RequestChannel.IN_PERSON, "In person"),
    (RequestStatus.AWAITING_IDENTITY, "Awaiting identity"),
    (RequestStatus.AWAITING_CLARIFICATION, "Awaiting clarification"),
    (RequestStatus.IN_PROGRESS, "In progress"),
    (RequestRole.CONTROLLER, "Ours (the agency is the controller)"),
    (RequestRole.PROCESSOR, "A client's (forward it to them)"),
    (IdentityStatus.UNCHECKED, "Not checked yet"),
    (IdentityStatus.NOT_NEEDED, "Not needed"),
    (IdentityStatus.REQUESTED, "Evidence asked for"),
    (IdentityMethod.KNOWN_CONTACT, "Known email address or phone number"),
    (IdentityMethod.SECURITY_QUESTIONS, "Security questions"),
    (IdentityMethod.DOCUMENT, "Identity document"),
    (IdentityMethod.IN_PERSON, "Seen in person"),
    (RefusalReason.MANIFESTLY_UNFOUNDED, "Manifestly unfounded"),
    (RefusalReason.MANIFESTLY_EXCESSIVE, "Manifestly excessive"),
    (RefusalReason.EXEMPTION, "An exemption applies"),
    (RefusalReason.IDENTITY_NOT_CONFIRMED, "Identity could not be confirmed"),
    (RefusalReason.NOT_HELD, "We hold no such data"),
    (EventKind.DOCUMENT_SENT, "Document sent"),
    (EventKind.IDENTITY_REQUESTED, "Identity evidence asked for"),
    (EventKind.IDENTITY_RECEIVED, "Identity evidence received"),
    (EventKind.FEE_REQUESTED, "Fee asked for"),
    (EventKind.FEE_PAID, "Fee paid"),
    (EventKind.CLARIFICATION_REQUESTED, "Clarification asked for"),
    (EventKind.CLARIFICATION_RECEIVED, "Clarification received"),
    (EventKind.FORWARDED, "Forwarded to the controller"),
    (DocumentKind.DATA_REPORT, "Data report"),
    (DocumentKind.DPA, "Data processing agreement"),
    (DocumentKind.BREACH_ICO_SUMMARY, "Breach report for the ICO"),
    (DocumentKind.BREACH_CONTROLLER_NOTICE, "Breach notice to a client (as its processor)"),
    (DocumentKind.BREACH_PEOPLE_NOTICE, "Breach notice to the people affected"),
    (DocumentKind.BREACH_REGISTER, "Breach register"),
    (DocumentKind.ROPA, "Records of processing (Art. 30)"),
    (LetterKind.IDENTITY_REQUEST, "Request for identity evidence"),
    (LetterKind.CLARIFICATION_REQUEST, "Request for clarification"),
    (LetterKind.COMPLETION, "Completion (with the report enclosed)"),
    (LetterKind.OPERATOR_NOTICE, "Notice to an operator (Art. 19)"),
    (Delivery.SAVED, "Saved as a file"),
    (Delivery.EMAIL_DRAFT, "Email draft"),
    (Delivery.EMAIL_SENT, "Sent by email"),
    (BreachRisk.NONE, "Unlikely to result in a risk to people"),
    (BreachRisk.RISK, "A risk to people's rights and freedoms"),
    (BreachRisk.HIGH, "A high risk to people's rights and freedoms"),
    (BreachDecision.NOTIFY, "Report to the ICO"),
    (BreachDecision.NOT_NOTIFY, "Not reported to the ICO"),
]
_LABELS: dict[tuple[type, str], str] = {(type(member), member.value): text for member, text in _LABEL_LIST}
