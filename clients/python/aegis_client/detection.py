"""Detection rules, telemetry and detections (protocol/SPEC.md §8.20, §8.21; docs/DETECTION.md).

:class:`DetectionCalls` is mixed into :class:`~aegis_client.Client`; the
functions here read rule and event files on the caller's machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Union

from . import codec
from .errors import ProtocolError
from .files import Content, read_content

__all__ = ["MAX_INGEST_EVENTS", "DetectionCalls", "RuleFile", "read_events", "rule_files"]

#: The most events one ``telemetry.ingest`` takes.
MAX_INGEST_EVENTS = 5000
#: The most files one ``rule.import`` takes.
MAX_IMPORT_FILES = 2000
#: Rule files a folder contributes.
RULE_SUFFIXES = (".yml", ".yaml", ".toml")

#: A rule file: a path (``str`` or path-like; folders give their rule files,
#: recursively), or ``(name, content)`` with content as text or bytes.
RuleFile = Union[str, "os.PathLike[str]", tuple[str, Union[str, bytes]]]
#: An event: a mapping (sent as a MessagePack map), or JSON text (str or bytes, sent as it is).
TelemetryEvent = Union[Mapping[str, Any], str, bytes]


def rule_files(files: RuleFile | Iterable[RuleFile]) -> list[tuple[str, str | bytes]]:
    """``(name, content)`` for each rule file: paths read, folders walked (sorted)."""
    # A tuple alone is one (name, content) pair; give several files as a list.
    items: list[RuleFile] = [files] if isinstance(files, (str, os.PathLike, tuple)) else list(files)
    out: list[tuple[str, str | bytes]] = []
    for item in items:
        if isinstance(item, tuple):
            out.append((item[0], item[1]))
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in RULE_SUFFIXES and p.is_file())
            out.extend((p.name, p.read_bytes()) for p in found)
        elif path.is_file():
            out.append((path.name, path.read_bytes()))
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    if not out:
        raise ValueError("nothing to import: no rule files (.yml, .yaml, .toml)")
    return out


def read_events(source: Content | Path) -> Iterator[str]:
    """The events of a file as JSON texts: JSON lines, a JSON array, or objects one after another.

    ``source`` is a path-like (read here), or the text/bytes themselves. Each
    event comes back as its own compact JSON text, ready for :meth:`DetectionCalls.ingest`.
    """
    data = read_content(source)
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    decoder = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return
        value, i = decoder.raw_decode(text, i)
        for event in value if isinstance(value, list) else [value]:
            if not isinstance(event, dict):
                raise ValueError(f"an event must be a JSON object, not {type(event).__name__}")
            yield json.dumps(event, ensure_ascii=False, separators=(",", ":"))


class DetectionCalls:
    """Rule, telemetry and detection helpers; :class:`~aegis_client.Client` provides ``request``."""

    timeout: float | None

    def request(self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        raise NotImplementedError  # pragma: no cover - Client's

    def paginate(self, method: str, /, limit: int | None = None, **params: Any) -> Iterator[Any]:
        raise NotImplementedError  # pragma: no cover - Client's

    def _at_least(self, seconds: float) -> float | None:
        """The client's timeout, but at least ``seconds`` (imports and ingests take a while)."""
        return None if self.timeout is None else max(self.timeout, seconds)

    # -- rules ---------------------------------------------------------------

    def rule_import(
        self, files: RuleFile | Iterable[RuleFile], format: str | None = None, *, batch_bytes: int = 8 << 20,
    ) -> dict[str, Any]:
        """Import rule files (``rule.import``, blue_lead) in batches under ``batch_bytes``.

        Returns ``{files: [...], totals: {imported, updated, unchanged, invalid,
        unsupported}}`` over every batch; each file line names its rules with
        their ``status`` (and ``reason``, ``feature`` when refused). A file is
        stored whole or not at all.
        """
        report: dict[str, Any] = {"files": [], "totals": {}}
        batch: list[dict[str, Any]] = []
        size = 0

        def send() -> None:
            result = self.request("rule.import", _given(files=batch, format=format), timeout=self._at_least(120.0))
            if not isinstance(result, Mapping) or not isinstance(result.get("files"), list):
                raise ProtocolError("rule.import did not return {files, totals}")
            report["files"].extend(result["files"])
            for key, count in (result.get("totals") or {}).items():
                report["totals"][key] = report["totals"].get(key, 0) + count

        for name, content in rule_files(files):
            length = len(content.encode() if isinstance(content, str) else content)
            if batch and (size + length > batch_bytes or len(batch) >= MAX_IMPORT_FILES):
                send()
                batch, size = [], 0
            batch.append({"name": name, "content": content})
            size += length
        send()
        return report

    def rules(self, limit: int | None = None, **filters: Any) -> Iterator[Any]:
        """Rules by id (``rule.list``), without source text: filters ``technique_id``, ``format``,
        ``state``, ``evaluable``, ``level``, ``q``; ``limit`` is the page size."""
        return self.paginate("rule.list", limit=limit, **_given(**filters))

    def rule_get(self, rule_id: str) -> Any:
        """One rule with its ``source`` text (``rule.get``)."""
        return self.request("rule.get", {"id": rule_id})

    def rule_set_state(
        self, rule_id: str, state: str, *, version: int | None = None, confidence_max: int | None = None,
        expires_at: datetime | None = None, reason: str | None = None,
    ) -> Any:
        """Enable, disable or clip a rule (``rule.set_state``, blue_lead); returns the rule.

        Without ``version``, the rule's current version is read first.
        ``clipped`` needs ``confidence_max``; at ``expires_at`` the state
        reverts to ``enabled``.
        """
        if version is None:
            version = self.rule_get(rule_id)["version"]
        return self.request("rule.set_state", _given(
            id=rule_id, version=version, state=state, confidence_max=confidence_max, expires_at=expires_at,
            reason=reason))

    def rule_delete(self, rule_id: str, version: int | None = None) -> None:
        """Delete an imported rule (``rule.delete``, blue_lead); without ``version`` it is read first."""
        if version is None:
            version = self.rule_get(rule_id)["version"]
        self.request("rule.delete", {"id": rule_id, "version": version})

    def rule_test(
        self, events: Iterable[TelemetryEvent], *, rule_id: str | None = None, content: Content | None = None,
        format: str | None = None,
    ) -> list[Any]:
        """Try a stored rule (``rule_id``) or rule text (``content``, a path-like is read) on at most
        1,000 events (``rule.test``, blue roles); nothing is stored.

        Returns one entry per rule: ``{id, name, format, results: [{index,
        matched, routed, summary, identifiers, evidence}]}``.
        """
        params = _candidate(rule_id, content, format)
        params["events"] = [_event(e) for e in events]
        result = self.request("rule.test", params)
        if not isinstance(result, Mapping) or not isinstance(result.get("rules"), list):
            raise ProtocolError("rule.test did not return {rules}")
        return result["rules"]

    def rule_backtest(
        self, since: datetime, until: datetime, *, rule_id: str | None = None, content: Content | None = None,
        format: str | None = None,
    ) -> Iterator[Any]:
        """Try a rule on the telemetry that happened in ``[since, until)`` (``rule.backtest``, blue roles).

        Yields each chunk, ``{matches, scanned, unreadable, next_cursor}``,
        following the cursor until the range is done.
        """
        params = _candidate(rule_id, content, format)
        params.update(since=since, until=until)
        while True:
            chunk = self.request("rule.backtest", params, timeout=self._at_least(60.0))
            if not isinstance(chunk, Mapping) or not isinstance(chunk.get("matches"), list):
                raise ProtocolError("rule.backtest did not return {matches, scanned, unreadable, next_cursor}")
            yield chunk
            if not chunk.get("next_cursor"):
                return
            params["cursor"] = chunk["next_cursor"]

    # -- telemetry and detections ------------------------------------------

    def ingest(
        self, events: Iterable[TelemetryEvent], source: str | None = None, batch: int = 1000, *,
        batch_bytes: int = 8 << 20,
    ) -> dict[str, Any]:
        """Send events to ``telemetry.ingest`` (the ``ingest`` role), batching by itself.

        ``events``: mappings (sent as MessagePack maps, stored so) or JSON
        text (str or bytes, stored as text), any iterable (read lazily). A
        batch holds at most ``batch`` events (≤ 5,000) and about
        ``batch_bytes`` encoded bytes (keep it under the daemon's frame
        limit, 16 MiB by default). Returns ``{event_ids, detection_ids,
        repeated}`` over every batch; batches before a refused one stay stored.
        """
        if not 1 <= batch <= MAX_INGEST_EVENTS:
            raise ValueError(f"batch must be 1 to {MAX_INGEST_EVENTS}")
        total: dict[str, Any] = {"event_ids": [], "detection_ids": [], "repeated": 0}
        pending: list[Any] = []
        size = 0

        def send() -> None:
            result = self.request("telemetry.ingest", _given(events=pending, source=source), timeout=self._at_least(120.0))
            if not isinstance(result, Mapping) or not isinstance(result.get("event_ids"), list):
                raise ProtocolError("telemetry.ingest did not return {event_ids, detection_ids, repeated}")
            total["event_ids"].extend(result["event_ids"])
            total["detection_ids"].extend(result.get("detection_ids") or [])
            total["repeated"] += result.get("repeated") or 0

        for event in events:
            value = _event(event)
            if isinstance(value, str):
                cost = len(value.encode()) + 5  # UTF-8 bytes, as sent
            elif isinstance(value, bytes):
                cost = len(value) + 5
            else:
                cost = len(codec.packb(value))
            if pending and (len(pending) >= batch or size + cost > batch_bytes):
                send()
                pending, size = [], 0
            pending.append(value)
            size += cost
        if pending:
            send()
        return total

    def telemetry_get(self, event_id: str) -> Any:
        """One stored event, its body as sent (``telemetry.get``, blue roles)."""
        return self.request("telemetry.get", {"id": event_id})

    def detections(self, limit: int | None = None, **filters: Any) -> Iterator[Any]:
        """Detections, newest first (``detection.list``): filters ``technique_id``, ``rule_id``,
        ``host``, ``since``, ``until``, ``min_confidence``; ``limit`` is the page size."""
        return self.paginate("detection.list", limit=limit, **_given(**filters))

    def detection_get(self, detection_id: str) -> Any:
        """One detection with its evidence (``detection.get``)."""
        return self.request("detection.get", {"id": detection_id})


def _event(event: TelemetryEvent) -> Any:
    if isinstance(event, (str, bytes, dict)):
        return event
    if isinstance(event, Mapping):
        return dict(event)
    raise TypeError(f"an event is a mapping or JSON text, not {type(event).__name__}")


def _candidate(rule_id: str | None, content: Content | None, format: str | None) -> dict[str, Any]:
    if (rule_id is None) == (content is None):
        raise ValueError("give rule_id or content, not both")
    if rule_id is not None:
        return {"id": rule_id}
    data = read_content(content)  # type: ignore[arg-type]
    return _given(content=data.decode("utf-8") if isinstance(data, bytes) else data, format=format)


def _given(**params: Any) -> dict[str, Any]:
    """The params that were given (``None`` means absent)."""
    return {key: value for key, value in params.items() if value is not None}
