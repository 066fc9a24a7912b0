import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The process's limit of open files. Each client connection takes one,
/// so at start aegisd raises the soft limit to the hard one (often 1,024
/// soft against far more hard), and logs the figure.
public enum OpenFileLimit {
    /// Raises the soft limit to the hard limit; returns the limit now in
    /// force, or nil when it cannot be read.
    @discardableResult
    public static func raiseToHardLimit() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return UInt64(limit.rlim_cur)
    }

    /// The soft limit in force.
    public static var current: UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return UInt64(limit.rlim_cur)
    }
}

/// The standard descriptors: a daemon started with one of them closed would
/// hand that number out to the next file or socket it opens, and write logs
/// into it.
public enum StandardDescriptors {
    /// Opens `/dev/null` on whichever of 0, 1 and 2 is closed.
    public static func ensureOpen() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 {
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0, null != fd {
                dup2(null, fd)
                close(null)
            }
        }
    }
}
