/// The RFC 8259 grammar over raw bytes, for `JSONCodec.parse` (which documents the choices the RFC leaves open).
/// Every check names the byte offset at fault; no input can make it trap or recurse past `JSONCodec.maxDepth`.
struct JSONParser {
    typealias ParseError = JSONCodec.ParseError

    let b: UnsafeBufferPointer<UInt8>
    var i: Int
    /// Member names whose values are parsed but not kept (see `JSONCodec.parse`).
    var dropping: Set<String> = []

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    mutating func skipWS() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    func fail(_ reason: String, at offset: Int? = nil) -> ParseError { ParseError(offset: offset ?? i, reason: reason) }

    private func describeByte(_ offset: Int) -> String {
        guard offset < b.count else { return "the end of the input" }
        let c = b[offset]
        if c >= 0x21, c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        let hex = String(c, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }

    mutating func value(depth: Int) throws(ParseError) -> JSONValue {
        guard i < b.count else { throw fail("unexpected end of input; expected a value") }
        switch b[i] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case Self.quote: return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected \(describeByte(i)); expected a value")
        }
    }

    private mutating func object(depth: Int) throws(ParseError) -> JSONValue {
        guard depth <= JSONCodec.maxDepth else { throw fail("nesting deeper than \(JSONCodec.maxDepth) levels") }
        i += 1
        var o: [String: JSONValue] = [:]
        skipWS()
        if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
        while true {
            skipWS()
            guard i < b.count, b[i] == Self.quote else {
                throw fail("unexpected \(describeByte(i)); expected an object key in double quotes")
            }
            let keyOffset = i
            let k = try string()
            guard o[k] == nil else { throw fail("duplicate object key \"\(k.prefix(60))\"", at: keyOffset) }
            skipWS()
            guard i < b.count, b[i] == UInt8(ascii: ":") else {
                throw fail("unexpected \(describeByte(i)); expected ':'")
            }
            i += 1
            skipWS()
            let v = try value(depth: depth)
            o[k] = dropping.isEmpty || !dropping.contains(k) ? v : .null
            skipWS()
            guard i < b.count else { throw fail("unexpected end of input inside an object") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            throw fail("unexpected \(describeByte(i)); expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(ParseError) -> JSONValue {
        guard depth <= JSONCodec.maxDepth else { throw fail("nesting deeper than \(JSONCodec.maxDepth) levels") }
        i += 1
        var a: [JSONValue] = []
        skipWS()
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
        while true {
            skipWS()
            a.append(try value(depth: depth))
            skipWS()
            guard i < b.count else { throw fail("unexpected end of input inside an array") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            throw fail("unexpected \(describeByte(i)); expected ',' or ']'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(ParseError) {
        let start = i
        for c in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
            guard i < b.count, b[i] == c else { throw fail("invalid literal; expected \(word)", at: start) }
            i += 1
        }
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    private func isDigit(_ offset: Int) -> Bool { offset < b.count && b[offset] >= 0x30 && b[offset] <= 0x39 }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(ParseError) -> Double {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { throw fail("a '-' must be followed by a digit") }
        if b[i] == 0x30 {
            i += 1
            if isDigit(i) { throw fail("leading zeros are not allowed in numbers", at: start) }
        } else {
            while isDigit(i) { i += 1 }
        }
        var integral = true
        if i < b.count, b[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard isDigit(i) else { throw fail("a '.' in a number must be followed by a digit") }
            while isDigit(i) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw fail("an exponent must have at least one digit") }
            while isDigit(i) { i += 1 }
        }
        // Plain integers of up to 15 digits are exact in a Double: skip the String round trip (vectors and counts).
        let negative = b[start] == UInt8(ascii: "-")
        let digits = i - start - (negative ? 1 : 0)
        if integral, digits <= 15 {
            var n: Int64 = 0
            for j in (start + (negative ? 1 : 0))..<i { n = n * 10 + Int64(b[j] - 0x30) }
            return Double(negative ? -n : n)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw fail("number \(text.prefix(40)) is out of range", at: start)
        }
        return d
    }

    private mutating func hex4() throws(ParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < b.count else { throw fail("unexpected end of input inside a \\u escape") }
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("\(describeByte(i)) is not a hex digit; a \\u escape takes four")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    /// A string starting at the opening quote; ends after the closing quote.
    private mutating func string() throws(ParseError) -> String {
        i += 1
        let start = i
        var out: [UInt8]? = nil  // allocated at the first escape only
        var spanStart = start
        while true {
            guard i < b.count else { throw fail("unterminated string (opened at byte \(start - 1))") }
            let c = b[i]
            if c == Self.quote {
                i += 1
                guard var bytes = out else {
                    return String(decoding: UnsafeBufferPointer(rebasing: b[start..<(i - 1)]), as: UTF8.self)
                }
                bytes.append(contentsOf: b[spanStart..<(i - 1)])
                return String(decoding: bytes, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character \(describeByte(i)) in a string; escape it") }
            if c >= 0x80 { try skipUTF8Scalar(); continue }
            if c != Self.backslash { i += 1; continue }
            var bytes = out ?? []
            bytes.append(contentsOf: b[spanStart..<i])
            try escape(into: &bytes)
            out = bytes
            spanStart = i
        }
    }

    /// One escape sequence starting at the backslash.
    private mutating func escape(into out: inout [UInt8]) throws(ParseError) {
        let at = i
        i += 1
        guard i < b.count else { throw fail("unexpected end of input after '\\'") }
        let e = b[i]
        i += 1
        switch e {
        case Self.quote, Self.backslash, UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if scalar >= 0xDC00, scalar < 0xE000 {
                throw fail("lone low surrogate \\u\(Self.hex(scalar)) in a string", at: at)
            }
            if scalar >= 0xD800, scalar < 0xDC00 {
                guard i + 1 < b.count, b[i] == Self.backslash, b[i + 1] == UInt8(ascii: "u") else {
                    throw fail("high surrogate \\u\(Self.hex(scalar)) not followed by a \\u low surrogate", at: at)
                }
                let lowAt = i
                i += 2
                let low = try hex4()
                guard low >= 0xDC00, low < 0xE000 else {
                    throw fail("\\u\(Self.hex(low)) after a high surrogate is not a low surrogate", at: lowAt)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            // Every value left is a valid scalar: surrogates were handled above, and a pair tops out at 0x10FFFF.
            guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape", at: at) }
            out.append(contentsOf: UTF8.encode(u)!)
        default:
            throw fail(
                "invalid escape '\\\(describeByte(at + 1))'; allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", at: at
            )
        }
    }

    /// Checks one multi-byte UTF-8 sequence at `i` (Unicode table 3-7: no overlongs, no surrogates, at most
    /// U+10FFFF) and steps over it.
    private mutating func skipUTF8Scalar() throws(ParseError) {
        guard let sequence = UTF8Sequence(lead: b[i]) else {
            throw fail("invalid UTF-8 (\(describeByte(i))); JSON text must be UTF-8")
        }
        let count = sequence.continuationBytes + 1
        for k in 1..<count {
            let j = i + k
            guard j < b.count, sequence.allows(b[j], at: k) else {
                throw fail("invalid UTF-8 sequence; JSON text must be UTF-8")
            }
        }
        i += count
    }
}
