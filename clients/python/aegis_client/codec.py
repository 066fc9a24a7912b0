"""MessagePack encoding and decoding as the Aegis wire protocol uses it.

* Strings are MessagePack ``str`` (UTF-8), ``bytes``/``bytearray`` are ``bin``
  (``use_bin_type=True``); decoding uses ``raw=False``, so invalid UTF-8 is an
  error rather than silently becoming ``bytes``.
* Timestamps are the MessagePack timestamp extension (type -1). They decode to
  timezone-aware UTC :class:`datetime.datetime` values (microsecond precision:
  nanoseconds are truncated). Timezone-aware datetimes encode as timestamps;
  **naive datetimes are refused** with :class:`TypeError`, because guessing
  their zone silently shifts instants. Use ``datetime.now(timezone.utc)``.
  A :class:`msgpack.Timestamp` may be passed as well when nanoseconds matter.
* Any other extension type decodes to :class:`Extension`.
* Decoding is bounded: a frame larger than ``max_bytes`` is refused before it
  is parsed, and msgpack derives its per-value length limits (``max_str_len``,
  ``max_array_len``...) from the frame size, so a header declaring a huge
  string or array cannot allocate memory. Nesting is bounded by msgpack's own
  stack limit; the daemon's stricter depth limit (32) is enforced server-side.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

import msgpack

__all__ = ["DEFAULT_MAX_BYTES", "DecodeError", "Extension", "packb", "unpackb"]

#: Default largest frame the client decodes (the daemon's default frame limit is 16 MiB).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class DecodeError(ValueError):
    """Bytes that are not one well-formed MessagePack value within the limits."""


@dataclass(frozen=True)
class Extension:
    """A MessagePack extension value other than the timestamp (type -1)."""

    code: int
    data: bytes


def _default(obj: Any) -> Any:
    """Encode what msgpack does not know natively, or refuse it."""
    if isinstance(obj, _dt.datetime):
        # msgpack packs aware datetimes itself (datetime=True); only naive ones get here.
        raise TypeError(
            "naive datetime refused: pass a timezone-aware datetime, e.g. datetime.now(timezone.utc)"
        )
    if isinstance(obj, Extension):
        return msgpack.ExtType(obj.code, obj.data)
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    raise TypeError(f"cannot encode {type(obj).__name__} as MessagePack")


def _ext_hook(code: int, data: bytes) -> Extension:
    return Extension(code, data)


def packb(value: Any) -> bytes:
    """Encode ``value`` as one MessagePack value (str as str, bytes as bin)."""
    data: bytes = msgpack.packb(value, use_bin_type=True, datetime=True, default=_default)
    return data


def unpackb(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Decode exactly one MessagePack value from ``data``.

    Raises :class:`DecodeError` for oversized, truncated, malformed or
    trailing input, invalid UTF-8 and invalid timestamps.
    """
    if len(data) > max_bytes:
        raise DecodeError(f"frame of {len(data)} bytes exceeds the limit of {max_bytes}")
    try:
        return msgpack.unpackb(
            data,
            raw=False,
            timestamp=3,
            strict_map_key=False,
            ext_hook=_ext_hook,
            use_list=True,
        )
    except (ValueError, TypeError, OverflowError, msgpack.UnpackException) as exc:
        raise DecodeError(f"invalid MessagePack: {exc}") from exc
