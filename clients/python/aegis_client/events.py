"""Events: the PUB stream, replay, and a gap-free follower.

The daemon publishes two-frame messages ``[topic, body]`` where the topic is
the event type (``catalog.imported``) and the body a MessagePack map
``{v, seq, type, occurred_at, source, actor, subject: {kind, id}, payload}``.
``seq`` increases strictly across the deployment without gaps, so a
subscriber that sees a gap (or joins late) fetches what it missed with
``events.replay``; :meth:`Subscriber.follow` does that for you.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import zmq
from zmq.utils.monitor import recv_monitor_message

from . import codec
from .config import DEFAULT_EVENTS_ENDPOINT, resolve_events_endpoint
from .errors import ProtocolError

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Event", "Replay", "Subscriber"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One committed change, as published or replayed."""

    seq: int
    type: str
    occurred_at: datetime | None
    source: str
    actor: str | None
    subject_kind: str
    subject_id: str | int | None
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_body(cls, body: Any) -> Event:
        """Read an event body (a PUB message's second frame, or a replay item).

        Raises :class:`ProtocolError` when required fields are missing.
        """
        if not isinstance(body, Mapping):
            raise ProtocolError(f"event body is not a map: {type(body).__name__}")
        seq, type_, subject = body.get("seq"), body.get("type"), body.get("subject")
        if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(type_, str):
            raise ProtocolError("event body lacks an integer seq or a string type")
        subject = subject if isinstance(subject, Mapping) else {}
        occurred_at = body.get("occurred_at")
        payload = body.get("payload")
        return cls(
            seq=seq,
            type=type_,
            occurred_at=occurred_at if isinstance(occurred_at, datetime) else None,
            source=str(body.get("source") or ""),
            actor=body.get("actor") if isinstance(body.get("actor"), str) else None,
            subject_kind=str(subject.get("kind") or ""),
            subject_id=subject.get("id"),
            payload=dict(payload) if isinstance(payload, Mapping) else {},
        )


@dataclass(frozen=True)
class Replay:
    """A page of ``events.replay``: events after the requested seq, oldest first."""

    items: list[Event]
    #: The newest seq committed when the page was read.
    last_seq: int


