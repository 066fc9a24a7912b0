"""A tiny aegisd plugin in Python: says hello, heartbeats, and prints the
events it follows (the tests run it; aegisd puts its output in the log).

Declare it in aegisd.toml::

    [[plugin]]
    name = "hello"
    command = "python3"
    args = ["clients/python/examples/hello_plugin.py"]
    scope = ["system.info"]

    [plugin.settings]
    topics = ["user."]
"""

from aegis_client.plugin import Plugin


def main() -> None:
    with Plugin(version="0.1.0", capabilities=["hello"]) as plugin:
        info = plugin.client.call("system.info")
        print(f"hello from {plugin.name} to {info['instance']}", flush=True)
        for event in plugin.follow(plugin.settings.get("topics", [""])):
            print(f"event {event.seq} {event.type}", flush=True)
            plugin.count("events")
        print("stopping", flush=True)


if __name__ == "__main__":
    main()
