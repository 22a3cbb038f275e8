/// A fast byte-level JSON reader and writer for `JSONValue`.
///
/// Batches carry tens of thousands of vector components per request; Foundation's `JSONDecoder`
/// path through `JSONValue.init(from:)` tries each type in turn and is far too slow for that.
public enum JSONCodec {
    /// Error with the byte offset where parsing failed.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public struct Code: Hashable, Sendable, CustomStringConvertible {
            private enum Kind: String { case invalidJSON }
            private let kind: Kind
            private init(_ kind: Kind) { self.kind = kind }
            /// The bytes are not one RFC 8259 JSON text (within this parser's documented limits).
            public static let invalidJSON = Code(.invalidJSON)
            public var description: String { kind.rawValue }
        }

        public let code: Code = .invalidJSON
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Deepest nesting of arrays and objects accepted (RFC 8259 section 9 lets a parser set this limit).
    public static let maxDepth = 200

    /// Parses one JSON text exactly as RFC 8259 defines it (surrounding whitespace allowed). Invalid input
    /// throws `ParseError` with the byte offset at fault; nothing traps. Where the RFC leaves a choice open:
    /// - a repeated object key is rejected (section 4: names SHOULD be unique; a last-wins reading would
    ///   hide one of two conflicting values);
    /// - an escaped lone surrogate (`"\ud800"`) is rejected: no Swift `String` can hold it (section 8.2);
    /// - a byte-order mark is rejected (section 8.1 allows either), as is any byte sequence that is not UTF-8;
    /// - a number too large for a `Double` is rejected (section 6 allows limits); one too small becomes 0;
    /// - nesting deeper than `maxDepth` is rejected.
    ///
    /// `dropping`: object members with these names are parsed and checked like any other, but their values are
    /// left out of the result (read as `null`): a batch response echoes every object's vector and properties,
    /// megabytes of values the caller never reads.
    public static func parse(_ bytes: [UInt8], dropping: Set<String> = []) throws(ParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buf) throws(ParseError) -> JSONValue in
            var p = JSONParser(b: buf, i: 0, dropping: dropping)
            p.skipWS()
            let v = try p.value(depth: 0)
            p.skipWS()
            guard p.i == buf.count else {
                throw ParseError(offset: p.i, reason: "unexpected data after the JSON value")
            }
            return v
        }
    }

    public static func parse(_ string: String) throws(ParseError) -> JSONValue { try parse(Array(string.utf8)) }

    /// Serialises compactly; object keys are sorted so output is deterministic.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    public static func encodeString(_ value: JSONValue) -> String { String(decoding: encode(value), as: UTF8.self) }

    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): writeNumber(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (n, v) in a.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (n, k) in o.keys.sorted().enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                write(o[k]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    public static func writeNumber(_ d: Double, into out: inout [UInt8]) {
        if !d.isFinite {
            out.append(contentsOf: "null".utf8)
        } else if d.rounded() == d, abs(d) < 9.0e15 {
            out.append(contentsOf: String(Int64(d)).utf8)
        } else if let f = Float(exactly: d) {
            // Vectors are Float32: their shortest Float text is half as long as the Double's.
            out.append(contentsOf: f.description.utf8)
        } else {
            out.append(contentsOf: d.description.utf8)
        }
    }

    public static func writeFloats(_ v: [Float], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (n, f) in v.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: (f.isFinite ? f.description : "0").utf8)
        }
        out.append(UInt8(ascii: "]"))
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
