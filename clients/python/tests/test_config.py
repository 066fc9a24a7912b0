"""Client.from_env and Subscriber.from_env endpoint/key resolution (offline)."""

from __future__ import annotations

import json
from pathlib import Path

from aegis_client import DEFAULT_EVENTS_ENDPOINT, DEFAULT_RPC_ENDPOINT, Client, Subscriber
from aegis_client.config import resolve_api_key, resolve_events_endpoint, resolve_rpc_endpoint


def test_defaults(tmp_path: Path) -> None:
    env = {"AEGIS_DATA_DIR": str(tmp_path)}
    assert resolve_rpc_endpoint(env) == DEFAULT_RPC_ENDPOINT
    assert resolve_events_endpoint(env) == DEFAULT_EVENTS_ENDPOINT
    assert resolve_api_key(env) is None


def test_state_file_and_key_file(tmp_path: Path) -> None:
    (tmp_path / "aegisd.json").write_text(json.dumps({"rpc": "tcp://127.0.0.1:4000", "events": "tcp://127.0.0.1:4001", "pid": 1}))
    (tmp_path / "admin.key").write_text("  aegis_secret\n")
    env = {"AEGIS_DATA_DIR": str(tmp_path)}
    with Client.from_env(env) as c:
        assert c.endpoint == "tcp://127.0.0.1:4000"
        assert c.api_key == "aegis_secret"
    assert resolve_events_endpoint(env) == "tcp://127.0.0.1:4001"


def test_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "aegisd.json").write_text(json.dumps({"rpc": "tcp://127.0.0.1:4000"}))
    (tmp_path / "admin.key").write_text("from_file")
    env = {"AEGIS_DATA_DIR": str(tmp_path), "AEGIS_RPC_ENDPOINT": "tcp://127.0.0.1:5000",
           "AEGIS_EVENTS_ENDPOINT": "tcp://127.0.0.1:5001", "AEGIS_API_KEY": "from_env"}
    with Client.from_env(env, timeout=1.0) as c:
        assert (c.endpoint, c.api_key, c.timeout) == ("tcp://127.0.0.1:5000", "from_env", 1.0)
    with Subscriber.from_env(environ=env) as sub:
        assert sub.endpoint == "tcp://127.0.0.1:5001"


def test_broken_state_file_falls_back(tmp_path: Path) -> None:
    (tmp_path / "aegisd.json").write_text("{not json")
    assert resolve_rpc_endpoint({"AEGIS_DATA_DIR": str(tmp_path)}) == DEFAULT_RPC_ENDPOINT
