"""Files the client reads or writes for the daemon: it sends their content, never a path."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import IO, Any, Union

__all__ = ["Content", "Layer", "read_content", "write_text"]

#: File content as text, as bytes, or a path-like to read here (a plain ``str`` is content, not a path).
Content = Union[str, bytes, bytearray, memoryview, os.PathLike[str]]


class Layer(dict[str, Any]):
    """An ATT&CK Navigator layer from ``layer.export``, parsed.

    ``text`` is the layer file exactly as the daemon wrote it (save it with
    ``Path(...).write_text(layer.text)``); ``result`` is the whole
    ``layer.export`` result (``kind``, ``name``, ``domain``, ``techniques``,
    ``content``).
    """

    text: str
    result: dict[str, Any]

    def __init__(self, result: dict[str, Any]) -> None:
        text = result.get("content")
        if not isinstance(text, str):
            raise TypeError("layer.export did not return the layer as text")
        super().__init__(json.loads(text))
        self.text = text
        self.result = result


def read_content(content: Content) -> str | bytes:
    """``content`` ready to send: text or bytes as they are, a path-like read as bytes."""
    if isinstance(content, (str, bytes)):
        return content
    if isinstance(content, (bytearray, memoryview)):
        return bytes(content)
    if isinstance(content, os.PathLike):
        return Path(content).read_bytes()
    raise TypeError(f"content must be str, bytes or a path-like, not {type(content).__name__}")


def write_text(file: IO[Any], text: str) -> None:
    """Writes ``text`` to a text file object as is, or to a binary one as UTF-8."""
    if isinstance(file, io.TextIOBase):
        file.write(text)
    else:
        file.write(text.encode("utf-8"))
