/// A D3FEND file that cannot be read: which file, and why (with the line
/// for CSV files).
public struct D3FENDDataError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
