"""The register's ORM classes (SQLAlchemy 2, typed). No Qt, no I/O beyond the ORM."""

from hartdesk.models.audit import AuditEntry
from hartdesk.models.base import Base
from hartdesk.models.breaches import Breach, BreachEvent, breach_clients, breach_operators, breach_services
from hartdesk.models.clients import Address, Client, ConsentEvent, Contact, ContactPoint, Counter, PolicyAcceptance
from hartdesk.models.documents import IssuedDocument
from hartdesk.models.enums import (
    AddressKind,
    BreachDecision,
    BreachRisk,
    ClientKind,
    ClientStatus,
    ConsentChange,
    DpaStatus,
    InvoiceStatus,
    LawfulBasis,
    PointKind,
    PolicyDocument,
    RecipientCondition,
    RetentionKind,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
)
from hartdesk.models.erasure import Erasure, PendingKeyringDeletion, RecipientNotice, SealKey
from hartdesk.models.operators import CategoryRecipient, CategoryServiceKind, DataCategory, Operator, OperatorAccount
from hartdesk.models.requests import Attachment, PrivacyRequest, RequestEvent, RequestPause
from hartdesk.models.services import Invoice, Service, service_operators
from hartdesk.models.settings import SettingRow
from hartdesk.models.staff import Role, StaffMember
from hartdesk.models.vault import Credential, credential_clients, credential_services

__all__ = [
    "Address",
    "AddressKind",
    "Attachment",
    "AuditEntry",
    "Base",
    "Breach",
    "BreachDecision",
    "BreachEvent",
    "BreachRisk",
    "CategoryRecipient",
    "CategoryServiceKind",
    "Client",
    "ClientKind",
    "ClientStatus",
    "ConsentChange",
    "ConsentEvent",
    "Contact",
    "ContactPoint",
    "Counter",
    "Credential",
    "DataCategory",
    "DpaStatus",
    "Erasure",
    "Invoice",
    "InvoiceStatus",
    "IssuedDocument",
    "LawfulBasis",
    "Operator",
    "OperatorAccount",
    "PendingKeyringDeletion",
    "PointKind",
    "PolicyAcceptance",
    "PolicyDocument",
    "PrivacyRequest",
    "RecipientCondition",
    "RecipientNotice",
    "RequestEvent",
    "RequestPause",
    "RetentionKind",
    "Role",
    "SealKey",
    "Service",
    "ServiceKind",
    "ServiceStatus",
    "SettingRow",
    "StaffMember",
    "TransferSafeguard",
    "breach_clients",
    "breach_operators",
    "breach_services",
    "credential_clients",
    "credential_services",
    "service_operators",
]
