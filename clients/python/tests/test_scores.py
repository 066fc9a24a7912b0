"""Scores from Python: the organisation, a technique, weights and visibility."""

from __future__ import annotations

import pytest
from test_workflow import Team, team  # noqa: F401  (the fixture)

from aegis_client import Conflict, InvalidArgument, PermissionDenied

TECHNIQUE = "T0803"


def test_scores_explain_themselves(team: Team) -> None:  # noqa: F811
    viewer = team["viewer"]
    org = viewer.score_org("ics-attack")
    assert org["kind"] == "org"
    assert org["domain"] == "ics-attack"
    assert 0 <= org["score"] <= 100
    assert [t["shortname"] for t in org["tactics"]][:1] == ["initial-access"]
    assert sum(org["statuses"].values()) == org["techniques"]

    technique = viewer.score_technique(TECHNIQUE, "ics-attack")
    assert [c["name"] for c in technique["components"]] == [
        "prevention", "detection", "rules", "visibility", "freshness",
    ]
    assert technique["score"] == pytest.approx(sum(c["points"] for c in technique["components"]), abs=0.2)

    tactic = viewer.score_tactic("TA0107")
    assert tactic["name"] == "Inhibit Response Function"
    actor = viewer.score_actor("C0028", "ics-attack")
    assert TECHNIQUE in [t["id"] for t in actor["technique_scores"]]


def test_visibility_and_weights(team: Team) -> None:  # noqa: F811
    with pytest.raises(PermissionDenied):
        team["viewer"].set_visibility(TECHNIQUE, 2)
    before = team["viewer"].score_technique(TECHNIQUE, "ics-attack")
    after = team["bluelead"].set_visibility(TECHNIQUE, 4, note="PLC logs")
    assert after["visibility"]["level"] == 4
    visibility = next(c for c in after["components"] if c["name"] == "visibility")
    assert visibility["value"] == 1
    team["bluelead"].set_visibility(TECHNIQUE, None)
    assert team["viewer"].score_technique(TECHNIQUE, "ics-attack")["score"] == before["score"]

    weights = team["viewer"].score_weights()
    with pytest.raises(InvalidArgument):
        team["redlead"].set_score_weights(
            prevention=50, detection=50, rules=10, visibility=0, freshness=0, version=weights["version"])
    with pytest.raises(Conflict):
        team["redlead"].set_score_weights(
            prevention=25, detection=35, rules=10, visibility=20, freshness=10, version=weights["version"] + 5)
    changed = team["redlead"].set_score_weights(
        prevention=weights["prevention"], detection=weights["detection"], rules=weights["rules"],
        visibility=weights["visibility"], freshness=weights["freshness"], version=weights["version"])
    assert changed["version"] == weights["version"] + 1
