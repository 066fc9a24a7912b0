"""Events: live PUB stream, events.replay, and gap-free following."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from conftest import Daemon, ImportOutcome, _data_paths

from aegis_client import Client, Event, Replay, Subscriber


def test_subscriber_saw_catalog_imported(catalog: ImportOutcome) -> None:
    imported = [e for e in catalog.live_events if e.type == "catalog.imported"]
    assert {e.subject_id for e in imported} == {"enterprise-attack", "ics-attack"}
    seqs = [e.seq for e in catalog.live_events]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), "seq must increase strictly"
    assert all(e.seq > catalog.seq_before for e in imported)
    for e in imported:
        assert e.subject_kind == "catalog"
        assert isinstance(e.occurred_at, datetime) and e.occurred_at.tzinfo is not None
        assert e.source
        assert e.actor and e.actor.startswith("api_key:")
        assert e.payload["domain"] == e.subject_id
        assert e.payload["version"] == "18.1"


def test_replay_returns_the_events(client: Client, catalog: ImportOutcome) -> None:
    replay = client.replay(0)
    assert isinstance(replay, Replay)
    seqs = [e.seq for e in replay.items]
    assert seqs == list(range(1, len(seqs) + 1)), "replay from 0 starts at seq 1 without gaps"
    assert replay.last_seq >= seqs[-1]
    by_seq = {e.seq: e for e in replay.items}
    for live in catalog.live_events:
        assert by_seq[live.seq] == live, "replayed and published bodies must agree"
    assert replay.items[0].type == "api_key.created"


def test_replay_pages(client: Client, catalog: ImportOutcome) -> None:
    first = client.replay(0, limit=1)
    assert len(first.items) == 1 and first.items[0].seq == 1
    rest = client.replay(after_seq=1, limit=1000)
    assert all(e.seq > 1 for e in rest.items)


def test_follow_replays_then_goes_live(daemon: Daemon, client: Client, catalog: ImportOutcome) -> None:
    history = client.replay(0, limit=1000).items
    with Subscriber(daemon.events, client=client) as sub:
        assert sub.wait_ready(10.0)
        stream = sub.follow(after_seq=0, timeout=10.0, check_interval=0.5)
        replayed = [next(stream) for _ in history]
        assert replayed == history
        # A new committed change: re-importing the ICS bundle announces it again.
        ics, _ = _data_paths()
        client.import_catalog(ics)
        event = next(stream)
        assert event.type == "catalog.imported" and event.subject_id == "ics-attack"
        assert event.seq == history[-1].seq + 1


def test_follow_with_topics_skips_other_types(daemon: Daemon, client: Client, catalog: ImportOutcome) -> None:
    with Subscriber(daemon.events, topics=("catalog.",), client=client) as sub:
        events = list(sub.follow(after_seq=0, timeout=0.3, check_interval=0.1))
    assert events and all(e.type.startswith("catalog.") for e in events)
    assert [e.seq for e in events] == sorted({e.seq for e in events})


def test_recv_times_out(daemon: Daemon) -> None:
    with Subscriber(daemon.events, topics=("no.such.topic",)) as sub:
        assert sub.wait_ready(10.0)
        assert sub.recv(timeout=0.05) is None
        assert list(sub.events(timeout=0.05)) == []


def test_follow_needs_a_client(daemon: Daemon) -> None:
    with Subscriber(daemon.events) as sub, pytest.raises(ValueError):
        next(sub.follow())


# -- gap filling, offline ------------------------------------------------------------


def _event(seq: int, type_: str = "test.changed") -> Event:
    return Event(seq, type_, datetime(2026, 1, 1, tzinfo=timezone.utc), "aegisd-1", None, "test", f"t-{seq}", {})


class FakeClient:
    """events.replay over an in-memory log whose committed part grows."""

    def __init__(self, log: list[Event], visible: int) -> None:
        self.log = log
        self.visible = visible
        self.calls: list[tuple[int, int]] = []

    def replay(self, after_seq: int = 0, limit: int = 100) -> Replay:
        self.calls.append((after_seq, limit))
        committed = self.log[: self.visible]
        items = [e for e in committed if e.seq > after_seq][:limit]
        return Replay(items, committed[-1].seq if committed else 0)


def _scripted(sub: Subscriber, fake: FakeClient, script: list[tuple[int, Event | None]]) -> None:
    """Make ``sub.recv`` play ``script``: (events committed so far, live event or None for a timeout)."""
    steps: Iterator[tuple[int, Event | None]] = iter(script)

    def recv(timeout: float | None = None) -> Event | None:
        visible, event = next(steps, (fake.visible, None))
        fake.visible = visible
        return event

    sub.recv = recv  # type: ignore[method-assign]


def test_follow_fills_gaps_and_drops_duplicates() -> None:
    log = [_event(i) for i in range(1, 11)]
    fake = FakeClient(log, visible=2)
    with Subscriber("tcp://127.0.0.1:1", client=fake) as sub:  # type: ignore[arg-type]
        sub.replay_limit = 2  # force several replay pages
        _scripted(sub, fake, [
            (7, log[2]),   # seq 3: next in line
            (7, log[2]),   # seq 3 again: duplicate
            (7, log[5]),   # seq 6: 4 and 5 were missed
            (7, log[4]),   # seq 5: already filled in
            (7, log[6]),   # seq 7
            (10, None),    # quiet: 8..10 were committed but not seen live
            (10, None),
        ])
        got = [e.seq for e in sub.follow(after_seq=0, timeout=0.0, check_interval=0.0)]
    assert got == list(range(1, 11))


def test_follow_starts_after_seq_and_filters_topics() -> None:
    log = [_event(1, "catalog.imported"), _event(2, "api_key.created"), _event(3, "catalog.imported"),
           _event(4, "api_key.created"), _event(5, "catalog.imported")]
    fake = FakeClient(log, visible=3)
    with Subscriber("tcp://127.0.0.1:1", topics=("catalog.",), client=fake) as sub:  # type: ignore[arg-type]
        _scripted(sub, fake, [(5, log[4])])  # 4 is another topic: a "gap" that replay explains
        got = [e.seq for e in sub.follow(after_seq=1, timeout=0.0, check_interval=0.0)]
    assert got == [3, 5]


def test_event_from_body_rejects_garbage() -> None:
    from aegis_client import ProtocolError

    with pytest.raises(ProtocolError):
        Event.from_body({"type": "x"})
    with pytest.raises(ProtocolError):
        Event.from_body([1, 2])
    body: dict[str, Any] = {"seq": 1, "type": "x", "subject": {"kind": "k", "id": 7}}
    assert Event.from_body(body).subject_id == 7
