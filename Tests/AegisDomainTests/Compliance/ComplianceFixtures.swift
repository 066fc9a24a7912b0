import AegisDomain
import Foundation
import Testing

/// Shared helpers of the compliance tests. AegisDomainTests does not depend
/// on AegisTestSupport (which pulls in the store), so the shared data folder
/// is found here the same way `TestData.shared` finds it.
enum ComplianceFixtures {
    /// The repository root (this file is Tests/AegisDomainTests/Compliance/…).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `AEGIS_SHARED_DATA`, else `<repo>/../shared/data`.
    static var shared: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_SHARED_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    static var nist: URL { shared.appendingPathComponent("compliance/nist_800_53-rev5_attack-16.1-enterprise.json") }

    /// The error `body` throws, if it is an `AegisError`.
    static func error(_ body: () throws -> Void) -> AegisError? {
        do {
            try body()
            return nil
        } catch {
            return error as? AegisError
        }
    }

    /// Checks that `error` is `INVALID_ARGUMENT` on `field` and its message
    /// contains `fragment`.
    static func expectInvalid(
        _ error: AegisError?, field: String = "content", containing fragment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(error?.code == .invalidArgument, sourceLocation: sourceLocation)
        #expect(error?.details["field"] == .string(field), sourceLocation: sourceLocation)
        #expect(
            error?.message.contains(fragment) == true, "\(error?.message ?? "no error")", sourceLocation: sourceLocation
        )
    }
}
