"""The RPC client: one DEALER socket, MessagePack request/reply."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import zmq

from . import codec
from .config import DEFAULT_RPC_ENDPOINT, resolve_api_key, resolve_rpc_endpoint
from .errors import AegisTimeout, ProtocolError, error_from_reply
from .events import Event, Replay
from .upload import UploadProgress, import_catalog

__all__ = ["PROTOCOL_VERSION", "Client"]

#: The wire protocol version this client speaks.
PROTOCOL_VERSION = 1


class Client:
    """A connection to aegisd's RPC endpoint.

    >>> with Client.from_env() as aegis:
    ...     aegis.call("technique.get", id="T1059.001")["name"]
    'PowerShell'

    Calls are serialized (a lock guards the socket), so one client may be
    shared between threads, one call at a time. ``timeout`` is in seconds
    (None: wait forever); on timeout :class:`~aegis_client.AegisTimeout` is
    raised and the late reply, if it ever comes, is discarded.
    """

    def __init__(
        self,
        endpoint: str = DEFAULT_RPC_ENDPOINT,
        api_key: str | None = None,
        timeout: float | None = 30.0,
        *,
        max_bytes: int = codec.DEFAULT_MAX_BYTES,
        context: zmq.Context[Any] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.api_key = api_key
        self.timeout = timeout
        self._max_bytes = max_bytes
        self._ids = itertools.count(1)
        self._late_replies = 0  # replies still owed to calls that timed out
        self._lock = threading.Lock()
        self._socket: zmq.Socket[Any] = (context or zmq.Context.instance()).socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.MAXMSGSIZE, max_bytes)
        self._socket.connect(endpoint)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, timeout: float | None = 30.0) -> Client:
        """A client for the endpoint and key named by the environment.

        Endpoint: ``AEGIS_RPC_ENDPOINT``, else ``rpc`` in
        ``<AEGIS_DATA_DIR>/aegisd.json``, else the default. Key:
        ``AEGIS_API_KEY``, else ``<AEGIS_DATA_DIR>/admin.key``.
        """
        env = os.environ if environ is None else environ
        return cls(resolve_rpc_endpoint(env), resolve_api_key(env), timeout)

    # -- lifecycle -----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._socket.closed

    def close(self) -> None:
        """Close the socket (idempotent); pending replies are dropped."""
        with self._lock:
            self._socket.close(linger=0)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.endpoint!r}, api_key={'***' if self.api_key else None})"

    # -- calls ---------------------------------------------------------------

    def call(self, method: str, /, **params: Any) -> Any:
        """Call ``method`` with named ``params``; returns the reply's ``result``.

        Raises the :class:`~aegis_client.AegisError` subclass matching an
        error reply, :class:`~aegis_client.AegisTimeout`, or
        :class:`~aegis_client.ProtocolError` for an unreadable reply.
        """
        return self.request(method, params)

    def request(
        self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """Like :meth:`call`, with params as a mapping and a per-call ``timeout`` override."""
        body: dict[str, Any] = {"v": PROTOCOL_VERSION, "id": 0, "method": method}
        if params:
            body["params"] = dict(params)
        if self.api_key is not None:
            body["auth"] = self.api_key
        wait = self.timeout if timeout is None else timeout
        with self._lock:
            if self._socket.closed:
                raise RuntimeError("the client is closed")
            body["id"] = request_id = next(self._ids)
            self._socket.send_multipart([b"", codec.packb(body)])
            reply = self._receive(request_id, wait, method)
        if reply.get("ok") is True:
            return reply.get("result")
        raise error_from_reply(reply.get("error"))

    def _receive(self, request_id: int, timeout: float | None, method: str) -> Mapping[str, Any]:
        """The reply to ``request_id``; earlier (late) replies are discarded."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is None:
                wait_ms = -1
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    # Its reply may still come: the next call will skip it.
                    self._late_replies += 1
                    raise AegisTimeout(f"no reply to {method} (id {request_id}) within {timeout} s")
                wait_ms = max(1, int(remaining * 1000))
            if not self._socket.poll(wait_ms):
                continue
            frames = self._socket.recv_multipart()
            if len(frames) != 2 or frames[0] != b"":
                raise ProtocolError(f"reply has {len(frames)} frames, expected [empty, body]")
            try:
                reply = codec.unpackb(frames[1], max_bytes=self._max_bytes)
            except codec.DecodeError as exc:
                raise ProtocolError(f"unreadable reply: {exc}") from exc
            if not isinstance(reply, Mapping):
                raise ProtocolError(f"reply is not a map: {type(reply).__name__}")
            reply_id = reply.get("id")
            if reply_id == request_id and not isinstance(reply_id, bool):
                return reply
            if self._late_replies > 0:
                # Replies come back in order: this one belongs to an earlier
                # call that timed out.
                self._late_replies -= 1
                continue
            if reply_id is None and reply.get("ok") is False:
                # The server could not read the request (e.g. too large) and so
                # cannot echo its id; it is the answer to the call in flight.
                return reply
            # A reply to an id we never sent or no longer wait for: drop it.

    # -- helpers -------------------------------------------------------------

    def paginate(self, method: str, /, limit: int | None = None, **params: Any) -> Iterator[Any]:
        """Yield the items of every page of a list method, following ``next_cursor``.

        ``limit`` is the page size (1..1000, server default 100); a ``cursor``
        in ``params`` starts from that page.
        """
        query = dict(params)
        if limit is not None:
            query["limit"] = limit
        while True:
            page = self.request(method, query)
            if not isinstance(page, Mapping) or not isinstance(page.get("items"), list):
                raise ProtocolError(f"{method} did not return a page {{items, next_cursor}}")
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return
            query["cursor"] = cursor

    def login(self, username: str, password: str) -> Any:
        """Log in with ``auth.login`` and use the session token for later calls.

        Returns the result (``token``, ``expires_at``, ``user``). The token
        replaces any API key this client held.
        """
        result = self.request("auth.login", {"username": username, "password": password})
        if not isinstance(result, Mapping) or not isinstance(result.get("token"), str):
            raise ProtocolError("auth.login did not return {token, expires_at, user}")
        self.api_key = result["token"]
        return result

    def logout(self) -> None:
        """End the session with ``auth.logout`` and forget its token."""
        self.request("auth.logout")
        self.api_key = None

    def replay(self, after_seq: int = 0, limit: int = 100) -> Replay:
        """Events committed after ``after_seq`` (at most ``limit``), via ``events.replay``."""
        result = self.request("events.replay", {"after_seq": after_seq, "limit": limit})
        if not isinstance(result, Mapping) or not isinstance(result.get("items"), list):
            raise ProtocolError("events.replay did not return {items, last_seq}")
        last_seq = result.get("last_seq")
        return Replay(
            items=[Event.from_body(item) for item in result["items"]],
            last_seq=last_seq if isinstance(last_seq, int) else 0,
        )

    def import_catalog(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        chunk_bytes: int | None = None,
        progress: Callable[[UploadProgress], None] | None = None,
        *,
        commit_timeout: float | None = None,
    ) -> Any:
        """Upload catalog files (folders: their ``*.json``) in chunks and import them.

        See :func:`aegis_client.upload.import_catalog`. Returns the import summary.
        """
        return import_catalog(self, paths, chunk_bytes, progress, commit_timeout)

    # Scores (docs/SCORING.md)

    def score_org(self, domain: str | None = None) -> Any:
        """The organisation's score (``score.org``), with a line per tactic."""
        return self.request("score.org", _given(domain=domain))

    def score_tactic(self, tactic_id: str, domain: str | None = None) -> Any:
        """A tactic's score (``score.tactic``)."""
        return self.request("score.tactic", _given(id=tactic_id, domain=domain))

    def score_actor(self, actor_id: str, domain: str | None = None) -> Any:
        """How well a group's or campaign's techniques are covered (``score.actor``)."""
        return self.request("score.actor", _given(id=actor_id, domain=domain))

    def score_technique(self, technique_id: str, domain: str | None = None) -> Any:
        """A technique's score and its components (``score.technique``)."""
        return self.request("score.technique", _given(id=technique_id, domain=domain))

    def score_weights(self) -> Any:
        """The score weights in force (``score.weights.get``); version 0 is the defaults."""
        return self.request("score.weights.get")

    def set_score_weights(
        self, *, prevention: int, detection: int, rules: int, visibility: int, freshness: int, version: int
    ) -> Any:
        """Set new weights (``score.weights.set``, leads), quoting the ``version`` in force."""
        return self.request(
            "score.weights.set",
            {
                "prevention": prevention, "detection": detection, "rules": rules,
                "visibility": visibility, "freshness": freshness, "version": version,
            },
        )

    def set_visibility(self, technique_id: str, level: int | None, note: str | None = None) -> Any:
        """Set (0-4) or clear (``None``) a technique's visibility (``visibility.set``, blue lead)."""
        params: dict[str, Any] = {"technique_id": technique_id, "level": level}
        if note is not None:
            params["note"] = note
        return self.request("visibility.set", params)


def _given(**params: Any) -> dict[str, Any]:
    """The params that were given (``None`` means absent)."""
    return {key: value for key, value in params.items() if value is not None}
