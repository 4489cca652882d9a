"""SQLModel tables, one concept a module; importing the package registers them all."""

from models.agency import Agency, AgencyGroup, AgencyGroupMember
from models.audit import AuditEvent
from models.checkpoint import Checkpoint, CheckpointState
from models.draft import PlanDraft, RegistryAuthority, TaskOverride
from models.escalation import Escalation
from models.extension import ExtensionRequest
from models.followup import (
    ExplanationAnswer,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    Reminder,
    ReminderItem,
)
from models.indicator import IndicatorContributor, IndicatorValue, ValueStatus
from models.outbox import OutboxMessage
from models.plan import Indicator, Plan, PlanIssue, Section, Task, TaskSupport
from models.search import TaskSearch
from models.submission import Evidence, Review, Submission, SubmissionKind, SubmissionStatus
from models.summary import AgencyDay, AgencyDayWindow, AgencySummary, SectionSummary
from models.user import AuthSession, LoginThrottle, RecoveryCode, Role, SecondFactor, User

__all__ = [
    "Agency",
    "AgencyGroup",
    "AgencyGroupMember",
    "AgencyDay",
    "AgencyDayWindow",
    "AgencySummary",
    "AuthSession",
    "AuditEvent",
    "Checkpoint",
    "CheckpointState",
    "Escalation",
    "ExplanationAnswer",
    "ExplanationItem",
    "ExplanationRequest",
    "ExplanationStatus",
    "Evidence",
    "ExtensionRequest",
    "Indicator",
    "LoginThrottle",
    "IndicatorContributor",
    "IndicatorValue",
    "OutboxMessage",
    "Plan",
    "RecoveryCode",
    "PlanDraft",
    "PlanIssue",
    "RegistryAuthority",
    "Reminder",
    "ReminderItem",
    "Review",
    "Role",
    "SecondFactor",
    "Section",
    "SectionSummary",
    "Submission",
    "SubmissionKind",
    "SubmissionStatus",
    "Task",
    "TaskOverride",
    "TaskSearch",
    "TaskSupport",
    "User",
    "ValueStatus",
]
