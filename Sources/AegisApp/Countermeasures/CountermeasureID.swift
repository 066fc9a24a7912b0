import AegisDomain

/// D3FEND ids in parameters: `D3-` and 1 to 13 letters or digits, in any
/// case (§7.2 of the spec: at most 16 bytes, upper-cased).
public enum CountermeasureID {
    public static func parse(_ raw: String, field: String = "id") throws(AegisError) -> String {
        let id = raw.uppercased()
        let body = id.utf8.dropFirst(3)
        guard raw.utf8.count <= 16, id.hasPrefix("D3-"), !body.isEmpty,
            body.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) })
        else { throw AegisError.invalidArgument(field, "\(field) must be a D3FEND id such as D3-PSA") }
        return id
    }
}
