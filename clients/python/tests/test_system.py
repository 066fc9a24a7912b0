"""system.ping and system.info against the live daemon."""

from __future__ import annotations

from datetime import datetime, timezone

from aegis_client import Client


def test_ping_is_public(anon: Client) -> None:
    assert anon.call("system.ping")["pong"] is True


def test_ping_with_key(client: Client) -> None:
    assert client.call("system.ping")["pong"] is True


def test_info(client: Client, catalog: object) -> None:
    info = client.call("system.info")
    assert info["name"] == "aegisd"
    assert isinstance(info["version"], str) and info["version"]
    assert info["protocol"] == 1
    assert isinstance(info["instance"], str) and info["instance"]
    started = info["started_at"]
    assert isinstance(started, datetime) and started.tzinfo is not None
    assert started.utcoffset() == timezone.utc.utcoffset(None)
    assert started <= datetime.now(timezone.utc)
    assert isinstance(info["uptime_ms"], int) and info["uptime_ms"] >= 0
    assert info["store"] == "sqlite"
    assert "enterprise-attack 18.1" in info["catalog_version"]


def test_info_is_public(anon: Client) -> None:
    assert anon.call("system.info")["name"] == "aegisd"
