"""The daemon keeps serving after bad input."""

from __future__ import annotations

import os

import msgpack
import zmq
from conftest import Daemon

from aegis_client import Client, ResourceExhausted


def _send_raw(daemon: Daemon, frames: list[bytes], timeout: float = 10.0) -> list[bytes] | None:
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    try:
        sock.connect(daemon.rpc)
        sock.send_multipart(frames)
        return sock.recv_multipart() if sock.poll(int(timeout * 1000)) else None
    finally:
        sock.close()


def test_garbage_then_ping(daemon: Daemon, client: Client) -> None:
    garbage = [
        [b"", os.urandom(256)],
        [b"", b"\xc1"],
        [b"", b""],
        [b"", b"\xdd\xff\xff\xff\xff"],  # array header declaring 4G elements
        [b"", b"\x91" * 1000],  # far too deep
        [b"", b"a", b"b"],  # two body frames
    ]
    for frames in garbage:
        reply = _send_raw(daemon, frames)
        assert reply is not None, f"no reply to {frames!r}"
        body = msgpack.unpackb(reply[-1], raw=False)
        assert body["ok"] is False and body["error"]["code"] == "INVALID_REQUEST"
    assert client.call("system.ping")["pong"] is True


def test_oversized_request(daemon: Daemon, client: Client) -> None:
    with Client(daemon.rpc, api_key=daemon.api_key, timeout=30) as c:
        try:
            c.call("system.ping", blob=b"\0" * (17 << 20))
        except ResourceExhausted:
            pass
        else:
            raise AssertionError("a 17 MiB request must be refused with RESOURCE_EXHAUSTED")
    assert client.call("system.ping")["pong"] is True
