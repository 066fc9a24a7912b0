"""aegis_client.plugin: a Python plugin supervised by a real aegisd.

The tiny plugin in ``examples/hello_plugin.py`` is declared in a config file;
aegisd starts it, it says hello, heartbeats, follows events and prints them,
and stops cleanly when an admin stops it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aegis_client import Client, PermissionDenied
from aegis_client.plugin import Plugin, PluginEnvironmentError

from conftest import REPO, Daemon, _bin_dir, _read_key, _read_state, wait_for

EXAMPLE = REPO / "clients" / "python" / "examples" / "hello_plugin.py"


@pytest.fixture()
def supervising(tmp_path: Path) -> Iterator[Daemon]:
    """aegisd with the hello plugin declared."""
    config = tmp_path / "aegisd.toml"
    config.write_text(
        f"""
[[plugin]]
name = "hello"
command = "{sys.executable}"
args = ["{EXAMPLE}"]
scope = ["system.info"]
heartbeat_timeout = 10
env = {{ PYTHONPATH = "{REPO / 'clients' / 'python'}" }}

[plugin.settings]
topics = ["user."]
""",
        encoding="utf-8",
    )
    data_dir = tmp_path / "data"
    log_path = tmp_path / "aegisd.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEGIS_")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(_bin_dir() / "aegisd"), "--config", str(config), "--data-dir", str(data_dir),
             "--rpc", "tcp://127.0.0.1:*", "--events", "tcp://127.0.0.1:*"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
        )
    try:
        state = wait_for(lambda: _read_state(data_dir, process, log_path), 30.0, "aegisd.json")
        key = wait_for(lambda: _read_key(data_dir / "admin.key"), 10.0, "admin.key")
        yield Daemon(process, data_dir, log_path, state["rpc"], state["events"], key)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, log_path.read_text()[-4000:]


def _plugin(admin: Client) -> dict:
    return next(p for p in admin.plugins() if p["name"] == "hello")


def _logged(admin: Client, text: str) -> bool:
    return any(text in line["text"] for line in admin.plugin_logs("hello", lines=200))


def test_a_python_plugin_says_hello_follows_events_and_stops(supervising: Daemon) -> None:
    with Client(supervising.rpc, supervising.api_key) as admin:
        wait_for(lambda: _plugin(admin)["state"] == "running", 20.0, "the plugin to say hello")
        plugin = _plugin(admin)
        assert plugin["version"] == "0.1.0"
        assert plugin["capabilities"] == ["hello"]
        wait_for(lambda: _logged(admin, "hello from hello to"), 10.0, "its first line")

        admin.call("user.create", username="pat", password="Correct-Horse-42!", roles=["viewer"])
        wait_for(lambda: _logged(admin, "user.created"), 10.0, "the event it follows")
        wait_for(lambda: _plugin(admin)["status"].get("events", 0) >= 1, 10.0, "its counter in a heartbeat")

        stopped = admin.stop_plugin("hello")
        assert stopped["name"] == "hello"
        wait_for(lambda: _plugin(admin)["state"] == "stopped", 10.0, "the plugin to stop")
        assert _plugin(admin)["last_exit"] == "exit status 0"
        assert _logged(admin, "stopping")

        # And again.
        assert admin.start_plugin("hello")["state"] == "starting"
        wait_for(lambda: _plugin(admin)["state"] == "running", 20.0, "the plugin to say hello again")
        assert admin.restart_plugin("hello")["state"] == "starting"
        wait_for(lambda: _plugin(admin)["restarts"] == 2 and _plugin(admin)["state"] == "running", 20.0,
                 "the restarted plugin to say hello")


def test_a_plugin_outside_aegisd_is_told_what_is_missing() -> None:
    with pytest.raises(PluginEnvironmentError, match="AEGIS_PLUGIN_NAME"):
        Plugin(version="1", environ={})


def test_the_hello_checks_the_scope_of_the_rest(supervising: Daemon) -> None:
    with Client(supervising.rpc, supervising.api_key) as admin:
        wait_for(lambda: _plugin(admin)["state"] == "running", 20.0, "the plugin to say hello")
        # An admin key is not a plugin: hello is for plugins only.
        with pytest.raises(PermissionDenied):
            admin.call("plugin.hello", name="hello", version="1")
