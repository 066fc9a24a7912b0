"""Python client for aegisd: ZeroMQ request/reply with MessagePack, and events.

>>> from aegis_client import Client
>>> with Client.from_env() as aegis:
...     aegis.call("system.ping")
"""

from .client import PROTOCOL_VERSION, Client
from .codec import DecodeError, Extension
from .config import DEFAULT_EVENTS_ENDPOINT, DEFAULT_RPC_ENDPOINT
from .errors import (
    ERRORS,
    AegisError,
    AegisTimeout,
    AlreadyExists,
    Conflict,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    InvalidRequest,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
    UnknownMethod,
    error_from_reply,
)
from .detection import read_events
from .events import Event, Replay, Subscriber
from .files import Layer
from .upload import UploadProgress

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_EVENTS_ENDPOINT",
    "DEFAULT_RPC_ENDPOINT",
    "ERRORS",
    "PROTOCOL_VERSION",
    "AegisError",
    "AegisTimeout",
    "AlreadyExists",
    "Client",
    "Conflict",
    "DecodeError",
    "Event",
    "Extension",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "InvalidRequest",
    "InvalidTransition",
    "Layer",
    "NotFound",
    "PermissionDenied",
    "ProtocolError",
    "RateLimited",
    "Replay",
    "ResourceExhausted",
    "Subscriber",
    "Unauthenticated",
    "Unavailable",
    "UnknownMethod",
    "UploadProgress",
    "error_from_reply",
    "read_events",
]
