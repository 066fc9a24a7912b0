"""The RPC client: one DEALER socket, MessagePack request/reply."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any

import zmq

from . import codec
from .config import DEFAULT_RPC_ENDPOINT, resolve_api_key, resolve_rpc_endpoint
from .detection import DetectionCalls
from .errors import AegisTimeout, ProtocolError, error_from_reply
from .events import Event, Replay
from .files import Content, Layer, read_content, write_text
from .upload import UploadProgress, import_catalog

__all__ = ["PROTOCOL_VERSION", "Client"]

#: The wire protocol version this client speaks.
PROTOCOL_VERSION = 1


class Client(DetectionCalls):
    """A connection to aegisd's RPC endpoint.

    >>> with Client.from_env() as aegis:
    ...     aegis.call("technique.get", id="T1059.001")["name"]
    'PowerShell'

    Calls are serialized (a lock guards the socket), so one client may be
    shared between threads, one call at a time. ``timeout`` is in seconds
    (None: wait forever); on timeout :class:`~aegis_client.AegisTimeout` is
    raised and the late reply, if it ever comes, is discarded.
    """

    def __init__(
        self,
        endpoint: str = DEFAULT_RPC_ENDPOINT,
        api_key: str | None = None,
        timeout: float | None = 30.0,
        *,
        max_bytes: int = codec.DEFAULT_MAX_BYTES,
        context: zmq.Context[Any] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.api_key = api_key
        self.timeout = timeout
        self._max_bytes = max_bytes
        self._ids = itertools.count(1)
        self._late_replies = 0  # replies still owed to calls that timed out
        self._lock = threading.Lock()
        self._socket: zmq.Socket[Any] = (context or zmq.Context.instance()).socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.MAXMSGSIZE, max_bytes)
        self._socket.connect(endpoint)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, timeout: float | None = 30.0) -> Client:
        """A client for the endpoint and key named by the environment.

        Endpoint: ``AEGIS_RPC_ENDPOINT``, else ``rpc`` in
        ``<AEGIS_DATA_DIR>/aegisd.json``, else the default. Key:
        ``AEGIS_API_KEY``, else ``<AEGIS_DATA_DIR>/admin.key``.
        """
        env = os.environ if environ is None else environ
        return cls(resolve_rpc_endpoint(env), resolve_api_key(env), timeout)

    # -- lifecycle -----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._socket.closed

    def close(self) -> None:
        """Close the socket (idempotent); pending replies are dropped."""
        with self._lock:
            self._socket.close(linger=0)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.endpoint!r}, api_key={'***' if self.api_key else None})"

    # -- calls ---------------------------------------------------------------

    def call(self, method: str, /, **params: Any) -> Any:
        """Call ``method`` with named ``params``; returns the reply's ``result``.

        Raises the :class:`~aegis_client.AegisError` subclass matching an
        error reply, :class:`~aegis_client.AegisTimeout`, or
        :class:`~aegis_client.ProtocolError` for an unreadable reply.
        """
        return self.request(method, params)

    def request(
        self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """Like :meth:`call`, with params as a mapping and a per-call ``timeout`` override."""
        body: dict[str, Any] = {"v": PROTOCOL_VERSION, "id": 0, "method": method}
        if params:
            body["params"] = dict(params)
        if self.api_key is not None:
            body["auth"] = self.api_key
        wait = self.timeout if timeout is None else timeout
        with self._lock:
            if self._socket.closed:
                raise RuntimeError("the client is closed")
            body["id"] = request_id = next(self._ids)
            self._socket.send_multipart([b"", codec.packb(body)])
            reply = self._receive(request_id, wait, method)
        if reply.get("ok") is True:
            return reply.get("result")
        raise error_from_reply(reply.get("error"))

    def _receive(self, request_id: int, timeout: float | None, method: str) -> Mapping[str, Any]:
        """The reply to ``request_id``; earlier (late) replies are discarded."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is None:
                wait_ms = -1
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    # Its reply may still come: the next call will skip it.
                    self._late_replies += 1
                    raise AegisTimeout(f"no reply to {method} (id {request_id}) within {timeout} s")
                wait_ms = max(1, int(remaining * 1000))
            if not self._socket.poll(wait_ms):
                continue
            frames = self._socket.recv_multipart()
            if len(frames) != 2 or frames[0] != b"":
                raise ProtocolError(f"reply has {len(frames)} frames, expected [empty, body]")
            try:
                reply = codec.unpackb(frames[1], max_bytes=self._max_bytes)
            except codec.DecodeError as exc:
                raise ProtocolError(f"unreadable reply: {exc}") from exc
            if not isinstance(reply, Mapping):
                raise ProtocolError(f"reply is not a map: {type(reply).__name__}")
            reply_id = reply.get("id")
            if reply_id == request_id and not isinstance(reply_id, bool):
                return reply
            if self._late_replies > 0:
                # Replies come back in order: this one belongs to an earlier
                # call that timed out.
                self._late_replies -= 1
                continue
            if reply_id is None and reply.get("ok") is False:
                # The server could not read the request (e.g. too large) and so
                # cannot echo its id; it is the answer to the call in flight.
                return reply
            # A reply to an id we never sent or no longer wait for: drop it.

    # -- helpers -------------------------------------------------------------

    def paginate(self, method: str, /, limit: int | None = None, **params: Any) -> Iterator[Any]:
        """Yield the items of every page of a list method, following ``next_cursor``.

        ``limit`` is the page size (1..1000, server default 100); a ``cursor``
        in ``params`` starts from that page.
        """
        query = dict(params)
        if limit is not None:
            query["limit"] = limit
        while True:
            page = self.request(method, query)
            if not isinstance(page, Mapping) or not isinstance(page.get("items"), list):
                raise ProtocolError(f"{method} did not return a page {{items, next_cursor}}")
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return
            query["cursor"] = cursor

    def login(self, username: str, password: str) -> Any:
        """Log in with ``auth.login`` and use the session token for later calls.

        Returns the result (``token``, ``expires_at``, ``user``). The token
        replaces any API key this client held.
        """
        result = self.request("auth.login", {"username": username, "password": password})
        if not isinstance(result, Mapping) or not isinstance(result.get("token"), str):
            raise ProtocolError("auth.login did not return {token, expires_at, user}")
        self.api_key = result["token"]
        return result

    def logout(self) -> None:
        """End the session with ``auth.logout`` and forget its token."""
        self.request("auth.logout")
        self.api_key = None

    def replay(self, after_seq: int = 0, limit: int = 100) -> Replay:
        """Events committed after ``after_seq`` (at most ``limit``), via ``events.replay``."""
        result = self.request("events.replay", {"after_seq": after_seq, "limit": limit})
        if not isinstance(result, Mapping) or not isinstance(result.get("items"), list):
            raise ProtocolError("events.replay did not return {items, last_seq}")
        last_seq = result.get("last_seq")
        return Replay(
            items=[Event.from_body(item) for item in result["items"]],
            last_seq=last_seq if isinstance(last_seq, int) else 0,
        )

    def import_catalog(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        chunk_bytes: int | None = None,
        progress: Callable[[UploadProgress], None] | None = None,
        *,
        commit_timeout: float | None = None,
    ) -> Any:
        """Upload catalog files (folders: their ``*.json``) in chunks and import them.

        See :func:`aegis_client.upload.import_catalog`. Returns the import summary.
        """
        return import_catalog(self, paths, chunk_bytes, progress, commit_timeout)

    # Tests (protocol/SPEC.md §8.8)

    def create_test(
        self, technique_id: str, name: str, *, targets: list[str] | None = None, **fields: Any
    ) -> Any:
        """A new draft test (``test.create``, red). ``targets``: host names, addresses or
        Caldera agent ids it runs on; ``fields``: ``procedure``, ``command``, ``platform``,
        ``executor``, ``expected_detection``, ``assignees``, ``blind``."""
        return self.request(
            "test.create", _given(technique_id=technique_id, name=name, targets=targets, **fields)
        )

    def update_test(
        self, test_id: str, version: int, *, targets: list[str] | None = None, **fields: Any
    ) -> Any:
        """Edit a draft or ready test (``test.update``, red); a given list replaces the stored one
        (``targets=[]`` clears them)."""
        return self.request(
            "test.update", _given(id=test_id, version=version, targets=targets, **fields)
        )

    def tests(
        self, *, target: str | None = None, limit: int | None = None, **filters: Any
    ) -> Iterator[Any]:
        """Every test matching the filters (``test.list``): ``technique_id``, ``state``,
        ``outcome``, ``assignee``, ``updated_since``, ``source_ref`` (the test an importer
        made from that source, e.g. ``caldera:link:<id>``), and ``target`` (a host name with
        or without its domain, an address or an agent id; any case)."""
        return self.paginate("test.list", limit=limit, **_given(target=target, **filters))

    # Scores (docs/SCORING.md)

    def score_org(self, domain: str | None = None) -> Any:
        """The organisation's score (``score.org``), with a line per tactic."""
        return self.request("score.org", _given(domain=domain))

    def score_tactic(self, tactic_id: str, domain: str | None = None) -> Any:
        """A tactic's score (``score.tactic``)."""
        return self.request("score.tactic", _given(id=tactic_id, domain=domain))

    def score_actor(self, actor_id: str, domain: str | None = None) -> Any:
        """How well a group's or campaign's techniques are covered (``score.actor``)."""
        return self.request("score.actor", _given(id=actor_id, domain=domain))

    def score_technique(self, technique_id: str, domain: str | None = None) -> Any:
        """A technique's score and its components (``score.technique``)."""
        return self.request("score.technique", _given(id=technique_id, domain=domain))

    def score_weights(self) -> Any:
        """The score weights in force (``score.weights.get``); version 0 is the defaults."""
        return self.request("score.weights.get")

    def set_score_weights(
        self, *, prevention: int, detection: int, rules: int, visibility: int, freshness: int, version: int
    ) -> Any:
        """Set new weights (``score.weights.set``, leads), quoting the ``version`` in force."""
        return self.request(
            "score.weights.set",
            {
                "prevention": prevention, "detection": detection, "rules": rules,
                "visibility": visibility, "freshness": freshness, "version": version,
            },
        )

    def set_visibility(self, technique_id: str, level: int | None, note: str | None = None) -> Any:
        """Set (0-4) or clear (``None``) a technique's visibility (``visibility.set``, blue lead)."""
        params: dict[str, Any] = {"technique_id": technique_id, "level": level}
        if note is not None:
            params["note"] = note
        return self.request("visibility.set", params)

    # Snapshots (protocol/SPEC.md §8.14)

    def create_snapshot(self, name: str | None = None, domain: str | None = None) -> Any:
        """Keep the domain's coverage now (``snapshot.create``, leads); ``name`` defaults to the date."""
        return self.request("snapshot.create", _given(name=name, domain=domain))

    def snapshots(self, limit: int | None = None) -> Iterator[Any]:
        """Every snapshot, newest first (``snapshot.list``); ``limit`` is the page size."""
        return self.paginate("snapshot.list", limit=limit)

    def snapshot(self, snapshot_id: str) -> Any:
        """A snapshot and its techniques' scores (``snapshot.get``): ``{snapshot, techniques}``."""
        return self.request("snapshot.get", {"id": snapshot_id})

    def snapshot_diff(self, from_id: str, to_id: str | None = None) -> Any:
        """What improved and regressed from one snapshot to another, or to now (``snapshot.diff``)."""
        return self.request("snapshot.diff", _given(**{"from": from_id, "to": to_id}))

    # Navigator layers

    def export_layer(self, kind: str, *, name: str | None = None, **filters: Any) -> Layer:
        """A Navigator layer (``layer.export``).

        ``kind``: ``coverage``, ``actor``, ``detection``, ``snapshot_diff`` or
        ``rules``. ``filters``: ``domain``, ``tactic``, ``actor``, ``from_`` (wire name
        ``from``), ``to``, ``platforms``. Returns the layer parsed, with the
        file as sent in ``.text``.
        """
        if "from_" in filters:
            filters["from"] = filters.pop("from_")
        given = _given(**filters)
        params = _given(kind=kind, name=name)
        if given:
            params["filters"] = given
        return Layer(self.request("layer.export", params))

    def import_layer(self, content: Content, domain: str | None = None) -> Any:
        """Read a layer and report what it holds (``layer.import``); a path-like is read here."""
        return self.request("layer.import", _given(content=read_content(content), domain=domain))

    def compare_layer(self, content: Content, domain: str | None = None) -> Any:
        """What a layer covers that our coverage does not (``layer.compare``): counts and ``gaps``."""
        return self.request(
            "layer.compare", _given(content=read_content(content), against="coverage", domain=domain))

    # Reports and metrics

    def report_coverage(self, domain: str | None = None) -> Any:
        """Per tactic and technique: status, score, tests and outcomes (``report.coverage``)."""
        return self.request("report.coverage", _given(domain=domain))

    def report_test_results(
        self, since: datetime | None = None, until: datetime | None = None, group_by: str | None = None,
        domain: str | None = None,
    ) -> Any:
        """Test results by ``technique`` (default), ``tactic``, ``month``, ``state`` or ``platform``."""
        return self.request(
            "report.test_results", _given(since=since, until=until, group_by=group_by, domain=domain))

    def report_remediation(self, include_done: bool = False, limit: int | None = None) -> Iterator[Any]:
        """Missed and logged-only results to fix (``report.remediation``), following the cursor.

        Each item's ``countermeasures`` lists the ids of the countermeasures that address its technique.
        """
        return self.paginate("report.remediation", limit=limit, **_given(include_done=include_done or None))

    def report_countermeasures(
        self, actor_id: str | None = None, tactic: str | None = None, domain: str | None = None,
        limit: int | None = None,
    ) -> Any:
        """Countermeasures ranked by the gap techniques each addresses (``report.countermeasures``).

        Gaps are missed or logged-only techniques; with ``actor_id`` (a group
        or campaign), the actor's techniques that are missed, logged or
        untested. ``tactic`` keeps one D3FEND tactic (``Detect``...).
        Returns ``{domain, actor_id, tactic, gap_techniques, addressed, items}``.
        """
        return self.request(
            "report.countermeasures", _given(actor_id=actor_id, tactic=tactic, domain=domain, limit=limit))

    def export_report(self, report: str, file: IO[Any], **params: Any) -> int:
        """Stream ``report.export`` as CSV into ``file``, chunk by chunk; returns the rows written.

        ``report``: ``tests``, ``coverage``, ``test_results``, ``remediation``,
        ``metrics`` or ``countermeasures``; ``params``: ``domain``, ``since``,
        ``until``, ``group_by``, ``include_done``, ``actor_id``, ``tactic``. ``file`` is a binary file (UTF-8 is
        written) or a text file (open it with ``newline=""``: lines end CRLF).
        """
        query = _given(report=report, format="csv", **params)
        rows = 0
        while True:
            chunk = self.request("report.export", query)
            if not isinstance(chunk, Mapping) or not isinstance(chunk.get("data"), str):
                raise ProtocolError("report.export did not return {data, rows, next_cursor}")
            write_text(file, chunk["data"])
            rows += int(chunk.get("rows") or 0)
            cursor = chunk.get("next_cursor")
            if not cursor:
                return rows
            query["cursor"] = cursor

    def metrics_operational(
        self, since: datetime | None = None, until: datetime | None = None, group_by: str | None = None,
        domain: str | None = None,
    ) -> Any:
        """Detection rate, MTTD and MTTR by ``month`` (default), ``tactic`` or ``team``."""
        return self.request(
            "metrics.operational", _given(since=since, until=until, group_by=group_by, domain=domain))

    # Compliance frameworks

    def import_compliance_framework(
        self, content: Content, format: str, *, framework: str | None = None, name: str | None = None,
        version: str | None = None,
    ) -> Any:
        """Import a framework (``compliance.framework.import``, leads), replacing one with the same id.

        ``format``: ``mappings_explorer`` or ``csv`` (which needs ``framework``,
        the id). A path-like ``content`` is read here.
        """
        return self.request(
            "compliance.framework.import",
            _given(format=format, content=read_content(content), framework=framework, name=name, version=version),
        )

    def compliance_frameworks(self) -> list[Any]:
        """The imported frameworks (``compliance.framework.list``)."""
        result = self.request("compliance.framework.list")
        if not isinstance(result, Mapping) or not isinstance(result.get("items"), list):
            raise ProtocolError("compliance.framework.list did not return {items}")
        return result["items"]

    def compliance_gap(self, framework: str, csv: bool = False, domain: str | None = None) -> Any:
        """A framework's controls against our coverage, gaps first (``compliance.gap``).

        With ``csv=True``, the same report as CSV text.
        """
        params = _given(framework=framework, domain=domain, format="csv" if csv else None)
        result = self.request("compliance.gap", params)
        if csv:
            if not isinstance(result, Mapping) or not isinstance(result.get("data"), str):
                raise ProtocolError("compliance.gap did not return {format, data}")
            return result["data"]
        return result

    # -- plugins (admins) -----------------------------------------------------

    def plugins(self) -> list[Any]:
        """Each supervised plugin with its state (``plugin.list``)."""
        result = self.request("plugin.list")
        if not isinstance(result, Mapping) or not isinstance(result.get("items"), list):
            raise ProtocolError("plugin.list did not return {items}")
        return result["items"]

    def start_plugin(self, name: str) -> Any:
        """Start a stopped or failed plugin (``plugin.start``)."""
        return self.request("plugin.start", {"name": name})

    def stop_plugin(self, name: str) -> Any:
        """Stop a plugin; it stays stopped until started (``plugin.stop``)."""
        return self.request("plugin.stop", {"name": name})

    def restart_plugin(self, name: str) -> Any:
        """Stop a plugin and start it again (``plugin.restart``)."""
        return self.request("plugin.restart", {"name": name})

    def plugin_logs(self, name: str, lines: int = 100) -> list[Any]:
        """The last ``lines`` a plugin wrote, oldest first (``plugin.logs``)."""
        result = self.request("plugin.logs", {"name": name, "lines": lines})
        if not isinstance(result, Mapping) or not isinstance(result.get("items"), list):
            raise ProtocolError("plugin.logs did not return {items}")
        return result["items"]

    # Countermeasures (D3FEND)

    def countermeasures(
        self, technique_id: str | None = None, tactic: str | None = None, q: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Any]:
        """Countermeasures by id (``countermeasure.list``), following the cursor.

        ``technique_id`` keeps those addressing an ATT&CK technique, ``tactic``
        a D3FEND tactic, ``q`` text in the id or name; ``limit`` is the page size.
        """
        return self.paginate(
            "countermeasure.list", limit=limit, **_given(technique_id=technique_id, tactic=tactic, q=q))

    def countermeasure(self, countermeasure_id: str) -> Any:
        """One countermeasure with the ATT&CK techniques it addresses (``countermeasure.get``)."""
        return self.request("countermeasure.get", {"id": countermeasure_id})

    def sync_countermeasures(
        self, source: str, version: str, techniques: Iterable[Mapping[str, Any]], links: Iterable[Mapping[str, Any]],
    ) -> Any:
        """Replace one source's whole set of countermeasures (``countermeasure.sync``, admin).

        ``techniques``: ``{id, name, tactic, parent?, iri?, definition?}``;
        ``links``: ``{attack_id, countermeasure_id, artifacts?}``. A repeat of
        the stored set changes nothing (``changed`` is false).
        """
        return self.request(
            "countermeasure.sync",
            {"source": source, "version": version, "techniques": list(techniques), "links": list(links)},
        )


def _given(**params: Any) -> dict[str, Any]:
    """The params that were given (``None`` means absent)."""
    return {key: value for key, value in params.items() if value is not None}
