"""Error replies map to exception classes; the client survives timeouts."""

from __future__ import annotations

import pytest
from conftest import Daemon

import aegis_client
from aegis_client import (
    ERRORS,
    AegisError,
    AegisTimeout,
    Client,
    InvalidArgument,
    NotFound,
    RateLimited,
    Unauthenticated,
    UnknownMethod,
    error_from_reply,
)

CODES = [
    "INVALID_REQUEST", "UNKNOWN_METHOD", "INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED",
    "NOT_FOUND", "ALREADY_EXISTS", "CONFLICT", "INVALID_TRANSITION", "FAILED_PRECONDITION",
    "RATE_LIMITED", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL",
]


# -- offline ---------------------------------------------------------------------


def test_registry_covers_every_contract_code() -> None:
    assert sorted(ERRORS) == sorted(CODES)
    for code, cls in ERRORS.items():
        assert issubclass(cls, AegisError) and cls is not AegisError
        assert cls.CODE == code
        assert getattr(aegis_client, cls.__name__) is cls


def test_error_from_reply() -> None:
    err = error_from_reply({"code": "INVALID_ARGUMENT", "message": "bad", "details": {"field": "params.limit"}})
    assert isinstance(err, InvalidArgument)
    assert (err.code, err.message, err.field) == ("INVALID_ARGUMENT", "bad", "params.limit")

    limited = error_from_reply({"code": "RATE_LIMITED", "message": "slow down", "details": {"retry_after_ms": 250}})
    assert isinstance(limited, RateLimited) and limited.retry_after_ms == 250

    unknown = error_from_reply({"code": "SOMETHING_NEW", "message": "?"})
    assert type(unknown) is AegisError and unknown.code == "SOMETHING_NEW" and unknown.details == {}

    assert type(error_from_reply("garbage")) is AegisError


def test_timeout_is_a_timeout_error() -> None:
    assert issubclass(AegisTimeout, TimeoutError)


# -- live ------------------------------------------------------------------------


def test_no_auth(anon: Client) -> None:
    with pytest.raises(Unauthenticated):
        anon.call("technique.get", id="T1059.001")


def test_bad_key(daemon: Daemon) -> None:
    with Client(daemon.rpc, api_key="aegis_not_a_real_key", timeout=10) as bad, pytest.raises(Unauthenticated):
        bad.call("catalog.status")


def test_unknown_method(client: Client) -> None:
    with pytest.raises(UnknownMethod) as info:
        client.call("nothing.here")
    assert info.value.code == "UNKNOWN_METHOD"


def test_malformed_id(client: Client) -> None:
    with pytest.raises(InvalidArgument) as info:
        client.call("technique.get", id="not-an-id")
    assert info.value.field == "id"


def test_unknown_id(client: Client) -> None:
    with pytest.raises(NotFound):
        client.call("technique.get", id="T9999")


def test_wrong_param_type(client: Client) -> None:
    with pytest.raises(InvalidArgument) as info:
        client.call("technique.get", id=1059)
    assert info.value.field == "id"
    with pytest.raises(InvalidArgument) as info:
        client.call("technique.list", limit="ten")
    assert info.value.field == "limit"


def test_unknown_param(client: Client) -> None:
    with pytest.raises(InvalidArgument) as info:
        client.call("technique.get", id="T1059", colour="blue")
    assert info.value.field == "colour"


def test_limit_out_of_range(client: Client) -> None:
    for limit in (0, 1001):
        with pytest.raises(InvalidArgument) as info:
            client.call("technique.list", limit=limit)
        assert info.value.field == "limit"


def test_late_reply_is_discarded(daemon: Daemon) -> None:
    with Client(daemon.rpc, timeout=10) as c:
        with pytest.raises(AegisTimeout):
            c.request("system.ping", timeout=1e-9)
        # The timed-out call's reply arrives later and must not answer this one.
        assert c.call("system.info")["name"] == "aegisd"
        assert c.call("system.ping")["pong"] is True


def test_timeout_without_daemon() -> None:
    # Nothing listens on this port (bound and closed at once), so no reply can come.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Client(f"tcp://127.0.0.1:{port}", timeout=0.2) as c, pytest.raises(AegisTimeout):
        c.call("system.ping")


def test_closed_client_refuses_calls(daemon: Daemon) -> None:
    c = Client(daemon.rpc)
    c.close()
    c.close()
    assert c.closed
    with pytest.raises(RuntimeError):
        c.call("system.ping")
