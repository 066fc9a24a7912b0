"""Countermeasures from Python: sync, list, get, technique.get, and the gaps they close."""

from __future__ import annotations

import io
from typing import Any

import pytest
from test_workflow import Team, team  # noqa: F401  (the fixture)

from aegis_client import Client, InvalidArgument, NotFound, PermissionDenied

GAP = "T0855"  # ICS: Unauthorized Command Message; no other test touches it
OTHER = "T0857"  # ICS: System Firmware

TECHNIQUES = [
    {"id": "D3-PYA", "name": "Py Message Analysis", "tactic": "detect", "definition": "Reads messages, closely."},
    {"id": "D3-PYB", "name": "Py Message Filtering", "tactic": "Isolate", "parent": "D3-PYA"},
    {"id": "D3-PYC", "name": "Py Firmware Hardening", "tactic": "Harden"},
]
LINKS = [
    {"attack_id": GAP, "countermeasure_id": "D3-PYA", "artifacts": ["sends:Message<analyzes:NetworkTraffic"]},
    {"attack_id": GAP, "countermeasure_id": "D3-PYB"},
    {"attack_id": OTHER, "countermeasure_id": "D3-PYC"},
    {"attack_id": "T9999", "countermeasure_id": "D3-PYC"},
]


def _missed(team: Team, technique: str) -> dict[str, Any]:  # noqa: F811
    """A test of ``technique`` taken to validated with nothing seen: missed."""
    t = team["redlead"].call("test.create", technique_id=technique, name=f"Countermeasures {technique}")
    t = team.move("redlead", "test.mark_ready", t)
    t = team.move("redop", "test.start", t)
    t = team.move("redop", "test.submit_red", t, outcome="executed")
    t = team.move("blueop", "test.start_review", t)
    t = team.move("blueop", "test.submit_blue", t, prevented="none", alerted=False, logged=False)
    t = team.move("redlead", "test.approve", t, side="red")
    t = team.move("bluelead", "test.approve", t, side="blue")
    assert t["state"] == "validated" and t["outcome"] == "missed"
    return t


def test_countermeasures_point_gaps_to_defences(client: Client, team: Team) -> None:  # noqa: F811
    viewer = team["viewer"]
    with pytest.raises(PermissionDenied):
        viewer.sync_countermeasures("py-d3fend", "1", TECHNIQUES, LINKS)
    synced = client.sync_countermeasures("py-d3fend", "1", TECHNIQUES, LINKS)
    assert synced["added"] == 3 and synced["links"] == 3 and synced["changed"] is True
    assert synced["unknown_techniques"] == [{"id": "T9999", "count": 1}]
    again = client.sync_countermeasures("py-d3fend", "1", TECHNIQUES, LINKS)
    assert again["changed"] is False and again["unchanged"] == 3

    mine = [c for c in viewer.countermeasures(q="Py ", limit=1)]
    assert [c["id"] for c in mine] == ["D3-PYA", "D3-PYB", "D3-PYC"]
    assert mine[1]["parent"] == "D3-PYA" and mine[1]["source"] == "py-d3fend" and mine[1]["source_version"] == "1"
    assert [c["id"] for c in viewer.countermeasures(technique_id=GAP)] == ["D3-PYA", "D3-PYB"]
    assert [c["id"] for c in viewer.countermeasures(tactic="harden", q="py")] == ["D3-PYC"]
    shown = viewer.countermeasure("d3-pya")
    assert shown["tactic"] == "Detect" and shown["definition"] == "Reads messages, closely."
    assert shown["techniques"] == [
        {"id": GAP, "name": "Unauthorized Command Message", "artifacts": ["sends:Message<analyzes:NetworkTraffic"]}]
    technique = viewer.call("technique.get", id=GAP)
    assert list(technique["countermeasures"]) == ["Detect", "Isolate"]
    assert technique["countermeasures"]["Isolate"] == [{"id": "D3-PYB", "name": "Py Message Filtering"}]

    missed = _missed(team, GAP)
    ranked = viewer.report_countermeasures(domain="ics-attack")
    assert ranked["gap_techniques"] >= 1 and ranked["addressed"] >= 1
    by_id = {item["countermeasure"]["id"]: item for item in ranked["items"]}
    assert GAP in by_id["D3-PYA"]["techniques"] and "D3-PYC" not in by_id
    isolate = viewer.report_countermeasures(tactic="isolate", domain="ics-attack", limit=5)
    assert isolate["tactic"] == "Isolate" and all(i["countermeasure"]["tactic"] == "Isolate" for i in isolate["items"])
    fixes = [i for i in viewer.report_remediation() if i["test_id"] == missed["id"]]
    assert fixes and fixes[0]["countermeasures"] == ["D3-PYA", "D3-PYB"]

    csv = io.BytesIO()
    rows = viewer.export_report("countermeasures", csv, domain="ics-attack", tactic="Detect")
    lines = csv.getvalue().decode().split("\r\n")
    assert lines[0] == "rank,countermeasure_id,countermeasure,tactic,gaps,technique_ids" and rows == len(lines) - 2
    assert any(line.split(",")[1] == "D3-PYA" for line in lines[1:-1])

    with pytest.raises(InvalidArgument):
        viewer.report_countermeasures(tactic="protect")
    with pytest.raises(NotFound):
        viewer.report_countermeasures(actor_id="G9999")
    with pytest.raises(NotFound):
        viewer.countermeasure("D3-PYZ")
    with pytest.raises(InvalidArgument):
        list(viewer.countermeasures(technique_id="TA0002"))
    with pytest.raises(InvalidArgument):
        client.sync_countermeasures("py-d3fend", "2", [{"id": "D3-PYA", "name": "x", "tactic": "Protect"}], [])
