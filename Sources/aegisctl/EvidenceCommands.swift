import AegisClient
import AegisWire
import ArgumentParser
import Foundation

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "Files attached to tests: screenshots, logs, captures.",
        subcommands: [
            EvidenceUpload.self, EvidenceList.self, EvidenceDownload.self, EvidenceDelete.self, EvidenceHash.self,
        ])
}

let evidenceFields: [(label: String, key: String)] = [
    ("id", "id"), ("test", "test_id"), ("side", "side"), ("filename", "filename"), ("size", "size"),
    ("sha256", "sha256"), ("caption", "caption"), ("uploaded by", "uploaded_by"), ("uploaded", "uploaded_at"),
]

/// Uploads in one call up to 1 MiB, else in chunks
/// (`evidence.upload_begin/append/commit`, aborted on failure).
struct EvidenceUpload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Attach a file to a test, for your side.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Test id (tst_...).") var testID: String
    @Argument(help: "The file.") var file: String
    @Option(name: .long, help: "red or blue: the side the evidence belongs to (yours).") var side: SideArgument
    @Option(name: .long, help: "What it shows.") var caption: String?
    @Option(name: .long, help: "The name to record (default: the file's name).") var filename: String?
    @Option(name: .long, help: "Bytes per uploaded chunk (default: what the server suggests).") var chunkBytes: Int?

    /// Files up to this size go in one request.
    static let singleCallLimit = 1 << 20

    func validate() throws {
        if let chunkBytes, chunkBytes < 64 << 10 { throw ValidationError("--chunk-bytes must be at least 65536") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let name = filename ?? url.lastPathComponent
        try reportingAllFailures {
            var info = stat()
            guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                throw LocalFailure("\(file) is not a file")
            }
            let data: Data
            do {
                data = try Data(contentsOf: url, options: .alwaysMapped)
            } catch {
                throw LocalFailure("cannot read \(file): \(error.localizedDescription)")
            }
            let sha = SHA256.hex(data)
            let client = try options.client()
            var describe: MessagePackMap = [
                "test_id": .string(testID), "side": .string(side.rawValue), "filename": .string(name),
            ]
            describe.put("caption", caption)
            let result: MessagePackValue
            if data.count <= Self.singleCallLimit {
                var params = describe
                params.append(key: "content", value: .binary(data))
                result = try client.call("evidence.upload", params)
            } else {
                result = try chunked(client, data, sha256: sha, describe)
            }
            guard result["sha256"]?.stringValue == sha else {
                throw LocalFailure(
                    "the server recorded sha256 \(Output.text(result["sha256"])), but the file's is \(sha)")
            }
            if options.json { return Output.json(result) }
            print("uploaded \(name) as \(Output.text(result["id"])) (\(data.count) bytes)")
            Output.fields(result, evidenceFields)
        }
    }

    private func chunked(_ client: AegisClient, _ data: Data, sha256: String, _ describe: MessagePackMap) throws
        -> MessagePackValue
    {
        var params = describe
        params.append(key: "size", value: .int(Int64(data.count)))
        params.append(key: "sha256", value: .string(sha256))
        let begun = try client.call("evidence.upload_begin", params)
        guard let uploadID = begun["upload_id"]?.stringValue else {
            throw AegisClientError.transport("evidence.upload_begin returned no upload_id")
        }
        let chunk = max(64 << 10, chunkBytes ?? Int(begun["chunk_bytes"]?.intValue ?? Int64(4 << 20)))
        var committed = false
        defer {
            // A failed upload is given back at once, not left to expire.
            if !committed { _ = try? client.call("evidence.upload_abort", ["upload_id": .string(uploadID)]) }
        }
        var offset = 0
        while offset < data.count {
            let end = min(offset + chunk, data.count)
            _ = try client.call(
                "evidence.upload_append",
                [
                    "upload_id": .string(uploadID), "offset": .int(Int64(offset)),
                    "data": .binary(data.subdata(in: offset..<end)),
                ])
            offset = end
            Output.progress(
                "uploading \(describe["filename"].map { Output.text($0) } ?? ""): \(offset * 100 / data.count)% of \(data.count) bytes"
            )
        }
        Output.endProgress()
        committed = true  // claimed by the commit, whatever its outcome
        return try client.call("evidence.upload_commit", ["upload_id": .string(uploadID)])
    }
}

