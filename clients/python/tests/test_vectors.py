"""The shared protocol vectors in <repo>/protocol/vectors/*.json (schema: its README.md).

Vectors are recognised by shape, so new files are picked up automatically:

* codec:    ``hex``, ``valid``, and ``json`` (tagged: ``$bin``, ``$ts``, ``$ext``,
            ``$map``, ``$int``, ``$float``) or an ``error`` name; ``canonical``
            says the bytes are the canonical encoding of the value.
* envelope: request ``hex`` plus the parsed ``envelope`` or the expected error
            ``code`` (and reply ``id``, ``field``); sent to the live daemon.
* reply:    reply ``hex`` plus ``id``, ``ok``, ``result`` / ``error``.
* event:    event body ``hex`` plus the ``event`` fields.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

import msgpack
import pytest
import zmq
from conftest import REPO, Daemon

from aegis_client import ERRORS, AegisError, Event, Extension, codec, error_from_reply

VECTOR_DIR = REPO / "protocol" / "vectors"
#: Client-side decoding does not enforce the daemon's own structural limits.
SERVER_ONLY_ERRORS = {"depthExceeded": "nesting depth 32", "tooManyElements": "max_elements"}


def _load() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(VECTOR_DIR.glob("*.json")):
        for vector in json.loads(path.read_text())["vectors"]:
            found.append((path.name, vector))
    return found


VECTORS = _load()


def _kind(vector: dict[str, Any]) -> str:
    if "envelope" in vector or "code" in vector:
        return "envelope"
    if "event" in vector:
        return "event"
    if "ok" in vector:
        return "reply"
    if "json" in vector or "error" in vector:
        return "codec"
    return "unknown"


def _params(kind: str) -> list[Any]:
    return [pytest.param(v, id=f"{f}:{v.get('name', i)}") for i, (f, v) in enumerate(VECTORS) if _kind(v) == kind]


# -- tagged JSON -------------------------------------------------------------------


def _ts_text(seconds: int, nanoseconds: int) -> str:
    t = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}.{nanoseconds:09d}Z"


def tagged(value: Any) -> Any:
    """A decoded value in the vectors' tagged-JSON form."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 else {"$int": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, bytes):
        return {"$bin": value.hex()}
    if isinstance(value, msgpack.Timestamp):
        return {"$ts": _ts_text(value.seconds, value.nanoseconds)}
    if isinstance(value, dt.datetime):
        assert value.tzinfo is not None, "decoded datetimes must be timezone-aware"
        delta = value - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        seconds = delta.days * 86400 + delta.seconds
        return {"$ts": _ts_text(seconds, delta.microseconds * 1000)}
    if isinstance(value, (Extension, msgpack.ExtType)):
        return {"$ext": [value.code, value.data.hex()]}
    if isinstance(value, list):
        return [tagged(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: tagged(v) for k, v in value.items()}
        return {"$map": [[tagged(k), tagged(v)] for k, v in value.items()]}
    raise TypeError(type(value))


def to_microseconds(expected: Any) -> Any:
    """``expected`` with every ``$ts`` truncated to microseconds, as a datetime holds it."""
    if isinstance(expected, list):
        return [to_microseconds(v) for v in expected]
    if isinstance(expected, dict):
        if set(expected) == {"$ts"}:
            text = expected["$ts"]
            return {"$ts": text[:-4] + "000Z"}
        return {k: to_microseconds(v) for k, v in expected.items()}
    return expected


def same(a: Any, b: Any) -> bool:
    """Strict equality: bool is not int, 1 is not 1.0, -0.0 is not 0.0, maps keep wire order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return math.copysign(1, a) == math.copysign(1, b) and a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def exact_unpack(data: bytes) -> Any:
    """Decode keeping nanosecond timestamps (msgpack.Timestamp) to check the bytes exactly."""
    return msgpack.unpackb(data, raw=False, timestamp=0, strict_map_key=False,
                           ext_hook=lambda code, raw: Extension(code, raw))


def _has_negative_ext(value: Any) -> bool:
    if isinstance(value, Extension):
        return value.code < 0
    if isinstance(value, list):
        return any(_has_negative_ext(v) for v in value)
    if isinstance(value, dict):
        return any(_has_negative_ext(k) or _has_negative_ext(v) for k, v in value.items())
    return False


# -- the files ---------------------------------------------------------------------


def test_vector_files_present() -> None:
    assert VECTOR_DIR.is_dir(), f"{VECTOR_DIR} is missing"
    assert VECTORS, f"no vectors in {VECTOR_DIR}"
    unknown = [(f, v.get("name")) for f, v in VECTORS if _kind(v) == "unknown"]
    assert not unknown, f"vectors of an unknown shape: {unknown}"
    kinds = {_kind(v) for _, v in VECTORS}
    assert {"codec", "envelope"} <= kinds


# -- codec --------------------------------------------------------------------------


@pytest.mark.parametrize("vector", _params("codec"))
def test_codec_vector(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    if not vector["valid"]:
        error = vector["error"]
        if error in SERVER_ONLY_ERRORS:
            # The daemon's own limit (not the client's): covered live by
            # test_server_only_codec_vector_is_refused_by_the_daemon.
            return
        max_bytes = vector.get("limits", {}).get("max_bytes", codec.DEFAULT_MAX_BYTES)
        with pytest.raises(codec.DecodeError):
            codec.unpackb(data, max_bytes=max_bytes)
        return

    exact = exact_unpack(data)
    assert same(tagged(exact), vector["json"]), f"{tagged(exact)!r} != {vector['json']!r}"
    if vector.get("canonical") and not _has_negative_ext(exact):
        # (msgpack-python cannot encode negative application ext types.)
        assert codec.packb(exact).hex() == vector["hex"], "canonical bytes must re-encode byte-exact"

    decoded = codec.unpackb(data)  # what Client callers get: datetimes, Extension
    assert same(tagged(decoded), to_microseconds(vector["json"]))


# -- replies and events ------------------------------------------------------------------


@pytest.mark.parametrize("vector", _params("reply"))
def test_reply_vector(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    reply = codec.unpackb(data)
    assert reply["v"] == 1
    assert same(tagged(reply["id"]), vector["id"])
    assert reply["ok"] is vector["ok"]
    if vector["ok"]:
        assert same(tagged(reply["result"]), to_microseconds(vector["result"]))
    else:
        err = error_from_reply(reply["error"])
        expected = vector["error"]
        assert type(err) is ERRORS.get(expected["code"], AegisError)
        assert (err.code, err.message) == (expected["code"], expected["message"])
        assert same(tagged(err.details), expected.get("details", {}))
    assert codec.packb(exact_unpack(data)) == data


@pytest.mark.parametrize("vector", _params("event"))
def test_event_vector(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    event = Event.from_body(codec.unpackb(data))
    expected = vector["event"]
    assert event.seq == int(tagged_int(expected["seq"]))
    assert event.type == expected["type"]
    assert same(tagged(event.occurred_at), to_microseconds(expected["occurred_at"]))
    assert event.source == expected["source"]
    assert event.actor == expected["actor"]
    assert event.subject_kind == expected["subject"]["kind"]
    assert same(tagged(event.subject_id), expected["subject"]["id"])
    assert same(tagged(event.payload), expected["payload"])
    assert codec.packb(exact_unpack(data)) == data


def tagged_int(value: Any) -> int:
    return int(value["$int"]) if isinstance(value, dict) else int(value)


# -- envelopes, live --------------------------------------------------------------------


@pytest.fixture()
def raw_dealer(daemon: Daemon) -> Iterator[zmq.Socket[Any]]:
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(daemon.rpc)
    yield sock
    sock.close()


def _roundtrip(sock: zmq.Socket[Any], body: bytes, timeout: float = 10.0) -> dict[str, Any]:
    sock.send_multipart([b"", body])
    assert sock.poll(int(timeout * 1000)), "no reply from aegisd"
    frames = sock.recv_multipart()
    assert len(frames) == 2 and frames[0] == b"", f"reply frames: {frames!r}"
    reply = codec.unpackb(frames[1])
    assert isinstance(reply, dict) and reply["v"] == 1 and isinstance(reply["ok"], bool)
    return reply


@pytest.mark.parametrize("vector", _params("envelope"))
def test_envelope_vector_live(raw_dealer: zmq.Socket[Any], vector: dict[str, Any]) -> None:
    reply = _roundtrip(raw_dealer, bytes.fromhex(vector["hex"]))
    if "limits" in vector:
        return  # the vector assumes limits the test daemon does not have: one reply is enough
    if vector["valid"]:
        assert same(tagged(reply["id"]), vector["envelope"]["id"])
        if not reply["ok"]:
            # The envelope was accepted; the method itself may still refuse
            # (auth.login wants `username`, not the vector's `user`).
            error = reply["error"]
            method_level = error["code"] == "INVALID_ARGUMENT" and "field" in error.get("details", {})
            assert method_level or error["code"] in {"UNKNOWN_METHOD", "UNAUTHENTICATED"}, reply
        return
    assert reply["ok"] is False
    assert reply["error"]["code"] == vector["code"], reply
    if "id" in vector:
        assert same(tagged(reply["id"]), vector["id"])
    if "field" in vector:
        assert reply["error"].get("details", {}).get("field") == vector["field"], reply


@pytest.mark.parametrize(
    "vector", [v for v in _params("codec") if not v.values[0]["valid"] and v.values[0]["error"] in SERVER_ONLY_ERRORS]
)
def test_server_only_codec_vector_is_refused_by_the_daemon(raw_dealer: zmq.Socket[Any], vector: dict[str, Any]) -> None:
    """Limits only the daemon enforces (nesting depth, element count): sent as a
    request body, the bytes get one INVALID_REQUEST reply."""
    reply = _roundtrip(raw_dealer, bytes.fromhex(vector["hex"]))
    assert reply["ok"] is False
    assert reply["error"]["code"] == "INVALID_REQUEST"
