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