/// Follows `next_cursor` page after page.
struct EvidenceList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a test's evidence.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Test id.") var testID: String
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            let items = try listAll(options.client(), "evidence.list", ["test_id": .string(testID)], max: limit)
            if options.json { return Output.json(.array(items)) }
            Output.table(
                items,
                [
                    ("ID", "id", 40), ("SIDE", "side", 4), ("FILENAME", "filename", 40), ("SIZE", "size", 12),
                    ("SHA256", "sha256", 64), ("UPLOADED", "uploaded_at", 20), ("BY", "uploaded_by", 40),
                    ("CAPTION", "caption", 60),
                ])
        }
    }
}

/// Follows `evidence.get` chunks to a temporary file beside the target,
/// checks size and SHA-256, then moves it into place.
struct EvidenceDownload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download", abstract: "Save evidence to a file, checked against its SHA-256.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Evidence id (evd_...).") var id: String
    @Option(name: .long, help: "Where to save it.") var out: String
    @Flag(name: .long, help: "Replace the file if it exists.") var force = false

    func run() throws {
        let target = URL(fileURLWithPath: out)
        try reportingAllFailures {
            if !force && FileManager.default.fileExists(atPath: target.path) {
                throw LocalFailure("\(out) exists; use --force to replace it")
            }
            let folder = target.deletingLastPathComponent()
            let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).download")
            let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard fd >= 0 else {
                throw LocalFailure("cannot write in \(folder.path): \(String(cString: strerror(errno)))")
            }
            var placed = false
            defer { if !placed { unlink(temporary.path) } }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            let client = try options.client()
            var hasher = SHA256()
            var offset: Int64 = 0
            var evidence: MessagePackValue = .nil
            while true {
                let chunk = try client.call("evidence.get", ["id": .string(id), "offset": .int(offset)])
                evidence = chunk["evidence"] ?? .nil
                let data = chunk["data"]?.dataValue ?? Data()
                do {
                    try handle.write(contentsOf: data)
                } catch {
                    throw LocalFailure("cannot write \(temporary.path): \(error.localizedDescription)")
                }
                hasher.update(data)
                offset += Int64(data.count)
                let size = evidence["size"]?.intValue ?? 0
                if size > 1 << 20 {
                    Output.progress("downloading \(id): \(size == 0 ? 100 : offset * 100 / size)% of \(size) bytes")
                }
                if chunk["eof"]?.boolValue == true { break }
                guard !data.isEmpty else { throw LocalFailure("the server sent an empty chunk before the end") }
            }
            Output.endProgress()
            let sha = hasher.hexDigest()
            guard offset == evidence["size"]?.intValue ?? -1, sha == evidence["sha256"]?.stringValue else {
                throw LocalFailure(
                    "the download does not match: \(offset) bytes with sha256 \(sha), expected "
                        + "\(Output.text(evidence["size"])) bytes with sha256 \(Output.text(evidence["sha256"]))")
            }
            guard fsync(fd) == 0 else {
                throw LocalFailure("cannot write \(temporary.path): \(String(cString: strerror(errno)))")
            }
            try? handle.close()
            if force {
                guard rename(temporary.path, target.path) == 0 else {
                    throw LocalFailure("cannot replace \(out): \(String(cString: strerror(errno)))")
                }
            } else {
                // link(2) refuses to replace a file that appeared meanwhile.
                guard link(temporary.path, target.path) == 0 else {
                    let reason =
                        errno == EEXIST ? "it exists; use --force to replace it" : String(cString: strerror(errno))
                    throw LocalFailure("cannot save \(out): \(reason)")
                }
                unlink(temporary.path)
            }
            placed = true
            if options.json {
                var m = evidence.mapValue ?? [:]
                m.append(key: "path", value: .string(target.path))
                return Output.json(.map(m))
            }
            print("saved \(id) to \(out) (\(offset) bytes, sha256 \(sha))")
        }
    }
}

struct EvidenceDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete evidence (leads).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Evidence id.") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("evidence.delete", ["id": .string(id)])
            if options.json { return Output.json(result) }
            print("deleted evidence \(id)")
        }
    }
}

/// The SHA-256 the server will record for a file, as `sha256sum` prints it.
struct EvidenceHash: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash", abstract: "Print files' SHA-256, as evidence records it (sha256sum's format).")
    @Argument(help: "Files.") var files: [String]

    func run() throws {
        for file in files {
            do {
                print("\(try SHA256.hex(fileAt: URL(fileURLWithPath: file)))  \(file)")
            } catch {
                FileHandle.standardError.write(
                    Data("aegisctl: cannot read \(file): \(error.localizedDescription)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
