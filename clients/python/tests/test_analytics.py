"""Analytics from Python: snapshots, Navigator layers, reports, metrics and compliance."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import ImportOutcome
from test_workflow import Team, team  # noqa: F401  (the fixture)

from aegis_client import Client, InvalidArgument, Layer, NotFound, PermissionDenied

VISIBLE = "T0812"  # ICS: Default Credentials
TESTED = "T0836"  # ICS: Modify Parameter


def _validated(team: Team, technique: str, **blue: Any) -> dict[str, Any]:  # noqa: F811
    """A test of ``technique`` taken to validated; ``blue`` is what blue saw (nothing: missed)."""
    t = team["redlead"].call("test.create", technique_id=technique, name=f"Analytics {technique}")
    t = team.move("redlead", "test.mark_ready", t)
    t = team.move("redop", "test.start", t)
    started = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
    t = team.move("redop", "test.submit_red", t, outcome="executed", attack_started_at=started)
    t = team.move("blueop", "test.start_review", t)
    seen = {"alerted": False, "logged": False, **blue}
    t = team.move("blueop", "test.submit_blue", t, prevented="none", **seen)
    t = team.move("redlead", "test.approve", t, side="red")
    t = team.move("bluelead", "test.approve", t, side="blue")
    assert t["state"] == "validated"
    return t


def test_snapshots_and_their_diff(team: Team) -> None:  # noqa: F811
    with pytest.raises(PermissionDenied):
        team["viewer"].create_snapshot(domain="ics-attack")
    base = team["redlead"].create_snapshot("py baseline", "ics-attack")
    assert base["id"].startswith("snp_") and base["name"] == "py baseline" and base["domain"] == "ics-attack"
    assert base["id"] in [s["id"] for s in team["viewer"].snapshots(limit=1)]
    detail = team["viewer"].snapshot(base["id"])
    assert detail["snapshot"]["id"] == base["id"]
    assert VISIBLE in [t["technique_id"] for t in detail["techniques"]]

    team["bluelead"].set_visibility(VISIBLE, 4)
    try:
        now = team["viewer"].snapshot_diff(base["id"])
        assert now["to"]["id"] is None
        assert VISIBLE in [c["technique_id"] for c in now["improved"]]
        later = team["bluelead"].create_snapshot(domain="ics-attack")
        back = team["viewer"].snapshot_diff(later["id"], base["id"])
        assert VISIBLE in [c["technique_id"] for c in back["regressed"]]
        assert back["score_delta"] <= 0
    finally:
        team["bluelead"].set_visibility(VISIBLE, None)
    with pytest.raises(InvalidArgument):
        team["viewer"].snapshot_diff("not-a-snapshot")
    with pytest.raises(NotFound):
        team["viewer"].snapshot("snp_0000")


def test_layers_out_and_back_in(client: Client, catalog: ImportOutcome, tmp_path: Path) -> None:
    layer = client.export_layer("coverage", domain="ics-attack", platforms=["Windows"], name="py layer")
    assert isinstance(layer, Layer) and isinstance(layer, dict)
    assert layer["name"] == "py layer" and layer["domain"] == "ics-attack"
    assert layer["filters"]["platforms"] == ["Windows"]
    assert json.loads(layer.text) == dict(layer)
    assert layer.result["kind"] == "coverage"
    assert layer.result["techniques"] == len({t["techniqueID"] for t in layer["techniques"]})

    path = tmp_path / "layer.json"
    path.write_text(layer.text)
    read = client.import_layer(path, domain="ics-attack")
    assert read["format_version"] == "4.5" and read["unknown_technique_ids"] == []
    assert {t["technique_id"] for t in read["techniques"]} == {t["techniqueID"] for t in layer["techniques"]}
    compared = client.compare_layer(layer.text.encode(), domain="ics-attack")
    assert compared["in_layer"] == layer.result["techniques"]
    assert compared["in_layer"] == compared["covered_by_us"] + len(compared["gaps"])
    assert client.compare_layer(layer.text, domain="ics-attack")["in_layer"] == compared["in_layer"]

    snap = client.create_snapshot(domain="ics-attack")
    diff = client.export_layer("snapshot_diff", from_=snap["id"])
    assert diff.result["kind"] == "snapshot_diff" and diff["domain"] == "ics-attack"

    rules = client.export_layer("rules", domain="ics-attack")
    assert rules.result["kind"] == "rules" and rules["gradient"]["maxValue"] == 3
    assert {m["name"] for m in rules["metadata"]} >= {"rules", "sigma", "elastic", "native", "disabled"}
    assert all(isinstance(t["score"], (int, float)) for t in rules["techniques"])

    with pytest.raises(InvalidArgument):
        client.import_layer("this is not JSON", domain="ics-attack")
    with pytest.raises(InvalidArgument):
        client.export_layer("actor", domain="ics-attack")
    with pytest.raises(FileNotFoundError):
        client.import_layer(tmp_path / "missing.json")
    with pytest.raises(TypeError):
        client.compare_layer(42)  # type: ignore[arg-type]


def test_reports_and_metrics(team: Team, tmp_path: Path) -> None:  # noqa: F811
    missed = _validated(team, TESTED)
    due = datetime.now(timezone.utc) - timedelta(days=1)
    team.move("bluelead", "test.update_remediation", missed, owner="PyOps", due_at=due)
    detected = _validated(
        team, TESTED, alerted=True, alert_severity="high", logged=True,
        detected_at=datetime(2025, 3, 1, 12, 5, tzinfo=timezone.utc),
    )
    viewer = team["viewer"]

    coverage = viewer.report_coverage("ics-attack")
    assert coverage["domain"] == "ics-attack"
    lines = [t for tactic in coverage["tactics"] for t in tactic["techniques"] if t["id"] == TESTED]
    assert lines and lines[0]["tests"] >= 2 and lines[0]["validated"] >= 1
    assert isinstance(lines[0]["rules"], int) and isinstance(lines[0]["rules_disabled"], int)

    results = viewer.report_test_results(group_by="state", domain="ics-attack")
    assert results["group_by"] == "state"
    assert "validated" in [r["key"] for r in results["rows"]]
    by_technique = viewer.report_test_results(since=datetime(2025, 3, 1, tzinfo=timezone.utc))
    assert TESTED in [r["key"] for r in by_technique["rows"]]
    with pytest.raises(InvalidArgument):
        viewer.report_test_results(group_by="colour")

    items = list(viewer.report_remediation(limit=1))
    mine = [i for i in items if i["test_id"] == missed["id"]]
    assert mine and mine[0]["owner"] == "PyOps" and mine[0]["overdue"] is True
    assert detected["id"] not in [i["test_id"] for i in viewer.report_remediation(include_done=True)]

    metrics = viewer.metrics_operational(group_by="team")
    assert metrics["group_by"] == "team" and "PyOps" in [r["key"] for r in metrics["rows"]]
    monthly = viewer.metrics_operational(since=datetime(2025, 3, 1, tzinfo=timezone.utc),
                                         until=datetime(2025, 4, 1, tzinfo=timezone.utc))
    march = next(r for r in monthly["rows"] if r["key"] == "2025-03")
    assert march["validated"] >= 2 and march["mttd_seconds"] is not None

    binary = io.BytesIO()
    rows = viewer.export_report("tests", binary)
    lines_out = binary.getvalue().decode().split("\r\n")
    assert lines_out[0].startswith("id,technique_id,name,state")
    assert rows == len(lines_out) - 2 and rows >= 2  # header, rows, then the empty string after the last CRLF
    with (tmp_path / "coverage.csv").open("w", newline="") as text:
        rows = viewer.export_report("coverage", text, domain="ics-attack")
    written = (tmp_path / "coverage.csv").read_bytes().decode().split("\r\n")
    assert written[0].startswith("tactic_id,") and rows == len(written) - 2
    remediation = io.StringIO()
    assert viewer.export_report("remediation", remediation, include_done=True) >= 1
    assert missed["id"] in remediation.getvalue()
    with pytest.raises(InvalidArgument):
        viewer.export_report("metrics", io.BytesIO(), group_by="colour")


def test_compliance_frameworks(team: Team, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "framework.csv"
    path.write_text(
        "control_id,control_name,control_group,technique_id,mapping_type\n"
        "AC-2,Account Management,AC,T0812,mitigates\n"
        "SI-4,System Monitoring,SI,T0836,detects\n"
        "SI-4,,,T9999,detects\n"
        "PE-3,Physical Access,PE,,\n"
    )
    with pytest.raises(PermissionDenied):
        team["viewer"].import_compliance_framework(path, "csv", framework="py-fw")
    imported = team["redlead"].import_compliance_framework(
        path, "csv", framework="py-fw", name="Py controls", version="1")
    assert imported["framework"]["id"] == "py-fw" and imported["framework"]["controls"] == 3
    assert imported["unknown_technique_ids"] == [{"id": "T9999", "count": 1}]
    again = team["redlead"].import_compliance_framework(path.read_bytes(), "csv", framework="py-fw")
    assert again["replaced"] is True
    assert "py-fw" in [f["id"] for f in team["viewer"].compliance_frameworks()]

    gap = team["viewer"].compliance_gap("py-fw", domain="ics-attack")
    assert gap["framework_id"] == "py-fw" and gap["totals"]["controls"] == 3
    assert gap["controls"][-1]["control"]["id"] == "PE-3"
    text = team["viewer"].compliance_gap("py-fw", csv=True, domain="ics-attack")
    assert text.startswith("control_id,control_name,control_group,technique_id,status,score\r\n")
    assert "PE-3,Physical Access,PE,,," in text

    with pytest.raises(InvalidArgument):
        team["redlead"].import_compliance_framework("a,b\n1,2\n", "csv", framework="py-bad")
    with pytest.raises(InvalidArgument):
        team["redlead"].import_compliance_framework(path, "csv")
    with pytest.raises(NotFound):
        team["viewer"].compliance_gap("py-none")