class Subscriber:
    """A SUB socket on the daemon's events endpoint. Not thread-safe.

    ``topics`` are prefixes of event types (``""``: everything). Iterating
    yields :class:`Event` objects forever; :meth:`recv` and :meth:`events`
    take timeouts. Give a :class:`~aegis_client.Client` to use
    :meth:`follow`, which fills gaps from ``events.replay``.
    """

    #: Page size of the ``events.replay`` calls made by :meth:`follow`.
    replay_limit = 100

    def __init__(
        self,
        endpoint: str = DEFAULT_EVENTS_ENDPOINT,
        topics: Iterable[str] = ("",),
        *,
        client: Client | None = None,
        max_bytes: int = codec.DEFAULT_MAX_BYTES,
        context: zmq.Context[Any] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.topics: tuple[str, ...] = tuple(topics) or ("",)
        self.client = client
        self._max_bytes = max_bytes
        self._socket: zmq.Socket[Any] = (context or zmq.Context.instance()).socket(zmq.SUB)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.MAXMSGSIZE, max_bytes)
        for topic in self.topics:
            self._socket.setsockopt(zmq.SUBSCRIBE, topic.encode("utf-8"))
        # Watch the handshake so wait_ready() can tell when the subscription is on its way.
        self._monitor: zmq.Socket[Any] | None = self._socket.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_SUCCEEDED
        )
        self._socket.connect(endpoint)

    @classmethod
    def from_env(
        cls, topics: Iterable[str] = ("",), *, client: Client | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Subscriber:
        """Subscribe to the endpoint named by the environment (see :mod:`aegis_client.config`)."""
        return cls(resolve_events_endpoint(environ), topics, client=client)

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self._stop_monitor()
        self._socket.close(linger=0)

    def __enter__(self) -> Subscriber:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stop_monitor(self) -> None:
        if self._monitor is not None:
            try:
                self._socket.disable_monitor()
            except zmq.ZMQError:
                pass
            self._monitor.close(linger=0)
            self._monitor = None

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Wait until the connection to the publisher is established.

        ZeroMQ drops what a publisher sends before a subscriber's connection
        is up ("slow joiner"); call this before triggering events you must
        see live. Returns False if the handshake did not happen in time.
        """
        if self._monitor is None:
            return True
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            if not self._monitor.poll(max(1, int(remaining * 1000))):
                break
            if recv_monitor_message(self._monitor)["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self._stop_monitor()
                return True
        return False

    # -- receiving -----------------------------------------------------------

    def recv(self, timeout: float | None = None) -> Event | None:
        """The next event, or None if none arrives within ``timeout`` seconds.

        ``timeout=None`` waits forever. Malformed messages are logged and skipped.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is None:
                wait_ms = -1
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                wait_ms = max(1, int(remaining * 1000))
            if not self._socket.poll(wait_ms):
                continue
            frames = self._socket.recv_multipart()
            event = self._parse(frames)
            if event is not None:
                return event

    def _parse(self, frames: list[bytes]) -> Event | None:
        if len(frames) != 2:
            log.warning("ignoring event message with %d frames", len(frames))
            return None
        try:
            return Event.from_body(codec.unpackb(frames[1], max_bytes=self._max_bytes))
        except (codec.DecodeError, ProtocolError) as exc:
            log.warning("ignoring malformed event on topic %r: %s", frames[0][:100], exc)
            return None

    def events(self, timeout: float | None = None) -> Iterator[Event]:
        """Yield events until none arrives for ``timeout`` seconds (None: forever)."""
        while (event := self.recv(timeout)) is not None:
            yield event

    def __iter__(self) -> Iterator[Event]:
        return self.events()

    # -- gap-free following ----------------------------------------------------

    def _wanted(self, event: Event) -> bool:
        return any(event.type.startswith(topic) for topic in self.topics)

    def _replay_range(self, after_seq: int, before_seq: int | None) -> Iterator[Event]:
        """Every event with ``after_seq < seq < before_seq`` (no upper bound if None), all topics."""
        assert self.client is not None
        last = after_seq
        while before_seq is None or last < before_seq - 1:
            page = self.client.replay(after_seq=last, limit=self.replay_limit)
            progressed = False
            for event in page.items:
                if event.seq <= last:
                    continue
                if before_seq is not None and event.seq >= before_seq:
                    return
                last, progressed = event.seq, True
                yield event
            if not progressed or last >= page.last_seq:
                return

    def follow(
        self, after_seq: int = 0, *, timeout: float | None = None, check_interval: float | None = 5.0
    ) -> Iterator[Event]:
        """Yield every matching event with ``seq > after_seq`` exactly once, in ``seq`` order.

        First replays what was committed after ``after_seq``, then follows the
        live stream; a gap in ``seq`` is filled from ``events.replay`` and
        duplicates are dropped. After ``check_interval`` seconds without a live
        event it asks ``events.replay`` for anything it missed at the tail.
        Stops when nothing arrived for ``timeout`` seconds (None: never).
        Requires the ``client`` given to the constructor.
        """
        if self.client is None:
            raise ValueError("Subscriber.follow needs a client: Subscriber(..., client=client)")
        last = after_seq
        for replayed in self._replay_range(last, None):
            last = replayed.seq
            if self._wanted(replayed):
                yield replayed
        idle_since = time.monotonic()
        while True:
            wait = check_interval
            if timeout is not None:
                remaining = max(0.0, idle_since + timeout - time.monotonic())
                wait = remaining if wait is None else min(wait, remaining)
            event = self.recv(wait)
            if event is None:
                found = False
                for missed in self._replay_range(last, None):
                    last = missed.seq
                    if self._wanted(missed):
                        found = True
                        yield missed
                if found:
                    idle_since = time.monotonic()
                elif timeout is not None and time.monotonic() - idle_since >= timeout:
                    return
                continue
            if event.seq <= last:
                continue  # already replayed
            if event.seq > last + 1:
                for missed in self._replay_range(last, event.seq):
                    last = missed.seq
                    if self._wanted(missed):
                        yield missed
            last = event.seq
            idle_since = time.monotonic()
            yield event
