"""Chunked catalog upload: ``catalog.import_begin/append/commit/abort``."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeAlias

import zmq

from .errors import AegisError, AegisTimeout, ProtocolError

if TYPE_CHECKING:
    from .client import Client

__all__ = ["UploadProgress", "expand_paths", "import_catalog"]

PathArg: TypeAlias = "str | os.PathLike[str]"


@dataclass(frozen=True)
class UploadProgress:
    """Reported to the ``progress`` callback after every chunk."""

    name: str  #: the file's base name, as sent
    file_sent: int  #: bytes of this file sent so far
    file_size: int
    sent: int  #: bytes of all files sent so far
    total: int  #: bytes of all files


def expand_paths(paths: PathArg | Iterable[PathArg]) -> list[Path]:
    """Files to upload: files as given, folders replaced by their ``*.json`` files (sorted, not recursive).

    Raises FileNotFoundError for a missing path and ValueError when two files
    share a base name (the server keys uploaded files by base name).
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.json") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    seen: dict[str, Path] = {}
    for file in files:
        if file.name in seen:
            raise ValueError(f"two files named {file.name!r}: {seen[file.name]} and {file}")
        seen[file.name] = file
    if not files:
        raise ValueError("nothing to import: no files (folders contribute their *.json files)")
    return files


def _chunks(stream: BinaryIO, size: int) -> Iterator[bytes]:
    """The stream's bytes in chunks of ``size``; one empty chunk for an empty stream."""
    chunk = stream.read(size)
    yield chunk
    while chunk:
        chunk = stream.read(size)
        if chunk:
            yield chunk


def import_catalog(
    client: Client,
    paths: PathArg | Iterable[PathArg],
    chunk_bytes: int | None = None,
    progress: Callable[[UploadProgress], None] | None = None,
    commit_timeout: float | None = None,
) -> Any:
    """Upload catalog files in chunks and import them in one transaction.

    ``chunk_bytes`` caps the chunk size (the server's suggestion is used when
    smaller or when None). ``commit_timeout`` is the timeout of the final
    ``catalog.import_commit`` call, which parses everything (default: the
    client's timeout, but at least 300 s). Returns the import summary. On any
    failure the upload is aborted and the exception re-raised.
    """
    files = expand_paths(paths)
    sizes = [f.stat().st_size for f in files]
    total = sum(sizes)
    begun = client.request("catalog.import_begin")
    upload_id = begun["upload_id"]
    step = int(begun.get("chunk_bytes") or 1 << 20)
    if chunk_bytes is not None:
        if chunk_bytes < 1:
            raise ValueError("chunk_bytes must be at least 1")
        step = min(step, chunk_bytes)
    try:
        sent = 0
        for file, size in zip(files, sizes):
            offset = 0
            with file.open("rb") as stream:
                for chunk in _chunks(stream, step):
                    reply = client.request(
                        "catalog.import_append",
                        {"upload_id": upload_id, "name": file.name, "offset": offset, "data": chunk},
                    )
                    offset += len(chunk)
                    sent += len(chunk)
                    if reply.get("received") != offset:
                        raise ProtocolError(
                            f"{file.name}: server has {reply.get('received')} bytes, expected {offset}"
                        )
                    if progress is not None:
                        progress(UploadProgress(file.name, offset, size, sent, total))
        if commit_timeout is None:
            commit_timeout = max(client.timeout or 0.0, 300.0)
        return client.request("catalog.import_commit", {"upload_id": upload_id}, timeout=commit_timeout)
    except BaseException:
        # Best effort: the upload may already be gone (a failed commit discards it).
        with contextlib.suppress(AegisError, AegisTimeout, ProtocolError, zmq.ZMQError):
            client.request("catalog.import_abort", {"upload_id": upload_id}, timeout=10.0)
        raise
