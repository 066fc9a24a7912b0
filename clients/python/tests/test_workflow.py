"""The purple-team workflow from Python: users log in, a test goes from draft to validated."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import Daemon, ImportOutcome

from aegis_client import (
    Client,
    Conflict,
    InvalidArgument,
    InvalidTransition,
    PermissionDenied,
    Subscriber,
    Unauthenticated,
)

PASSWORD = "Correct-Horse-9-battery"
TECHNIQUE = "T0803"  # ICS: Block Command Message


class Team:
    """One user per role, each with a client logged in as them."""

    def __init__(self, daemon: Daemon, admin: Client) -> None:
        suffix = secrets.token_hex(3)
        self.clients: dict[str, Client] = {}
        self.ids: dict[str, str] = {}
        for name, role in [
            ("redlead", "red_lead"), ("redop", "red_operator"),
            ("bluelead", "blue_lead"), ("blueop", "blue_analyst"), ("viewer", "viewer"),
        ]:
            username = f"py{name}{suffix}"
            user = admin.call("user.create", username=username, password=PASSWORD, roles=[role])
            self.ids[name] = user["id"]
            client = Client(daemon.rpc, timeout=30.0)
            login = client.login(username, PASSWORD)
            assert login["user"]["username"] == username
            self.clients[name] = client

    def __getitem__(self, name: str) -> Client:
        return self.clients[name]

    def move(self, who: str, method: str, test: dict[str, Any], **params: Any) -> dict[str, Any]:
        result: dict[str, Any] = self[who].call(method, id=test["id"], version=test["version"], **params)
        return result

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


@pytest.fixture()
def team(daemon: Daemon, client: Client, catalog: ImportOutcome) -> Iterator[Team]:
    t = Team(daemon, client)
    yield t
    t.close()


def test_a_test_goes_from_draft_to_validated(daemon: Daemon, client: Client, team: Team) -> None:
    start_seq = client.call("events.status")["last_seq"]
    with Subscriber(daemon.events, topics=("test.", "technique."), client=client) as sub:
        assert sub.wait_ready(10.0)
        t = team["redlead"].call(
            "test.create", technique_id=TECHNIQUE, name="Block a command message",
            procedure="Send a crafted stop command", assignees=[team.ids["redop"], team.ids["blueop"]],
        )
        assert t["state"] == "draft" and t["version"] == 1
        t = team.move("redlead", "test.mark_ready", t)
        t = team.move("redop", "test.start", t)
        started = datetime.now(timezone.utc) - timedelta(seconds=5)
        t = team.move(
            "redop", "test.submit_red", t, outcome="executed", attack_started_at=started,
            attack_stopped_at=started + timedelta(seconds=2), commands=["stop.exe --plc 3"], notes="done",
        )
        assert t["state"] == "blue_pending"
        t = team.move("blueop", "test.start_review", t)
        t = team.move(
            "blueop", "test.submit_blue", t, prevented="none", alerted=True, alert_severity="high",
            logged=True, detected_at=started + timedelta(seconds=1), detecting_tools=["Zeek"],
        )
        assert t["state"] == "awaiting_validation" and t["outcome"] == "detected"
        t = team.move("redlead", "test.approve", t, side="red")
        t = team.move("bluelead", "test.approve", t, side="blue")
        assert t["state"] == "validated"
        assert client.call("technique.get", id=TECHNIQUE)["status"] in {"detected", "partial"}

        # The subscriber saw every step, in order, with no gap.
        events = sub.follow(after_seq=start_seq, timeout=10.0, check_interval=0.2)
        mine = []
        for event in events:
            if event.subject_id == t["id"] or event.type.startswith("technique."):
                mine.append(event)
            if event.type == "test.validated" and event.subject_id == t["id"]:
                break
    types = [e.type for e in mine if e.subject_id == t["id"]]
    assert types[0] == "test.created" and types[-1] == "test.validated"
    assert types.count("test.state_changed") == 7
    seqs = [e.seq for e in mine]
    assert seqs == sorted(seqs)

    # Notifications reached the people who had to act.
    notes = team["bluelead"].call("notification.list", unread_only=True)["items"]
    assert any(n["test_id"] == t["id"] and n["kind"] == "test.needs_blue" for n in notes)

    # And the audit trail names each actor.
    audit = client.call("audit.list", entity_kind="test", entity_id=t["id"])["items"]
    assert [a["action"] for a in audit][:2] == ["test.create", "test.mark_ready"]
    assert audit[0]["actor"] == f"user:{team.ids['redlead']}"


def test_refusals_carry_their_codes(team: Team) -> None:
    t = team["redlead"].call("test.create", technique_id=TECHNIQUE, name="Refusals")
    ready = team.move("redlead", "test.mark_ready", t)
    with pytest.raises(Conflict):
        team.move("redlead", "test.mark_ready", t)  # stale version
    with pytest.raises(InvalidTransition) as illegal:
        team.move("redop", "test.submit_red", ready, outcome="executed")
    assert illegal.value.details["from"] == "ready" and illegal.value.details["to"] == "blue_pending"
    with pytest.raises(PermissionDenied):
        team.move("blueop", "test.start", ready)
    with pytest.raises(PermissionDenied):
        team["viewer"].call("test.create", technique_id=TECHNIQUE, name="nope")


def test_blind_tests_hide_the_procedure_from_blue(team: Team) -> None:
    t = team["redlead"].call(
        "test.create", technique_id=TECHNIQUE, name="Secret op", procedure="the secret", blind=True,
    )
    seen = team["blueop"].call("test.get", id=t["id"])
    assert seen["id"] == t["id"] and seen["state"] == "draft"
    assert "the secret" not in repr(seen) and "Secret op" not in repr(seen)
    assert team["redop"].call("test.get", id=t["id"])["procedure"] == "the secret"


def test_logout_ends_the_session(daemon: Daemon, client: Client, catalog: ImportOutcome) -> None:
    username = f"pyleaver{secrets.token_hex(3)}"
    client.call("user.create", username=username, password=PASSWORD, roles=["viewer"])
    with Client(daemon.rpc, timeout=10.0) as me:
        me.login(username, PASSWORD)
        token = me.api_key
        assert me.call("auth.whoami")["user"]["username"] == username
        me.logout()
        with Client(daemon.rpc, api_key=token, timeout=10.0) as stale, pytest.raises(Unauthenticated):
            stale.call("auth.whoami")


def test_targets_are_set_shown_filtered_and_hidden_while_blind(team: Team) -> None:
    red = team["redlead"]
    t = red.create_test(TECHNIQUE, "Stop the PLC", targets=["PLC01.ot.example", "plc01.OT.example", "10.0.0.7"])
    assert t["targets"] == ["PLC01.ot.example", "10.0.0.7"]
    assert [x["id"] for x in red.tests(target="plc01")] == [t["id"]]
    assert [x["id"] for x in red.tests(target="plc01.it.example")] == []
    # Blind: blue sees no targets and finds nothing by them until red submits.
    hidden = team["blueop"].call("test.get", id=t["id"])
    assert hidden["redacted"] is True and hidden["targets"] is None
    assert list(team["blueop"].tests(target="plc01")) == []
    t = red.update_test(t["id"], t["version"], targets=["hmi01"])
    assert t["targets"] == ["hmi01"]
    with pytest.raises(InvalidArgument) as refused:
        red.update_test(t["id"], t["version"], targets=["two words"])
    assert refused.value.details["field"] == "targets[0]"
    t = red.update_test(t["id"], t["version"], targets=[])
    assert t["targets"] == []
