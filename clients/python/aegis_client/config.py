"""Where the daemon is and which key to use, from the environment.

Resolution order, as for ``aegisctl``:

* RPC endpoint: ``AEGIS_RPC_ENDPOINT``, else the ``rpc`` key of
  ``<AEGIS_DATA_DIR>/aegisd.json`` (written by a running daemon; it holds the
  real ports even when the daemon bound wildcard ports), else the default.
* Events endpoint: the same with ``AEGIS_EVENTS_ENDPOINT`` and key ``events``.
* API key: ``AEGIS_API_KEY``, else the file ``<AEGIS_DATA_DIR>/admin.key``
  (whitespace stripped), else none.

``AEGIS_DATA_DIR`` defaults to ``./var``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_EVENTS_ENDPOINT",
    "DEFAULT_RPC_ENDPOINT",
    "data_dir",
    "resolve_api_key",
    "resolve_events_endpoint",
    "resolve_rpc_endpoint",
]

DEFAULT_RPC_ENDPOINT = "tcp://127.0.0.1:7700"
DEFAULT_EVENTS_ENDPOINT = "tcp://127.0.0.1:7701"
DEFAULT_DATA_DIR = "./var"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``AEGIS_DATA_DIR``, or ``./var``."""
    env = os.environ if environ is None else environ
    return Path(env.get("AEGIS_DATA_DIR") or DEFAULT_DATA_DIR)


def _from_state_file(key: str, environ: Mapping[str, str] | None) -> str | None:
    """A string value of ``<data dir>/aegisd.json``, if the file is there and readable."""
    try:
        state = json.loads((data_dir(environ) / "aegisd.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = state.get(key) if isinstance(state, dict) else None
    return value if isinstance(value, str) and value else None


def resolve_rpc_endpoint(environ: Mapping[str, str] | None = None) -> str:
    """The RPC endpoint to connect to."""
    env = os.environ if environ is None else environ
    return env.get("AEGIS_RPC_ENDPOINT") or _from_state_file("rpc", env) or DEFAULT_RPC_ENDPOINT


def resolve_events_endpoint(environ: Mapping[str, str] | None = None) -> str:
    """The events (PUB) endpoint to subscribe to."""
    env = os.environ if environ is None else environ
    return env.get("AEGIS_EVENTS_ENDPOINT") or _from_state_file("events", env) or DEFAULT_EVENTS_ENDPOINT


def resolve_api_key(environ: Mapping[str, str] | None = None) -> str | None:
    """The API key to send, or None."""
    env = os.environ if environ is None else environ
    key = env.get("AEGIS_API_KEY", "").strip()
    if key:
        return key
    try:
        key = (data_dir(env) / "admin.key").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return key or None
