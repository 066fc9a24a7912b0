import Foundation

/// The page key of lists ordered by a time, then an id: `micros:id`.
enum TimeKey {
    static func make(_ at: Date, _ id: String) -> String { "\(StoreTime.micros(at)):\(id)" }

    /// The time (microseconds) and id of `key`; nil if it is not one.
    static func split(_ key: String) -> (at: Int64, id: String)? {
        guard let colon = key.firstIndex(of: ":"), let at = Int64(key[..<colon]) else { return nil }
        return (at, String(key[key.index(after: colon)...]))
    }
}
