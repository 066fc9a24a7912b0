import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How far a TCP connection's outgoing bytes have got, from the kernel's
/// `TCP_INFO` (Linux). Used to tell how much of what was handed to libzmq
/// for a peer the peer has actually received.
public enum TCPProgress {
    /// `tcpi_bytes_acked` lies at this offset of `struct tcp_info`
    /// (linux/tcp.h, Linux 4.1 and later); Glibc's copy of the struct stops
    /// before it, so the field is read from the raw bytes.
    static let bytesAckedOffset = 120

    /// Bytes the peer has acknowledged since the connection opened, or nil
    /// when `descriptor` is not a TCP socket (ipc, inproc) or the kernel is
    /// too old to say.
    public static func bytesAcknowledged(descriptor: Int32) -> UInt64? {
        #if os(Linux)
        var buffer = [UInt8](repeating: 0, count: 256)
        var length = socklen_t(buffer.count)
        let rc = buffer.withUnsafeMutableBytes {
            getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_INFO, $0.baseAddress, &length)
        }
        guard rc == 0, Int(length) >= bytesAckedOffset + 8 else { return nil }
        return buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytesAckedOffset, as: UInt64.self) }
        #else
        return nil
        #endif
    }
}
