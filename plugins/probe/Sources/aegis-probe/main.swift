import AegisClient
import AegisPluginKit
import Foundation

/// `aegis-probe`: a plugin for aegisd's own tests. It behaves (hello,
/// heartbeats, follows events, logs what it sees), or misbehaves as its
/// settings say, so the supervisor can be tested against real processes:
///
/// - `behaviour`: `normal` (default), `silent` (never says hello),
///   `no-heartbeat` (hello, then nothing), `exit` (exits at once with
///   `exit_status`), `ignore-term` (keeps running after `SIGTERM`).
/// - `call`: a method to call after hello (to test the scope); the outcome
///   is printed as `call <method>: ok` or `call <method>: <CODE>`.
/// - `follow`: print `event <seq> <type>` for each event (prefixes).
struct Settings: Decodable {
    var behaviour: String?
    var exit_status: Int32?
    var call: String?
    var follow: [String]?
}

/// One line on stdout, written at once (the supervisor reads a pipe).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let environment: PluginEnvironment
do { environment = try PluginEnvironment() } catch {
    FileHandle.standardError.write(Data("aegis-probe: \(error)\n".utf8))
    exit(2)
}
let settings = (try? environment.settings(as: Settings.self)) ?? Settings()
say("probe \(environment.name) starting: \(settings.behaviour ?? "normal")")

switch settings.behaviour ?? "normal" {
case "exit":
    FileHandle.standardError.write(Data("exiting at once\n".utf8))
    exit(settings.exit_status ?? 1)
case "silent":
    // Never says hello; sleeps until stopped.
    while true { sleep(60) }
case "no-heartbeat":
    let client = try AegisClient(endpoint: environment.rpcEndpoint, apiKey: environment.apiKey)
    _ = try client.call("plugin.hello", ["name": .string(environment.name), "version": "0.0.1"])
    say("said hello; no heartbeat will follow")
    while true { sleep(60) }
default:
    break
}

let plugin = try AegisPlugin(version: "0.0.1", capabilities: ["probe"])
say("hello answered; heartbeat every \(plugin.heartbeatInterval)")
let client = try plugin.client()
if let method = settings.call {
    do {
        _ = try client.call(method)
        say("call \(method): ok")
    } catch {
        say("call \(method): \(error.code)")
        plugin.count("errors")
    }
}
if let topics = settings.follow {
    let events = try plugin.events(topics: topics)
    while !plugin.isStopping {
        if let event = try events.next(timeout: .seconds(1)) { say("event \(event.seq) \(event.type)") }
    }
} else {
    while !plugin.wait(.seconds(60)) {}
}
say("stopping")
if settings.behaviour == "ignore-term" {
    say("ignoring SIGTERM")
    while true { sleep(60) }
}
exit(0)
