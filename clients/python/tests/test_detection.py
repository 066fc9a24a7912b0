"""Detection rules, telemetry and detections from Python, on SigmaHQ's regression data."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import REPO, Daemon

from aegis_client import Client, InvalidArgument, NotFound, PermissionDenied, read_events

SHARED = Path(os.environ.get("AEGIS_SHARED_DATA") or REPO.parent / "shared" / "data")
REGRESSION = SHARED / "sigma-regression"
CASE = "proc_creation_win_curl_custom_user_agent"
RULE = "85de1f22-d189-44e4-8239-dc276b45379b"  # Curl Web Request With Potential Custom User-Agent
RULE_FILE = REGRESSION / "rules" / "windows" / "process_creation" / f"{CASE}.yml"
EVENTS_FILE = REGRESSION / "regression_data" / "rules" / "windows" / "process_creation" / CASE / f"{RULE}.json"


@pytest.fixture(scope="module")
def keys(daemon: Daemon, client: Client) -> Iterator[dict[str, Client]]:
    """A client per role: blue lead, blue analyst, viewer and a sensor (``ingest``)."""
    if not EVENTS_FILE.is_file():
        pytest.fail(f"Sigma regression data missing: {EVENTS_FILE} (set AEGIS_SHARED_DATA)")
    clients: dict[str, Client] = {}
    for name, role in [("lead", "blue_lead"), ("analyst", "blue_analyst"), ("viewer", "viewer"), ("sensor", "ingest")]:
        created = client.call("api_key.create", name=f"py-detection-{name}", roles=[role])
        clients[name] = Client(daemon.rpc, api_key=created["key"], timeout=30.0)
    yield clients
    for c in clients.values():
        c.close()


def test_read_events_takes_json_lines_arrays_and_objects_back_to_back() -> None:
    one = {"a": 1, "b": {"c": "x y"}}
    two = {"a": 2}
    texts = [json.dumps(one), json.dumps(two)]
    assert [json.loads(t) for t in read_events("\n".join(texts) + "\n")] == [one, two]
    assert [json.loads(t) for t in read_events(json.dumps([one, two], indent=2))] == [one, two]
    assert [json.loads(t) for t in read_events(json.dumps(one, indent=2) + json.dumps(two, indent=2))] == [one, two]
    assert list(read_events(b"\xef\xbb\xbf" + json.dumps(one).encode())) == [json.dumps(one, separators=(",", ":"))]
    with pytest.raises(ValueError):
        list(read_events("[1, 2]"))
    recorded = list(read_events(EVENTS_FILE))
    assert len(recorded) >= 1 and json.loads(recorded[0])["Event"]["System"]["Channel"]


def test_a_regression_rule_fires_on_its_events(keys: dict[str, Client]) -> None:
    lead, analyst, viewer, sensor = keys["lead"], keys["analyst"], keys["viewer"], keys["sensor"]
    with pytest.raises(PermissionDenied):
        viewer.rule_import(RULE_FILE)

    # The regression rules folder, recursively; again, nothing changes.
    report = lead.rule_import(REGRESSION / "rules" / "windows" / "process_creation", batch_bytes=16 * 1024)
    assert report["totals"]["imported"] >= 10 and report["totals"]["invalid"] == 0
    lines = {rule["id"]: rule for f in report["files"] for rule in f["rules"]}
    assert lines[RULE]["status"] == "imported"
    again = lead.rule_import([RULE_FILE])
    assert again["totals"]["unchanged"] == 1 and again["files"][0]["format"] == "sigma"
    refused = lead.rule_import(("broken.yml", "title: no detection\n"))
    assert refused["totals"]["invalid"] == 1 and refused["files"][0]["rules"][0]["reason"]

    listed = list(viewer.rules(q="curl", format="sigma", limit=2))
    assert RULE in [r["id"] for r in listed] and all("source" not in r for r in listed)
    rule = viewer.rule_get(RULE)
    assert rule["format"] == "sigma" and rule["state"]["state"] == "enabled" and "detection:" in rule["source"]
    assert rule["evaluable"] is True and rule["tactic_ids"] == ["TA0002"]  # tagged attack.execution only

    # Tried without storing: stored rule, and the rule file's text.
    events = list(read_events(EVENTS_FILE))
    tried = analyst.rule_test(events, rule_id=RULE)
    assert tried[0]["id"] == RULE and tried[0]["results"][0]["matched"] is True
    from_file = analyst.rule_test([{"CommandLine": "notepad.exe"}], content=RULE_FILE)
    assert from_file[0]["id"] == RULE and from_file[0]["results"][0]["matched"] is False
    with pytest.raises(PermissionDenied):
        viewer.rule_test(events, rule_id=RULE)

    # Ingested: one detection; the same events again make none.
    with pytest.raises(PermissionDenied):
        list(sensor.rules())
    first = sensor.ingest(read_events(EVENTS_FILE), source="sysmon")
    assert len(first["event_ids"]) == len(events) and len(first["detection_ids"]) == 1
    repeat = sensor.ingest(events, source="sysmon")
    assert repeat["detection_ids"] == [] and repeat["repeated"] == 1

    found = list(viewer.detections(rule_id=RULE))
    assert [d["id"] for d in found] == first["detection_ids"]
    detection = viewer.detection_get(found[0]["id"])
    assert detection["tactic_ids"] == ["TA0002"] and detection["rule_format"] == "sigma"
    assert detection["confidence"] == 50 and detection["evidence"]  # level medium
    stored = analyst.telemetry_get(detection["event_id"])
    assert stored["event"] == json.loads(events[0]) and stored["source"] == "sysmon"
    assert list(viewer.detections(rule_id=RULE, min_confidence=60)) == []

    # Clipped: its detections fire with at most 20. Disabled: none.
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    clipped = lead.rule_set_state(RULE, "clipped", confidence_max=20, expires_at=later, reason="noisy")
    assert clipped["state"]["state"] == "clipped" and clipped["state"]["confidence_max"] == 20
    variant = json.loads(events[0])
    variant["Event"]["System"]["EventRecordID"] = 1
    made = sensor.ingest([variant])
    assert viewer.detection_get(made["detection_ids"][0])["confidence"] == 20
    lead.rule_set_state(RULE, "disabled")
    variant["Event"]["System"]["EventRecordID"] = 2
    assert sensor.ingest([variant])["detection_ids"] == []
    with pytest.raises(InvalidArgument):
        lead.rule_set_state(RULE, "clipped")  # without confidence_max
    assert lead.rule_set_state(RULE, "enabled")["state"]["state"] == "enabled"

    # Backtest over what happened that day: chunk by chunk, the stored matches.
    occurred = detection["occurred_at"]
    chunks = list(analyst.rule_backtest(occurred - timedelta(days=1), occurred + timedelta(days=1), rule_id=RULE))
    matches = [m for c in chunks for m in c["matches"]]
    assert chunks[-1]["next_cursor"] is None and sum(c["scanned"] for c in chunks) >= 4
    assert {m["rule_id"] for m in matches} == {RULE} and len(matches) == 4  # two ingests, two variants

    lead.rule_delete(RULE)
    with pytest.raises(NotFound):
        viewer.rule_get(RULE)


def test_ingest_batches_by_count_and_size(keys: dict[str, Client]) -> None:
    sensor = keys["sensor"]
    events = ({"host.name": "py-batch", "message": f"event {i}", "pad": "x" * 100} for i in range(6000))
    result = sensor.ingest(events, source="py", batch=5000)  # 5,000 and 1,000
    assert len(result["event_ids"]) == 6000 and len(set(result["event_ids"])) == 6000
    small = sensor.ingest([json.dumps({"n": i, "pad": "y" * 500}) for i in range(50)], batch_bytes=2048)
    assert len(small["event_ids"]) == 50
    with pytest.raises(ValueError):
        sensor.ingest([{"a": 1}], batch=5001)
    with pytest.raises(InvalidArgument):
        sensor.ingest(["[1, 2]"])
