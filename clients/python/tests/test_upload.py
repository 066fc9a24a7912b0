"""Chunked catalog upload: file expansion, chunking, progress, abort on failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Daemon, _data_paths, wait_for

from aegis_client import Client, InvalidArgument, UploadProgress
from aegis_client.upload import expand_paths


def test_expand_paths(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.json").write_text("{}")
    assert expand_paths(tmp_path) == [tmp_path / "a.json", tmp_path / "b.json"]
    assert expand_paths([str(tmp_path / "sub" / "c.json"), tmp_path]) == [
        tmp_path / "sub" / "c.json", tmp_path / "a.json", tmp_path / "b.json"]
    with pytest.raises(FileNotFoundError):
        expand_paths(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="two files"):
        expand_paths([tmp_path / "a.json", tmp_path])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="nothing to import"):
        expand_paths(tmp_path / "empty")


def _uploads_empty(daemon: Daemon) -> bool:
    folder = daemon.data_dir / "uploads"
    return not folder.exists() or not any(folder.iterdir())


def test_small_chunks_and_progress(client: Client, daemon: Daemon, catalog: object) -> None:
    ics, _ = _data_paths()
    seen: list[UploadProgress] = []
    summary = client.import_catalog(ics, chunk_bytes=1 << 20, progress=seen.append)
    size = ics.stat().st_size
    assert len(seen) == -(-size // (1 << 20))
    assert [p.file_sent for p in seen] == sorted(p.file_sent for p in seen)
    assert seen[-1] == UploadProgress("ics-attack-18.1.json", size, size, size, size)
    (domain,) = summary["domains"]
    assert domain["domain"] == "ics-attack" and domain["added"] == 0
    assert _uploads_empty(daemon)


def test_failed_upload_is_aborted(client: Client, daemon: Daemon) -> None:
    ics, _ = _data_paths()

    def fail(progress: UploadProgress) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        client.import_catalog(ics, chunk_bytes=1 << 20, progress=fail)
    wait_for(lambda: _uploads_empty(daemon), 5.0, "the aborted upload to be discarded")


def test_invalid_catalog_is_refused(client: Client, daemon: Daemon, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": "world"}')
    with pytest.raises(InvalidArgument) as info:
        client.import_catalog(bogus)
    assert info.value.details.get("file") == "bogus.json"
    wait_for(lambda: _uploads_empty(daemon), 5.0, "the failed upload to be discarded")
