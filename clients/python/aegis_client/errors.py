"""Exceptions: one class per Aegis error code, plus client-side failures.

Every error reply of the daemon (``{ok: false, error: {code, message,
details?}}``) is raised as a subclass of :class:`AegisError`, chosen by
:data:`ERRORS`; a code this client does not know is raised as
:class:`AegisError` itself, so new server codes never break callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "ERRORS",
    "AegisError",
    "AegisTimeout",
    "AlreadyExists",
    "Conflict",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "InvalidRequest",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "ProtocolError",
    "RateLimited",
    "ResourceExhausted",
    "Unauthenticated",
    "Unavailable",
    "UnknownMethod",
    "error_from_reply",
]


class AegisError(Exception):
    """An error reply from aegisd.

    Attributes:
        code: the wire error code, e.g. ``"NOT_FOUND"``.
        message: human-readable text.
        details: machine-readable details (empty dict when absent).
    """

    #: The wire code this class stands for ("" for the base class).
    CODE = ""

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, {self.details!r})"


class InvalidRequest(AegisError):
    """The request envelope itself is unreadable or malformed."""

    CODE = "INVALID_REQUEST"


class UnknownMethod(AegisError):
    """No such method."""

    CODE = "UNKNOWN_METHOD"


class InvalidArgument(AegisError):
    """A parameter failed validation; :attr:`field` names it."""

    CODE = "INVALID_ARGUMENT"

    @property
    def field(self) -> str | None:
        """The offending field (``details.field``), if the server named one."""
        value = self.details.get("field")
        return value if isinstance(value, str) else None


class Unauthenticated(AegisError):
    """No, or no valid, session token or API key."""

    CODE = "UNAUTHENTICATED"


class PermissionDenied(AegisError):
    """Authenticated, but not allowed to do this."""

    CODE = "PERMISSION_DENIED"


class NotFound(AegisError):
    """The object does not exist."""

    CODE = "NOT_FOUND"


class AlreadyExists(AegisError):
    """The object already exists."""

    CODE = "ALREADY_EXISTS"


class Conflict(AegisError):
    """Stale ``version`` in an optimistic-concurrency update."""

    CODE = "CONFLICT"


class InvalidTransition(AegisError):
    """A state machine refused the change (``details.from`` -> ``details.to``)."""

    CODE = "INVALID_TRANSITION"

    @property
    def from_state(self) -> Any:
        """``details.from``: the current state."""
        return self.details.get("from")

    @property
    def to_state(self) -> Any:
        """``details.to``: the refused target state."""
        return self.details.get("to")


class FailedPrecondition(AegisError):
    """The system is not in a state that allows the call."""

    CODE = "FAILED_PRECONDITION"


class RateLimited(AegisError):
    """Too many requests; retry after :attr:`retry_after_ms`."""

    CODE = "RATE_LIMITED"

    @property
    def retry_after_ms(self) -> int | None:
        """``details.retry_after_ms``, if given."""
        value = self.details.get("retry_after_ms")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class ResourceExhausted(AegisError):
    """A size limit was exceeded."""

    CODE = "RESOURCE_EXHAUSTED"


class Unavailable(AegisError):
    """A dependency (such as the database) is down: retry later."""

    CODE = "UNAVAILABLE"


class Internal(AegisError):
    """A server bug; the message carries a request id to find in the logs."""

    CODE = "INTERNAL"


#: Error code -> exception class.
ERRORS: dict[str, type[AegisError]] = {
    cls.CODE: cls
    for cls in (
        InvalidRequest,
        UnknownMethod,
        InvalidArgument,
        Unauthenticated,
        PermissionDenied,
        NotFound,
        AlreadyExists,
        Conflict,
        InvalidTransition,
        FailedPrecondition,
        RateLimited,
        ResourceExhausted,
        Unavailable,
        Internal,
    )
}


def error_from_reply(error: Any) -> AegisError:
    """Build the exception for a reply's ``error`` map (tolerating malformed maps)."""
    if not isinstance(error, Mapping):
        return AegisError("", f"malformed error reply: {error!r}")
    code = error.get("code")
    code = code if isinstance(code, str) else ""
    message = error.get("message")
    message = message if isinstance(message, str) else ""
    details = error.get("details")
    details = details if isinstance(details, Mapping) else None
    return ERRORS.get(code, AegisError)(code, message, details)


class AegisTimeout(TimeoutError):
    """No reply (or no event) arrived within the timeout."""


class ProtocolError(Exception):
    """The daemon sent something that does not follow the wire contract."""
