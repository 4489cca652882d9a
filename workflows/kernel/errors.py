"""Typed refusals with a code: the API maps the type to 403/404/409/422, the text comes from the catalogue.

A rule raises ``InvalidInput("review.reason_missing")`` or ``Conflict("checkpoint.stale", expected=3)``;
the English and Vietnamese wordings live in `workflows.kernel.messages`, keyed by that code, so
rewording a message can never lose its translation.
"""

from workflows.kernel.messages import render


class DomainError(Exception):
    """Base of every refusal a rule can give: a catalogue `code` and its `params`."""

    http_status = 422

    def __init__(self, code: str, **params: object):
        self.code = code
        self.params = params
        super().__init__(render(code, "en", params))

    def message(self, lang: str = "vi") -> str:
        """The refusal in `lang` ("vi" or "en"), with its precise details."""
        return render(self.code, lang, self.params)


class NotFound(DomainError):
    """The record does not exist, or the actor may not know it exists (→ 404)."""

    http_status = 404


class PermissionDenied(DomainError):
    """The actor may see the record but not do this (→ 403)."""

    http_status = 403


class Conflict(DomainError):
    """Stale version, duplicate or state that no longer allows the action (→ 409)."""

    http_status = 409


class InvalidInput(DomainError):
    """Input that breaks a rule: wrong file type, too large, bad date (→ 422)."""

    http_status = 422


class TooManyAttempts(DomainError):
    """Too many failed sign-ins: wait `retry_after` seconds (→ 429 with Retry-After)."""

    http_status = 429


class StorageFull(DomainError):
    """The server's disk (or quota) is full: nothing was stored (→ 507)."""

    http_status = 507


class TooLarge(DomainError):
    """A body or file over its limit (→ 413)."""

    http_status = 413
