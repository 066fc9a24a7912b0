/// Display names of the frameworks Mappings Explorer publishes, by their
/// `metadata.mapping_framework` code.
public enum KnownFrameworks {
    public static let names: [String: String] = [
        "nist_800_53": "NIST SP 800-53",
        "cri_profile": "CRI Profile",
        "cis_controls": "CIS Critical Security Controls",
        "csa_ccm": "CSA Cloud Controls Matrix",
        "aws": "Amazon Web Services",
        "azure": "Microsoft Azure",
        "gcp": "Google Cloud Platform",
        "m365": "Microsoft 365",
        "veris": "VERIS",
        "kev": "CISA Known Exploited Vulnerabilities",
        "cve": "CVE",
    ]

    /// The display name of `code` (case-insensitive), else `code` itself.
    public static func name(of code: String) -> String {
        names[code.lowercased()] ?? code
    }
}
