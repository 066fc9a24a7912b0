/// Builds SVG text line by line; whole-pixel coordinates only.
struct SVGWriter {
    private(set) var text = ""

    mutating func line(_ markup: String) {
        text += markup
        text += "\n"
    }

    mutating func rect(x: Int, y: Int, width: Int, height: Int, fill: String, radius: Int = 0) {
        let corner = radius > 0 ? " rx=\"\(radius)\"" : ""
        line("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\"\(corner) fill=\"\(fill)\"/>")
    }

    /// A `<text>` of `content` (escaped here); `extra` is raw attributes.
    mutating func text(
        _ content: String, x: Int, y: Int, size: Double, fill: String, extra: String = ""
    ) {
        line(
            "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(Self.number(size))\" fill=\"\(fill)\"\(extra)>"
                + "\(MarkupText.escape(content))</text>")
    }

    /// `value` without a trailing ".0".
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }
}
