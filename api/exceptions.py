"""The HTTP layer's own refusals (no login, no CSRF token), coded like the rules' refusals."""

from workflows.kernel.errors import DomainError, PermissionDenied


class NotAuthenticated(DomainError):
    """No valid session cookie or bearer token (API → 401, pages → redirect to /login)."""

    http_status = 401

    def __init__(self, code: str = "auth.required", **params: object):
        super().__init__(code, **params)


class CsrfFailed(PermissionDenied):
    """A cookie-authenticated unsafe request without the session's CSRF token (→ 403)."""


class Overloaded(DomainError):
    """Too many heavy pages at once: answered 503 with Retry-After, never a pool timeout's 500."""

    http_status = 503

    def __init__(self, retry_after_s: int, code: str = "server.busy", **params: object):
        super().__init__(code, seconds=retry_after_s, **params)
        self.retry_after_s = retry_after_s
