import AegisDomain
import Testing

@Suite struct ComplianceIDTests {
    @Test func slugs() {
        #expect(ComplianceID.slug("nist_800_53-rev5") == "nist_800_53-rev5")
        #expect(ComplianceID.slug("aws-12/12/2024") == "aws-12.12.2024")
        #expect(ComplianceID.slug("  My  Framework (v2) ") == "my_framework_v2")
        #expect(ComplianceID.slug("Ünïcode") == "n_code")
        #expect(ComplianceID.slug("!!!") == nil)
        #expect(ComplianceID.slug("") == nil)
        #expect(ComplianceID.slug(String(repeating: "a", count: 200))?.count == ComplianceID.maxFrameworkIDLength)
        #expect(ComplianceID.isSlug("nist_800_53-rev5"))
        #expect(!ComplianceID.isSlug("Nist"))
        #expect(!ComplianceID.isSlug(""))
        #expect(!ComplianceID.isSlug("a b"))
    }

    @Test func techniqueIDs() {
        #expect(ComplianceID.technique("T1059") == "T1059")
        #expect(ComplianceID.technique(" t1059.001\n") == "T1059.001")
        #expect(ComplianceID.technique("T0800") == "T0800")
        for bad in [
            "", "T", "T105", "T10590", "T1059.01", "T1059.0001", "T1059-001", "M1038", "TA0002", "1059", "T1O59",
        ] {
            #expect(ComplianceID.technique(bad) == nil, "\(bad)")
        }
    }

    @Test func knownFrameworkNames() {
        #expect(KnownFrameworks.name(of: "nist_800_53") == "NIST SP 800-53")
        #expect(KnownFrameworks.name(of: "CRI_PROFILE") == "CRI Profile")
        #expect(KnownFrameworks.name(of: "cis_controls") == "CIS Critical Security Controls")
        #expect(KnownFrameworks.name(of: "something_else") == "something_else")
    }
}
