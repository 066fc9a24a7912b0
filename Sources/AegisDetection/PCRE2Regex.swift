import CPCRE2
import Synchronization

/// A pattern compiled by PCRE2 (JIT-compiled when the platform allows, else
/// run by the interpreter). The compiled code is read-only and shared by
/// every thread; match data and the match context live in a `RegexScratch`
/// owned by one evaluation.
final class PCRE2Regex: @unchecked Sendable {
    enum Outcome { case match, noMatch, limitHit }

    struct CompileError: Error, Sendable {
        var message: String
        var offset: Int
        var description: String { "\(message) at offset \(offset)" }
    }

    let pattern: String
    /// Whether the JIT compiled it.
    let jit: Bool
    private let code: OpaquePointer

    init(_ pattern: String, caseless: Bool = false, multiline: Bool = false, dotAll: Bool = false) throws(CompileError) {
        var options = UInt32(PCRE2_UTF)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        if multiline { options |= UInt32(PCRE2_MULTILINE) }
        if dotAll { options |= UInt32(PCRE2_DOTALL) }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            aegis_pcre2_compile(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset)
        }
        guard let compiled else {
            throw CompileError(message: Self.message(errorCode), offset: errorOffset)
        }
        self.pattern = pattern
        self.code = compiled
        self.jit = aegis_pcre2_jit_compile(compiled) == 0
    }

    deinit { aegis_pcre2_code_free(code) }

    /// Searches `subject` (unanchored). A match or depth limit hit, or a full
    /// JIT stack, is `.limitHit`: the caller counts it and treats it as no match.
    func search(_ subject: UnsafeBufferPointer<UInt8>, _ scratch: RegexScratch) -> Outcome {
        // An empty buffer may have no base address; PCRE2 needs a pointer.
        let empty: [UInt8] = [0]
        let rc: Int32 =
            if let base = subject.baseAddress {
                aegis_pcre2_match(code, base, subject.count, scratch.matchData, scratch.context)
            } else {
                empty.withUnsafeBufferPointer {
                    aegis_pcre2_match(code, $0.baseAddress, 0, scratch.matchData, scratch.context)
                }
            }
        if rc >= 0 { return .match }
        switch rc {
        case PCRE2_ERROR_NOMATCH, PCRE2_ERROR_PARTIAL: return .noMatch
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT:
            return .limitHit
        default: return .limitHit  // any other failure is refused as a limit, never a match
        }
    }

    func search(_ subject: String, _ scratch: RegexScratch) -> Outcome {
        var subject = subject
        return subject.withUTF8 { search($0, scratch) }
    }

    static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { aegis_pcre2_error_message(code, $0.baseAddress, $0.count) }
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}

/// What one evaluation needs to run regexes: match data and a match context
/// carrying the limits, with its own JIT stack. Not shared between threads;
/// made lazily, on the first regex an event meets.
final class RegexScratch: @unchecked Sendable {
    let matchData: OpaquePointer?
    let context: OpaquePointer?
    private let jitStack: OpaquePointer?
    let limits: EngineLimits

    init(limits: EngineLimits) {
        matchData = aegis_pcre2_match_data_create()
        context = aegis_pcre2_match_context_create(limits.regexMatchLimit, limits.regexDepthLimit)
        jitStack = aegis_pcre2_jit_stack_create(32 * 1024, max(32 * 1024, limits.regexJITStackBytes))
        self.limits = limits
        if let context, let jitStack { aegis_pcre2_jit_stack_assign(context, jitStack) }
    }

    deinit {
        if let matchData { aegis_pcre2_match_data_free(matchData) }
        if let context { aegis_pcre2_match_context_free(context) }
        if let jitStack { aegis_pcre2_jit_stack_free(jitStack) }
    }
}

/// Scratches kept for reuse, so an event meeting a regex does not allocate
/// match data, a context and a JIT stack each time. A scratch is used by
/// one evaluation at a time: taken from the pool, given back after.
final class RegexScratchPool: Sendable {
    private let free = Mutex<[RegexScratch]>([])
    let limits: EngineLimits

    init(limits: EngineLimits) { self.limits = limits }

    func take() -> RegexScratch { free.withLock { $0.popLast() } ?? RegexScratch(limits: limits) }

    func give(_ scratch: RegexScratch) {
        free.withLock { if $0.count < 64 { $0.append(scratch) } }
    }
}
