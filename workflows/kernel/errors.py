"""Typed domain errors; the API maps them to 403/404/409/422."""


class DomainError(Exception):
    """Base of every refusal a rule can give; `str()` is a precise English message."""


class NotFound(DomainError):
    """The record does not exist, or the actor may not know it exists (→ 404)."""


class PermissionDenied(DomainError):
    """The actor may see the record but not do this (→ 403)."""


class Conflict(DomainError):
    """Stale version, duplicate or state that no longer allows the action (→ 409)."""


class InvalidInput(DomainError):
    """Input that breaks a rule: wrong file type, too large, bad date (→ 422)."""
