"""The client's MessagePack rules (offline)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import msgpack
import pytest

from aegis_client import Extension, codec


def test_str_and_bytes_keep_their_types() -> None:
    data = codec.packb({"s": "text", "b": b"\x00\x01"})
    assert data == bytes.fromhex("82a173a474657874a162c4020001")
    assert codec.unpackb(data) == {"s": "text", "b": b"\x00\x01"}


def test_aware_datetime_round_trips_as_utc() -> None:
    local = datetime(2026, 1, 2, 5, 4, 5, 250000, tzinfo=timezone(timedelta(hours=2)))
    data = codec.packb(local)
    assert data[:2] == b"\xd7\xff"  # timestamp 64
    back = codec.unpackb(data)
    assert back == local and back.tzinfo == timezone.utc
    assert back.isoformat() == "2026-01-02T03:04:05.250000+00:00"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(TypeError, match="naive datetime"):
        codec.packb({"at": datetime(2026, 1, 2)})


def test_msgpack_timestamp_passes_through() -> None:
    ts = msgpack.Timestamp(1, 500)
    assert codec.packb(ts) == msgpack.packb(ts)


def test_extension_round_trip() -> None:
    data = codec.packb(Extension(5, b"\xaa"))
    assert data == bytes.fromhex("d405aa")
    assert codec.unpackb(data) == Extension(5, b"\xaa")
    assert codec.unpackb(bytes.fromhex("d48001")) == Extension(-128, b"\x01")


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError):
        codec.packb(object())


def test_decoder_is_bounded() -> None:
    with pytest.raises(codec.DecodeError, match="exceeds"):
        codec.unpackb(b"\xa4abcd", max_bytes=4)
    with pytest.raises(codec.DecodeError):
        codec.unpackb(bytes.fromhex("db7fffffff61"))  # str declaring 2 GiB
    with pytest.raises(codec.DecodeError):
        codec.unpackb(b"\xa1\xff")  # invalid UTF-8
    with pytest.raises(codec.DecodeError):
        codec.unpackb(b"\xc0\xc0")  # trailing bytes
