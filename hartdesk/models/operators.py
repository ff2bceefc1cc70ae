"""Third-party operators (sub-processors), the data categories the agency holds, and which operator receives which
categories for which service kind: data an admin edits, not code."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hartdesk.models.base import Base, intpk, timestamp
from hartdesk.models.enums import (
    DpaStatus,
    LawfulBasis,
    RecipientCondition,
    RetentionKind,
    ServiceKind,
    TransferSafeguard,
    value_enum,
)


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(120))  # what they do for the agency, e.g. "Domain registrar"
    country: Mapped[str] = mapped_column(String(2))  # where the data is processed, ISO 3166-1 alpha-2
    safeguard: Mapped[TransferSafeguard] = mapped_column(value_enum(TransferSafeguard))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    dpa_status: Mapped[DpaStatus] = mapped_column(value_enum(DpaStatus))
    dpa_signed_on: Mapped[date | None] = mapped_column(Date)
    dpa_document: Mapped[str] = mapped_column(String(300), default="")  # where the signed DPA is kept
    security_notes: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[timestamp]

    accounts: Mapped[list[OperatorAccount]] = relationship(
        back_populates="operator", cascade="all, delete-orphan", order_by="OperatorAccount.account_name"
    )
    rules: Mapped[list[CategoryRecipient]] = relationship(
        back_populates="operator", cascade="all, delete-orphan", order_by="CategoryRecipient.id"
    )


class OperatorAccount(Base):
    """An account the agency holds with an operator. Its secret, if any, lives in the OS keyring (vault)."""

    __tablename__ = "operator_accounts"

    id: Mapped[intpk]
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    account_name: Mapped[str] = mapped_column(String(200))
    login_url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    operator: Mapped[Operator] = relationship(back_populates="accounts")


class DataCategory(Base):
    __tablename__ = "data_categories"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")  # what it is, in plain words
    purpose: Mapped[str] = mapped_column(Text)
    lawful_basis: Mapped[LawfulBasis] = mapped_column(value_enum(LawfulBasis))
    source: Mapped[str] = mapped_column(String(300))
    retention_kind: Mapped[RetentionKind] = mapped_column(value_enum(RetentionKind))
    retention_period: Mapped[int] = mapped_column(Integer, default=0)  # months or days, by retention_kind
    as_processor: Mapped[bool] = mapped_column(Boolean, default=False)  # held for the client, on its behalf
    position: Mapped[int] = mapped_column(Integer, default=0)

    service_kinds: Mapped[list[CategoryServiceKind]] = relationship(
        back_populates="category", cascade="all, delete-orphan"
    )


class CategoryServiceKind(Base):
    """A service of this kind involves this category (e.g. web hosting → technical logs, hosted content)."""

    __tablename__ = "category_service_kinds"

    category_id: Mapped[int] = mapped_column(ForeignKey("data_categories.id", ondelete="CASCADE"), primary_key=True)
    service_kind: Mapped[ServiceKind] = mapped_column(value_enum(ServiceKind), primary_key=True)

    category: Mapped[DataCategory] = relationship(back_populates="service_kinds")


class CategoryRecipient(Base):
    """An operator receives a category: through a client's service of ``service_kind`` that names the operator, or,
    with no service kind, for every client (billing, mailing)."""

    __tablename__ = "category_recipients"
    __table_args__ = (UniqueConstraint("operator_id", "category_id", "service_kind"),)

    id: Mapped[intpk]
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("data_categories.id", ondelete="CASCADE"), index=True)
    service_kind: Mapped[ServiceKind | None] = mapped_column(value_enum(ServiceKind))
    condition: Mapped[RecipientCondition] = mapped_column(value_enum(RecipientCondition, 20))
    purpose: Mapped[str] = mapped_column(String(300), default="")

    operator: Mapped[Operator] = relationship(back_populates="rules")
    category: Mapped[DataCategory] = relationship()
