"""Writing an aegisd plugin in Python.

aegisd starts a plugin as a child process with its endpoints, a scoped
credential, its name and its settings in the environment. :class:`Plugin`
reads them, says ``plugin.hello``, sends ``plugin.heartbeat`` from a thread
at the pace the hello reply gives (with the counters kept by
:meth:`Plugin.count`), and stops on ``SIGTERM`` or when aegisd goes away
(the plugin's stdin reaches end-of-file)::

    from aegis_client.plugin import Plugin

    with Plugin(version="1.0.0", capabilities=["sync"]) as plugin:
        for event in plugin.follow(["catalog."]):
            plugin.client.call("system.ping")
            plugin.count("seen")

The same behaviour as the Swift kit (``AegisPluginKit``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .client import Client
from .errors import AegisError, AegisTimeout, Unauthenticated
from .events import Event, Subscriber

__all__ = ["Plugin", "PluginEnvironmentError"]


class PluginEnvironmentError(RuntimeError):
    """The supervisor's environment is missing: the plugin was not started by aegisd."""


class Plugin:
    """One run of a plugin: hello, heartbeat, events, stopping.

    Attributes: ``name``, ``settings`` (the ``[plugin.settings]`` table),
    ``client`` (a :class:`Client` with the plugin's credential),
    ``heartbeat_interval`` (seconds, from the hello reply).
    """

    def __init__(
        self,
        version: str,
        capabilities: Iterable[str] = (),
        *,
        environ: Mapping[str, str] | None = None,
        hello_within: float = 10.0,
        watch_stdin: bool = True,
    ) -> None:
        env = os.environ if environ is None else environ
        missing = [
            name
            for name in ("AEGIS_PLUGIN_NAME", "AEGIS_RPC_ENDPOINT", "AEGIS_EVENTS_ENDPOINT", "AEGIS_API_KEY")
            if not env.get(name)
        ]
        if missing:
            raise PluginEnvironmentError(f"{', '.join(missing)} not set: run this plugin from aegisd's config file")
        self.name: str = env["AEGIS_PLUGIN_NAME"]
        self.rpc_endpoint: str = env["AEGIS_RPC_ENDPOINT"]
        self.events_endpoint: str = env["AEGIS_EVENTS_ENDPOINT"]
        self._api_key: str = env["AEGIS_API_KEY"]
        self.settings: dict[str, Any] = json.loads(env.get("AEGIS_PLUGIN_SETTINGS") or "{}")
        self.version = version
        self.capabilities = list(capabilities)
        self.heartbeat_interval = 5.0
        self._stopping = threading.Event()
        self._counters: dict[str, int] = {}
        self._counters_lock = threading.Lock()
        self.client = Client(self.rpc_endpoint, self._api_key)
        self._watch_signals()
        if watch_stdin:
            threading.Thread(target=self._lifeline, name="aegis-plugin-lifeline", daemon=True).start()
        self._hello(hello_within)
        self._heartbeat = threading.Thread(target=self._heartbeat_loop, name="aegis-plugin-heartbeat", daemon=True)
        self._heartbeat.start()

    # -- what a plugin uses -------------------------------------------------

    @property
    def stopping(self) -> bool:
        """True once ``SIGTERM`` came or aegisd went away: finish and return."""
        return self._stopping.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``, waking early when stopping; True when stopping."""
        return self._stopping.wait(seconds)

    def stop(self) -> None:
        """Ask the plugin to stop, as ``SIGTERM`` does."""
        self._stopping.set()

    def count(self, name: str, by: int = 1) -> None:
        """Add to a counter reported with every heartbeat (``errors``, ``imported``...)."""
        with self._counters_lock:
            self._counters[name] = self._counters.get(name, 0) + by

    @property
    def report(self) -> dict[str, int]:
        with self._counters_lock:
            return dict(self._counters)

    def follow(self, topics: Iterable[str] = ("",), after_seq: int = 0, check_interval: float = 5.0) -> Iterator[Event]:
        """Every event of ``topics`` after ``after_seq``, once each, in order, until stopping."""
        client = Client(self.rpc_endpoint, self._api_key)
        subscriber = Subscriber(self.events_endpoint, topics, client=client)
        try:
            last = after_seq
            while not self.stopping:
                for event in subscriber.follow(last, timeout=1.0, check_interval=min(check_interval, 1.0)):
                    last = event.seq
                    yield event
                    if self.stopping:
                        return
        finally:
            subscriber.close()
            client.close()

    def close(self) -> None:
        self.stop()
        self._heartbeat.join(timeout=5)
        self.client.close()

    def __enter__(self) -> Plugin:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the runtime ----------------------------------------------------------

    def _hello(self, within: float) -> None:
        deadline_tries = max(1, int(within / 2))
        for attempt in range(deadline_tries):
            try:
                reply = self.client.request(
                    "plugin.hello",
                    {"name": self.name, "version": self.version, "capabilities": self.capabilities},
                    timeout=2.0,
                )
                interval = reply.get("heartbeat_interval_ms") if isinstance(reply, dict) else None
                if isinstance(interval, int) and interval > 0:
                    self.heartbeat_interval = interval / 1000
                timeout = reply.get("heartbeat_timeout_ms") if isinstance(reply, dict) else None
                if isinstance(timeout, int) and timeout > 0:
                    # Three beats fit in the timeout, whatever the interval says.
                    self.heartbeat_interval = min(self.heartbeat_interval, timeout / 3000)
                return
            except AegisTimeout:
                if attempt == deadline_tries - 1 or self.stopping:
                    raise

    def _heartbeat_loop(self) -> None:
        client = Client(self.rpc_endpoint, self._api_key, timeout=5.0)
        try:
            while not self._stopping.wait(self.heartbeat_interval):
                try:
                    client.call("plugin.heartbeat", status=self.report)
                except Unauthenticated:
                    self.stop()  # this run's credential was revoked
                except (AegisError, AegisTimeout) as error:
                    print(f"plugin.heartbeat: {error}", file=sys.stderr, flush=True)  # tried again next time
        finally:
            client.close()

    def _watch_signals(self) -> None:
        try:
            signal.signal(signal.SIGTERM, lambda *_: self.stop())
        except ValueError:
            pass  # not the main thread: the caller handles signals

    def _lifeline(self) -> None:
        """aegisd holds the other end of stdin: end-of-file means it is gone."""
        try:
            # The raw descriptor: a buffered read would hold a lock that
            # interpreter shutdown wants.
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        self.stop()
        # If the plugin has not exited within five seconds, it is ended here.
        timer = threading.Timer(5.0, lambda: os._exit(0))
        timer.daemon = True
        timer.start()
