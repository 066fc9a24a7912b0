import AegisDomain
import Foundation

/// Validation times grouped into 30-day periods per technique
/// (`technique_freshness`), so freshness sums need no scan of procedures.
///
/// A procedure validated at `v` (seconds) is worth `(v - oldest) / H` as of
/// `now`, where `H` is the horizon and `oldest = now - H` (0 when older).
/// Summed over a period with `n` procedures whose seconds into the period
/// sum to `s`, that is `(s + n × (start - oldest)) / H`: exact for periods
/// wholly inside the horizon, and clamped at 0 for the one it cuts.
enum FreshnessPeriods {
    static let periodSeconds: Int64 = 2_592_000

    static func period(ofMicros micros: Int64) -> Int64 { micros / (periodSeconds * 1_000_000) }

    /// Seconds from the start of its period.
    static func secondsInto(micros: Int64) -> Int64 { micros / 1_000_000 - period(ofMicros: micros) * periodSeconds }

    /// Adds (`sign` 1) or removes (-1) one procedure validated at `micros`.
    static func record<DB: SQLDatabase>(_ db: DB, techniqueID: String, validatedAtMicros micros: Int64, sign: Int64) throws {
        try db.prepare(
            """
            INSERT INTO technique_freshness (technique_id, period, procedures, seconds_sum) VALUES (?, ?, ?, ?)
            ON CONFLICT (technique_id, period) DO UPDATE SET procedures = technique_freshness.procedures + excluded.procedures,
                seconds_sum = technique_freshness.seconds_sum + excluded.seconds_sum
            """
        ).bind(.text(techniqueID), .int(period(ofMicros: micros)), .int(sign), .int(sign * secondsInto(micros: micros))).runLater()
    }

    /// The SQL sum of freshness over `technique_freshness` rows, with its
    /// values: periods wholly before the horizon are left out by the
    /// caller's `period >= ?` (the third value).
    static func sum(now: Date) -> (sql: String, values: [SQLValue], firstPeriod: Int64) {
        let horizon = Int64(Freshness.horizonDays) * 86_400
        let oldest = Int64(now.timeIntervalSince1970) - horizon
        let sql = """
            sum(CASE WHEN seconds_sum + procedures * (period * \(periodSeconds) - ?) <= 0 THEN 0.0
                ELSE (seconds_sum + procedures * (period * \(periodSeconds) - ?)) * 1.0 / ? END)
            """
        return (sql, [.int(oldest), .int(oldest), .int(horizon)], oldest / periodSeconds)
    }
}
