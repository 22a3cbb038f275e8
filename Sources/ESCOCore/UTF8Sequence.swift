/// The shape of a well-formed UTF-8 sequence by its lead byte (Unicode, table 3-7): how many continuation bytes
/// follow, and the range the first of them must fall in (which excludes overlong forms, surrogates and scalars
/// above U+10FFFF; every later continuation byte is 0x80...0xBF). One table for every parser that checks UTF-8
/// itself (the JSON parser, the CSV reader).
public struct UTF8Sequence: Sendable, Equatable {
    public var continuationBytes: Int
    public var secondByte: ClosedRange<UInt8>

    /// Nil for an ASCII byte (no sequence), a continuation byte or a byte that never starts a sequence.
    public init?(lead: UInt8) {
        switch lead {
        case 0xC2...0xDF: (continuationBytes, secondByte) = (1, 0x80...0xBF)
        case 0xE0: (continuationBytes, secondByte) = (2, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (continuationBytes, secondByte) = (2, 0x80...0xBF)
        case 0xED: (continuationBytes, secondByte) = (2, 0x80...0x9F)
        case 0xF0: (continuationBytes, secondByte) = (3, 0x90...0xBF)
        case 0xF1...0xF3: (continuationBytes, secondByte) = (3, 0x80...0xBF)
        case 0xF4: (continuationBytes, secondByte) = (3, 0x80...0x8F)
        default: return nil
        }
    }

    /// Whether `byte` may stand at position `k` (1-based) after the lead byte.
    public func allows(_ byte: UInt8, at k: Int) -> Bool {
        k == 1 ? secondByte.contains(byte) : byte & 0xC0 == 0x80
    }
}
