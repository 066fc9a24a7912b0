import AegisDomain

/// A matrix shaped like ATT&CK Enterprise (14 tactics, real names, some
/// sub-techniques) with made-up, deterministic scores.
enum HeatmapEnterpriseSample {
    /// "T1595 Active Scanning" is a technique; ".001 Scanning IP Blocks" a
    /// sub-technique of the technique above it.
    static let tactics: [(String, String, [String])] = [
        (
            "TA0043", "Reconnaissance",
            [
                "T1595 Active Scanning", ".001 Scanning IP Blocks", ".002 Vulnerability Scanning",
                ".003 Wordlist Scanning",
                "T1592 Gather Victim Host Information", "T1589 Gather Victim Identity Information",
                "T1590 Gather Victim Network Information", "T1591 Gather Victim Org Information",
                "T1598 Phishing for Information", ".002 Spearphishing Attachment", "T1597 Search Closed Sources",
                "T1596 Search Open Technical Databases", "T1593 Search Open Websites/Domains",
                "T1594 Search Victim-Owned Websites",
            ]
        ),
        (
            "TA0042", "Resource Development",
            [
                "T1650 Acquire Access", "T1583 Acquire Infrastructure", ".001 Domains", ".003 Virtual Private Server",
                "T1586 Compromise Accounts", "T1584 Compromise Infrastructure", "T1587 Develop Capabilities",
                ".001 Malware",
                "T1585 Establish Accounts", "T1588 Obtain Capabilities", ".002 Tool", "T1608 Stage Capabilities",
            ]
        ),
        (
            "TA0001", "Initial Access",
            [
                "T1659 Content Injection", "T1189 Drive-by Compromise", "T1190 Exploit Public-Facing Application",
                "T1133 External Remote Services", "T1200 Hardware Additions", "T1566 Phishing",
                ".001 Spearphishing Attachment",
                ".002 Spearphishing Link", ".003 Spearphishing via Service", ".004 Spearphishing Voice",
                "T1091 Replication Through Removable Media", "T1195 Supply Chain Compromise",
                "T1199 Trusted Relationship",
                "T1078 Valid Accounts", ".001 Default Accounts", ".002 Domain Accounts", ".003 Local Accounts",
                ".004 Cloud Accounts",
            ]
        ),
        (
            "TA0002", "Execution",
            [
                "T1651 Cloud Administration Command", "T1059 Command and Scripting Interpreter", ".001 PowerShell",
                ".002 AppleScript", ".003 Windows Command Shell", ".004 Unix Shell", ".005 Visual Basic", ".006 Python",
                ".007 JavaScript", "T1609 Container Administration Command", "T1610 Deploy Container",
                "T1203 Exploitation for Client Execution", "T1559 Inter-Process Communication", "T1106 Native API",
                "T1053 Scheduled Task/Job", ".003 Cron", ".005 Scheduled Task", "T1648 Serverless Execution",
                "T1129 Shared Modules", "T1072 Software Deployment Tools", "T1569 System Services",
                ".002 Service Execution",
                "T1204 User Execution", ".001 Malicious Link", ".002 Malicious File",
                "T1047 Windows Management Instrumentation",
            ]
        ),
        (
            "TA0003", "Persistence",
            [
                "T1098 Account Manipulation", "T1197 BITS Jobs", "T1547 Boot or Logon Autostart Execution",
                ".001 Registry Run Keys / Startup Folder", ".004 Winlogon Helper DLL",
                "T1037 Boot or Logon Initialization Scripts",
                "T1176 Software Extensions", "T1554 Compromise Host Software Binary", "T1136 Create Account",
                "T1543 Create or Modify System Process", ".002 Systemd Service", ".003 Windows Service",
                "T1546 Event Triggered Execution", "T1133 External Remote Services", "T1574 Hijack Execution Flow",
                "T1525 Implant Internal Image", "T1556 Modify Authentication Process",
                "T1137 Office Application Startup",
                "T1653 Power Settings", "T1542 Pre-OS Boot", "T1053 Scheduled Task/Job",
                "T1505 Server Software Component",
                ".003 Web Shell", "T1205 Traffic Signaling", "T1078 Valid Accounts",
            ]
        ),
        (
            "TA0004", "Privilege Escalation",
            [
                "T1548 Abuse Elevation Control Mechanism", ".002 Bypass User Account Control",
                ".003 Sudo and Sudo Caching",
                "T1134 Access Token Manipulation", "T1547 Boot or Logon Autostart Execution",
                "T1543 Create or Modify System Process", "T1484 Domain or Tenant Policy Modification",
                "T1611 Escape to Host",
                "T1546 Event Triggered Execution", "T1068 Exploitation for Privilege Escalation",
                "T1574 Hijack Execution Flow", "T1055 Process Injection", ".001 Dynamic-link Library Injection",
                ".012 Process Hollowing", "T1053 Scheduled Task/Job", "T1078 Valid Accounts",
            ]
        ),
        (
            "TA0005", "Defense Evasion",
            [
                "T1548 Abuse Elevation Control Mechanism", "T1134 Access Token Manipulation", "T1197 BITS Jobs",
                "T1612 Build Image on Host", "T1622 Debugger Evasion", "T1140 Deobfuscate/Decode Files or Information",
                "T1610 Deploy Container", "T1006 Direct Volume Access", "T1484 Domain or Tenant Policy Modification",
                "T1480 Execution Guardrails", "T1211 Exploitation for Defense Evasion",
                "T1222 File and Directory Permissions Modification", "T1564 Hide Artifacts",
                "T1574 Hijack Execution Flow",
                "T1562 Impair Defenses", ".001 Disable or Modify Tools", ".002 Disable Windows Event Logging",
                ".004 Disable or Modify System Firewall", "T1070 Indicator Removal", ".001 Clear Windows Event Logs",
                ".004 File Deletion", "T1202 Indirect Command Execution", "T1036 Masquerading",
                "T1556 Modify Authentication Process", "T1578 Modify Cloud Compute Infrastructure",
                "T1112 Modify Registry",
                "T1601 Modify System Image", "T1599 Network Boundary Bridging", "T1027 Obfuscated Files or Information",
                "T1647 Plist File Modification", "T1542 Pre-OS Boot", "T1055 Process Injection",
                "T1620 Reflective Code Loading",
                "T1207 Rogue Domain Controller", "T1014 Rootkit", "T1553 Subvert Trust Controls",
                "T1218 System Binary Proxy Execution", ".005 Mshta", ".011 Rundll32",
                "T1216 System Script Proxy Execution",
                "T1221 Template Injection", "T1205 Traffic Signaling",
                "T1127 Trusted Developer Utilities Proxy Execution",
                "T1535 Unused/Unsupported Cloud Regions", "T1550 Use Alternate Authentication Material",
                "T1078 Valid Accounts", "T1497 Virtualization/Sandbox Evasion", "T1600 Weaken Encryption",
                "T1220 XSL Script Processing",
            ]
        ),
        (
            "TA0006", "Credential Access",
            [
                "T1557 Adversary-in-the-Middle", "T1110 Brute Force", ".001 Password Guessing",
                ".003 Password Spraying",
                "T1555 Credentials from Password Stores", "T1212 Exploitation for Credential Access",
                "T1187 Forced Authentication",
                "T1606 Forge Web Credentials", "T1056 Input Capture", "T1556 Modify Authentication Process",
                "T1111 Multi-Factor Authentication Interception",
                "T1621 Multi-Factor Authentication Request Generation",
                "T1040 Network Sniffing", "T1003 OS Credential Dumping", ".001 LSASS Memory",
                ".002 Security Account Manager",
                ".003 NTDS", ".006 DCSync", "T1528 Steal Application Access Token",
                "T1649 Steal or Forge Authentication Certificates",
                "T1558 Steal or Forge Kerberos Tickets", ".003 Kerberoasting", "T1539 Steal Web Session Cookie",
                "T1552 Unsecured Credentials",
            ]
        ),
        (
            "TA0007", "Discovery",
            [
                "T1087 Account Discovery", "T1010 Application Window Discovery", "T1217 Browser Information Discovery",
                "T1580 Cloud Infrastructure Discovery", "T1538 Cloud Service Dashboard",
                "T1526 Cloud Service Discovery",
                "T1619 Cloud Storage Object Discovery", "T1613 Container and Resource Discovery",
                "T1622 Debugger Evasion",
                "T1652 Device Driver Discovery", "T1482 Domain Trust Discovery", "T1083 File and Directory Discovery",
                "T1615 Group Policy Discovery", "T1654 Log Enumeration", "T1046 Network Service Discovery",
                "T1135 Network Share Discovery", "T1040 Network Sniffing", "T1201 Password Policy Discovery",
                "T1120 Peripheral Device Discovery", "T1069 Permission Groups Discovery", "T1057 Process Discovery",
                "T1012 Query Registry", "T1018 Remote System Discovery", "T1518 Software Discovery",
                ".001 Security Software Discovery",
                "T1082 System Information Discovery", "T1614 System Location Discovery",
                "T1016 System Network Configuration Discovery", "T1049 System Network Connections Discovery",
                "T1033 System Owner/User Discovery", "T1007 System Service Discovery", "T1124 System Time Discovery",
            ]
        ),
        (
            "TA0008", "Lateral Movement",
            [
                "T1210 Exploitation of Remote Services", "T1534 Internal Spearphishing", "T1570 Lateral Tool Transfer",
                "T1563 Remote Service Session Hijacking", "T1021 Remote Services", ".001 Remote Desktop Protocol",
                ".002 SMB/Windows Admin Shares", ".004 SSH", ".006 Windows Remote Management",
                "T1091 Replication Through Removable Media", "T1072 Software Deployment Tools",
                "T1080 Taint Shared Content",
                "T1550 Use Alternate Authentication Material", ".002 Pass the Hash", ".003 Pass the Ticket",
            ]
        ),
        (
            "TA0009", "Collection",
            [
                "T1557 Adversary-in-the-Middle", "T1560 Archive Collected Data", "T1123 Audio Capture",
                "T1119 Automated Collection", "T1185 Browser Session Hijacking", "T1115 Clipboard Data",
                "T1530 Data from Cloud Storage", "T1602 Data from Configuration Repository",
                "T1213 Data from Information Repositories",
                "T1005 Data from Local System", "T1039 Data from Network Shared Drive",
                "T1025 Data from Removable Media",
                "T1074 Data Staged", "T1114 Email Collection", "T1056 Input Capture", "T1113 Screen Capture",
                "T1125 Video Capture",
            ]
        ),
        (
            "TA0011", "Command and Control",
            [
                "T1071 Application Layer Protocol", ".001 Web Protocols", ".004 DNS",
                "T1092 Communication Through Removable Media",
                "T1659 Content Injection", "T1132 Data Encoding", "T1001 Data Obfuscation", "T1568 Dynamic Resolution",
                "T1573 Encrypted Channel", "T1008 Fallback Channels", "T1665 Hide Infrastructure",
                "T1105 Ingress Tool Transfer",
                "T1104 Multi-Stage Channels", "T1095 Non-Application Layer Protocol", "T1571 Non-Standard Port",
                "T1572 Protocol Tunneling", "T1090 Proxy", "T1219 Remote Access Tools", "T1205 Traffic Signaling",
                "T1102 Web Service",
            ]
        ),
        (
            "TA0010", "Exfiltration",
            [
                "T1020 Automated Exfiltration", "T1030 Data Transfer Size Limits",
                "T1048 Exfiltration Over Alternative Protocol",
                "T1041 Exfiltration Over C2 Channel", "T1011 Exfiltration Over Other Network Medium",
                "T1052 Exfiltration Over Physical Medium", "T1567 Exfiltration Over Web Service",
                ".002 Exfiltration to Cloud Storage",
                "T1029 Scheduled Transfer", "T1537 Transfer Data to Cloud Account",
            ]
        ),
        (
            "TA0040", "Impact",
            [
                "T1531 Account Access Removal", "T1485 Data Destruction", "T1486 Data Encrypted for Impact",
                "T1565 Data Manipulation", "T1491 Defacement", "T1561 Disk Wipe", "T1667 Email Bombing",
                "T1499 Endpoint Denial of Service", "T1657 Financial Theft", "T1495 Firmware Corruption",
                "T1490 Inhibit System Recovery",
                "T1498 Network Denial of Service", "T1496 Resource Hijacking", "T1489 Service Stop",
                "T1529 System Shutdown/Reboot",
            ]
        ),
    ]

    static var matrix: HeatmapMatrix {
        var serial = 0
        func nextScore() -> Double? {
            serial += 1
            switch serial % 11 {
            case 0, 5: return nil
            default: return Double((serial * 53) % 101)
            }
        }
        let columns = tactics.map { id, name, lines in
            var techniques: [HeatmapMatrix.Cell] = []
            for line in lines {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                let (code, title) = (parts[0], parts.count > 1 ? parts[1] : "")
                if code.hasPrefix("."), let last = techniques.indices.last {
                    techniques[last].subtechniques.append(
                        .init(id: techniques[last].id + code, name: title, score: nextScore()))
                } else {
                    let score = nextScore()
                    let status = score == nil ? "untested" : HeatmapTestData.statuses[serial % 7]
                    techniques.append(.init(id: code, name: title, score: score, status: status))
                }
            }
            return HeatmapMatrix.Column(id: id, name: name, techniques: techniques)
        }
        return HeatmapMatrix(
            title: "Aegis coverage heatmap", subtitle: "ATT&CK Enterprise v18.1 · 2026-11-22", tactics: columns)
    }
}
