#!/usr/bin/env python3
"""Record a real Caldera's REST API responses for the Caldera plugin's stand-in.

This script only talks to a Caldera that someone already runs by hand: it
installs, configures and starts nothing. It refuses any URL that is not on
the loopback interface.

What it does, in order:

1. signs in both ways (header ``KEY`` and ``POST /enter`` for the
   ``API_SESSION`` cookie) and records ``/api/v2/health`` with each, and the
   401s of a wrong key, no credentials and an unknown cookie;
2. creates a handful of harmless abilities (``PUT /abilities/{id}``: ``echo``,
   ``true``, ``false``, ``sleep`` only) and an adversary that runs them;
3. registers a throwaway agent of its own (``POST /beacon``) that runs only
   those commands (anything else is refused unrun and reported as failed),
   with an empty environment and a throwaway working folder as HOME;
4. starts an operation for the agent's group, waits until every link has a
   result, pushes one more command with ``POST /operations/{id}/potential-links``,
   and starts a second operation for a group without agents;
   (``GET /agents`` is recorded once the agent beacons);
5. records ``GET /abilities``, ``/adversaries``, ``/operations``
   (``exclude=chain``), each operation's links, each link and each link's
   result, and a 404.

Each exchange is saved as one JSON file under ``--out``:
``{"request": {method, path, auth, body}, "response": {status, headers, body}}``
with the response body exactly as Caldera sent it, and ``index.json`` lists
them. Usage::

    python3 plugins/caldera/tools/record.py --url http://127.0.0.1:8888 \\
        --key ADMIN123 --user red --password admin --out plugins/caldera/Tests/recordings
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import shlex
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

PAW = "aegisrec"
GROUP = "aegis-rec"
HOST = "aegis-rec01.lab.example"
ADVERSARY_ID = "aegis-rec-adversary"

#: The abilities the recording operation runs: (id, technique, name, command, timeout).
ABILITIES = [
    ("aegis-rec-echo", "T1082", "System Information Discovery", "echo aegis-recorded", 60),
    ("aegis-rec-error", "T1059.004", "Command and Scripting Interpreter: Unix Shell", "sleep not-a-duration", 60),
    ("aegis-rec-false", "T1059.004", "Command and Scripting Interpreter: Unix Shell", "false", 60),
    ("aegis-rec-true", "T1070.003", "Indicator Removal: Clear Command History", "true", 60),
    ("aegis-rec-timeout", "T1497.003", "Virtualization/Sandbox Evasion: Time Based Evasion", "sleep 5", 2),
    ("aegis-rec-unknown", "T1059.999", "Command and Scripting Interpreter: (not in ATT&CK)", "echo unknown-sub", 60),
]


class Recorder:
    """Calls Caldera and saves each exchange it is asked to keep."""

    def __init__(self, url: str, key: str, out: Path) -> None:
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refusing {url}: record only from a Caldera on the loopback interface")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.key = key
        self.cookie: str | None = None
        self.out = out
        self.index: list[dict[str, Any]] = []
        out.mkdir(parents=True, exist_ok=True)

    def exchange(
        self, method: str, path: str, *, auth: str = "key", body: Any = None, form: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        headers: dict[str, str] = {}
        if auth == "key":
            headers["KEY"] = self.key
        elif auth == "bad-key":
            headers["KEY"] = "NOT-THE-KEY"
        elif auth == "cookie" and self.cookie:
            headers["Cookie"] = f"API_SESSION={self.cookie}"
        elif auth == "stale-cookie":
            headers["Cookie"] = "API_SESSION=aegis-recorder-made-this-up"
        payload: bytes | None = raw
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() in ("content-type", "location", "set-cookie")}
            return response.status, kept, data
        finally:
            connection.close()

    def record(self, name: str, note: str, method: str, path: str, *, auth: str = "key", **kw: Any) -> Any:
        """Calls Caldera, saves the exchange as ``name.json``, returns the JSON body (or None)."""
        status, headers, data = self.exchange(method, path, auth=auth, **kw)
        request: dict[str, Any] = {"method": method, "path": path, "auth": auth}
        if "body" in kw:
            request["body"] = kw["body"]
        if "form" in kw:
            request["form"] = {k: ("<password>" if k == "password" else v) for k, v in kw["form"].items()}
        text = data.decode("utf-8", errors="replace")
        (self.out / f"{name}.json").write_text(
            json.dumps({"note": note, "request": request, "response": {"status": status, "headers": headers, "body": text}},
                       indent=1) + "\n")
        self.index.append({"file": f"{name}.json", "method": method, "path": path, "auth": auth, "status": status, "note": note})
        print(f"{status} {method} {path} ({auth}) -> {name}.json")
        try:
            return json.loads(data) if data else None
        except ValueError:
            return None

    def call(self, method: str, path: str, **kw: Any) -> Any:
        """Calls Caldera without keeping the exchange."""
        status, _, data = self.exchange(method, path, **kw)
        if status >= 400:
            raise SystemExit(f"{method} {path}: {status} {data[:300]!r}")
        return json.loads(data) if data else None


class ThrowawayAgent(threading.Thread):
    """A beacon client that runs only ``echo``, ``true``, ``false`` and ``sleep``.

    It beacons every second, runs what it allows without a shell, with an
    empty environment in a throwaway folder, and reports stdout, stderr and
    the exit code; Caldera's own status for a timeout is 124.
    """

    ALLOWED = {"echo", "true", "false", "sleep"}

    def __init__(self, recorder: Recorder, home: Path) -> None:
        super().__init__(daemon=True)
        self.recorder = recorder
        self.home = home
        self.results: list[dict[str, Any]] = []
        self.stopped = threading.Event()

    def beacon(self) -> dict[str, Any]:
        profile = {
            "paw": PAW, "server": f"http://{self.recorder.host}:{self.recorder.port}", "group": GROUP, "host": HOST,
            "username": "aegis-recorder", "architecture": "amd64", "platform": "linux", "executors": ["sh"],
            "pid": 4242, "ppid": 1, "privilege": "User", "exe_name": "aegis-recorder", "location": str(self.home),
            "contact": "HTTP", "deadman_enabled": False, "results": self.results,
        }
        self.results = []
        raw = base64.b64encode(json.dumps(profile).encode())
        status, _, data = self.recorder.exchange("POST", "/beacon", auth="none", raw=raw)
        if status != 200:
            raise RuntimeError(f"beacon: {status}")
        return json.loads(base64.b64decode(data))

    def run(self) -> None:
        while not self.stopped.is_set():
            answer = self.beacon()
            for text in json.loads(answer.get("instructions") or "[]"):
                instruction = json.loads(text)
                self.results.append(self.execute(instruction))
            self.stopped.wait(1.0)

    def execute(self, instruction: dict[str, Any]) -> dict[str, Any]:
        command = base64.b64decode(instruction["command"]).decode()
        timeout = int(instruction.get("timeout") or 60)
        argv = shlex.split(command)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if not argv or argv[0] not in self.ALLOWED or len(argv) > 8:
            out, err, code, status = b"", f"refused by the recording agent: {command}".encode(), "1", "1"
        else:
            try:
                done = subprocess.run(argv, cwd=self.home, env={"HOME": str(self.home), "PATH": "/usr/bin:/bin"},
                                      capture_output=True, timeout=timeout)
                out, err, code = done.stdout, done.stderr, str(done.returncode)
                status = "0" if done.returncode == 0 else "1"
            except subprocess.TimeoutExpired:
                out, err, code, status = b"", f"timed out after {timeout} s".encode(), "124", "124"
        return {
            "id": instruction["id"], "output": base64.b64encode(out).decode(), "stderr": base64.b64encode(err).decode(),
            "exit_code": code, "status": status, "pid": 4243, "agent_reported_time": now,
        }


def wait_for(what: str, condition: Any, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1.0)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8888")
    parser.add_argument("--key", default="ADMIN123")
    parser.add_argument("--user", default="red")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rec = Recorder(args.url, args.key, args.out)

    # 1. Both logins, and what a wrong credential gets.
    rec.record("health-key", "GET /health with the KEY header", "GET", "/api/v2/health")
    rec.record("enter", "POST /enter with the red user's name and password: 302 and an API_SESSION cookie",
               "POST", "/enter", auth="none", form={"username": args.user, "password": args.password})
    entered = json.loads((rec.out / "enter.json").read_text())["response"]
    status, headers = entered["status"], entered["headers"]
    cookie = headers.get("Set-Cookie", "")
    rec.cookie = cookie.split("API_SESSION=", 1)[1].split(";", 1)[0] if "API_SESSION=" in cookie else None
    if not rec.cookie:
        raise SystemExit(f"/enter gave no API_SESSION cookie ({status}, {headers})")
    rec.record("enter-wrong-password", "POST /enter with a wrong password", "POST", "/enter", auth="none",
               form={"username": args.user, "password": "not-the-password"})
    rec.record("health-cookie", "GET /health with the session cookie", "GET", "/api/v2/health", auth="cookie")
    rec.record("health-bad-key", "GET /health with a wrong KEY", "GET", "/api/v2/health", auth="bad-key")
    rec.record("health-no-auth", "GET /health without credentials", "GET", "/api/v2/health", auth="none")
    rec.record("health-stale-cookie", "GET /health with a session cookie the server does not know (as after its restart)",
               "GET", "/api/v2/health", auth="stale-cookie")
    timings = {}
    for auth in ("key", "cookie"):
        started = time.monotonic()
        for _ in range(5):
            rec.exchange("GET", "/api/v2/health", auth=auth)
        timings[auth] = round((time.monotonic() - started) / 5 * 1000, 1)

    # 2. Harmless abilities and an adversary that runs them.
    for ability_id, technique, technique_name, command, timeout in ABILITIES:
        body = {
            "ability_id": ability_id, "name": f"Aegis recording: {command}", "description": f"Runs `{command}`.",
            "tactic": "execution", "technique_id": technique, "technique_name": technique_name,
            "executors": [{"name": "sh", "platform": "linux", "command": command, "timeout": timeout, "cleanup": []}],
        }
        rec.record(f"ability-put-{ability_id}", "PUT /abilities/{id}: creates or replaces the ability", "PUT",
                   f"/api/v2/abilities/{ability_id}", body=body)
    adversary = {
        "adversary_id": ADVERSARY_ID, "name": "Aegis recording", "description": "Runs the recording abilities once each.",
        "atomic_ordering": [a[0] for a in ABILITIES], "tags": [],
    }
    rec.record("adversary-put", "PUT /adversaries/{id}", "PUT", f"/api/v2/adversaries/{ADVERSARY_ID}", body=adversary)

    # 3. The throwaway agent.
    home = Path(tempfile.mkdtemp(prefix="aegis-rec-agent-"))
    agent = ThrowawayAgent(rec, home)
    agent.start()
    wait_for("the agent", lambda: any(a.get("paw") == PAW for a in rec.call("GET", "/api/v2/agents") or []))
    rec.record("agents", "GET /agents: the throwaway agent, beaconing", "GET", "/api/v2/agents")

    # 4. Operations.
    operation = rec.record(
        "operation-create", "POST /operations for the agent's group, atomic planner, basic source", "POST",
        "/api/v2/operations",
        body={"name": "aegis-record", "adversary": {"adversary_id": ADVERSARY_ID}, "group": GROUP,
              "planner": {"id": "aaa7c857-37a0-4c4a-85f7-4e9f7f30e31a"}, "source": {"id": "ed32b9c3-9593-4c33-b0db-e2007315096b"},
              "auto_close": False, "state": "running", "jitter": "1/2"})
    op_id = operation["id"]

    def finished_links() -> list[dict[str, Any]] | None:
        links = rec.call("GET", f"/api/v2/operations/{op_id}/links") or []
        done = [link for link in links if link.get("finish")]
        return links if len(done) >= len(ABILITIES) and len(done) == len(links) else None

    wait_for("the operation's links", finished_links, timeout=180)
    potential = rec.record(
        "potential-link-create", "POST /operations/{id}/potential-links: one command to one agent", "POST",
        f"/api/v2/operations/{op_id}/potential-links",
        body={"paw": PAW, "executor": {"name": "sh", "platform": "linux", "command": "echo pushed-by-aegis"},
              "ability": {"name": "Aegis pushed command", "tactic": "execution", "technique_id": "T1059.004",
                          "technique_name": "Command and Scripting Interpreter: Unix Shell"}})
    pushed = potential.get("id") if isinstance(potential, dict) else None
    wait_for("the pushed link", lambda: pushed and (rec.call("GET", f"/api/v2/operations/{op_id}/links/{pushed}") or {}).get("finish"))
    empty = rec.record("operation-create-empty-group", "POST /operations for a group without agents (the atomic planner finishes it)",
                       "POST", "/api/v2/operations", body={"name": "nightly-empty", "group": "nobody-here", "auto_close": True})
    agent.stopped.set()
    agent.join(timeout=10)

    # 5. What the plugin reads.
    rec.record("abilities", "GET /abilities: every ability (stockpile's and the recording's)", "GET", "/api/v2/abilities")
    rec.record("ability-echo", "GET /abilities/{id}", "GET", "/api/v2/abilities/aegis-rec-echo")
    rec.record("adversaries", "GET /adversaries", "GET", "/api/v2/adversaries")
    rec.record("operations", "GET /operations?exclude=chain", "GET", "/api/v2/operations?exclude=chain")
    rec.record("operation", "GET /operations/{id}?exclude=chain", "GET", f"/api/v2/operations/{op_id}?exclude=chain")
    links = rec.record("links", "GET /operations/{id}/links", "GET", f"/api/v2/operations/{op_id}/links")
    for i, link in enumerate(links):
        rec.record(f"link-{i}", f"GET one link ({link['ability']['ability_id']}, status {link['status']})", "GET",
                   f"/api/v2/operations/{op_id}/links/{link['id']}")
        rec.record(f"link-{i}-result", f"GET that link's result ({link['ability']['ability_id']})", "GET",
                   f"/api/v2/operations/{op_id}/links/{link['id']}/result")
    rec.record("links-empty-operation", "GET /operations/{id}/links of the operation without agents", "GET",
               f"/api/v2/operations/{empty['id']}/links")
    rec.record("operation-unknown", "GET an operation that does not exist", "GET", "/api/v2/operations/no-such-operation")
    rec.record("links-cookie", "GET /operations/{id}/links with the session cookie", "GET",
               f"/api/v2/operations/{op_id}/links", auth="cookie")

    health = json.loads((rec.out / "health-key.json").read_text())["response"]["body"]
    (rec.out / "index.json").write_text(json.dumps({
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "caldera": json.loads(health).get("version"),
        "mean_ms_per_request": timings,
        "operation_id": op_id,
        "exchanges": rec.index,
    }, indent=1) + "\n")
    print(f"recorded {len(rec.index)} exchanges; mean ms per request: {timings}")


if __name__ == "__main__":
    main()
