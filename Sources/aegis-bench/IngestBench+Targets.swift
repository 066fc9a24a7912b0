import Foundation

extension IngestBench {
    /// Issue #12's ingest targets, with the anchors measured in the same run.
    static func printTargets(_ r: Result, engine: EngineBench.Result?, line: (String, Bool, String) -> Void) {
        let s = r.sqlite
        var anchors = String(format: "echo of the same frames %.0f events/s (%.2f of it)", r.echo.eventsPerSecond,
            s.eventsPerSecond / r.echo.eventsPerSecond)
        anchors += String(format: ", bare SQLite insert %.0f rows/s (%.2f)", r.sqliteBareRowsPerSecond,
            s.eventsPerSecond / r.sqliteBareRowsPerSecond)
        if let engine {
            anchors += String(format: ", engine alone on one thread %.0f events/s (%.2f)", engine.eventsPerSecond,
                s.eventsPerSecond / engine.eventsPerSecond)
        }
        line("telemetry.ingest SQLite >= 50,000 events/s (4 clients × 1,000, MessagePack)", s.eventsPerSecond >= 50_000,
            String(format: "%.0f events/s, %.0f detections/s; %@", s.eventsPerSecond, s.detectionsPerSecond, anchors))
        print(String(format: "INFO  telemetry.ingest as JSON text: %.0f events/s (%.2f of MessagePack)", r.sqliteJSON.eventsPerSecond,
            r.sqliteJSON.eventsPerSecond / s.eventsPerSecond))
        line("ingest → detection.created p99 <= 10 ms at 10,000 events/s offered", r.publishP99 >= 0 && r.publishP99 <= 10,
            String(format: "p50 %.2f ms, p99 %.2f ms (%d detections; %.0f events/s achieved)", r.publishP50, r.publishP99,
                r.publishMeasured, r.offered.eventsPerSecond))
        if let pg = r.postgres, let copy = r.postgresCopyRowsPerSecond {
            let ratio = pg.eventsPerSecond / copy
            line("telemetry.ingest PostgreSQL >= 0.5 of COPY", ratio >= 0.5,
                String(format: "%.2f (%.0f events/s vs COPY %.0f rows/s)", ratio, pg.eventsPerSecond, copy))
        }
    }
}
