"""The register's ORM classes (SQLAlchemy 2, typed). No Qt, no I/O beyond the ORM."""

from hartdesk.models.audit import AuditEntry
from hartdesk.models.base import Base
from hartdesk.models.settings import SettingRow
from hartdesk.models.staff import Role, StaffMember

__all__ = ["AuditEntry", "Base", "Role", "SettingRow", "StaffMember"]
