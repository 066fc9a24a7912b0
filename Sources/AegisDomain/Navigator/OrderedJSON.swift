import Foundation

/// A JSON value whose object keys keep the order they were given in,
/// written as indented text, so the layer writer's output is stable byte
/// for byte and reads in the order of the format's documentation.
indirect enum OrderedJSON {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// Four-space indented JSON text, as Navigator writes its own files.
    var text: String {
        var out = ""
        write(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .string(let s): OrderedJSON.writeString(s, into: &out)
        case .number(let d): out += OrderedJSON.numberText(d)
        case .bool(let b): out += b ? "true" : "false"
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                out += String(repeating: " ", count: (indent + 1) * 4)
                item.write(into: &out, indent: indent + 1)
            }
            out += "\n" + String(repeating: " ", count: indent * 4) + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                out += String(repeating: " ", count: (indent + 1) * 4)
                OrderedJSON.writeString(key, into: &out)
                out += ": "
                value.write(into: &out, indent: indent + 1)
            }
            out += "\n" + String(repeating: " ", count: indent * 4) + "}"
        }
    }

    /// The same JSON without whitespace, written straight into bytes (a
    /// full Enterprise layer is several thousand entries).
    var compactData: Data {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        writeCompact(into: &out)
        return Data(out)
    }

    private func writeCompact(into out: inout [UInt8]) {
        switch self {
        case .string(let s): OrderedJSON.writeString(s, into: &out)
        case .number(let d): out += OrderedJSON.numberText(d).utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCompact(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                OrderedJSON.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.writeCompact(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whole numbers without a fraction (`75`, not `75.0`); JSON has no
    /// infinity or NaN, so those (which the writer refuses earlier) become 0.
    static func numberText(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
