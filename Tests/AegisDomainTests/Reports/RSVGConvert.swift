import Foundation

/// Runs `rsvg-convert` (Debian package librsvg2-bin) and reads PNG headers.
enum RSVGConvert {
    /// `rsvg-convert` from PATH, else /usr/bin; nil when missing.
    static var executable: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin"]
        return folders.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent("rsvg-convert") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Writes `svg` to `folder`, converts it to a PNG there; returns the
    /// exit status, the PNG's bytes (empty if none) and stderr.
    static func convert(_ svg: String, in folder: URL, executable: URL) throws -> (
        status: Int32, png: Data, stderr: String
    ) {
        let svgFile = folder.appendingPathComponent("heatmap.svg")
        let pngFile = folder.appendingPathComponent("heatmap.png")
        try Data(svg.utf8).write(to: svgFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--format", "png", "--output", pngFile.path, svgFile.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let png = (try? Data(contentsOf: pngFile)) ?? Data()
        return (process.terminationStatus, png, String(decoding: errorData, as: UTF8.self))
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Width and height from the IHDR chunk (big-endian at bytes 16 and 20).
    static func pngSize(_ png: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](png.prefix(24))
        guard bytes.count == 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func uint32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (uint32(16), uint32(20))
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-heatmap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
