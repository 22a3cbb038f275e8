/// A piece of HTML. In an `HTML` literal, interpolated `String`s are escaped and interpolated `HTML` values are
/// inserted as they are, so markup can only come from this module's literals: a label, a query or a reason
/// from Weaviate always ends up as text (tested against hostile labels in SearchPageTests).
public struct HTML: ExpressibleByStringInterpolation, Sendable, Equatable {
    public private(set) var text: String

    public init(stringLiteral value: String) { text = value }

    public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// Text: escaped for element content and quoted attribute values alike.
        public mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }

        public mutating func appendInterpolation(_ value: HTML) { text += value.text }

        public mutating func appendInterpolation(_ values: [HTML]) { for value in values { text += value.text } }
    }

    /// Escapes the five characters that can end text or a quoted attribute value (`&`, `<`, `>`, `"`, `'`).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
