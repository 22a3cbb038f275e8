import ESCOCore

/// One parsed CSV record: a view of its fields in the reader's buffer, valid until the reader's next `next()`
/// (do not keep it longer; copy what must outlive the row, e.g. with `string(_:)`). It holds no references, so
/// passing it around costs no retain or release per row.
struct CSVRecord {
    /// The reader's buffer, and each field's start and end offsets in it, two per field.
    private let bytes: UnsafePointer<UInt8>?
    private let bounds: UnsafePointer<Int>?
    /// Fields in the record.
    let count: Int
    /// Physical line (1-based) where the record starts.
    let line: Int

    init(bytes: UnsafePointer<UInt8>?, bounds: UnsafePointer<Int>?, count: Int, line: Int) {
        self.bytes = bytes
        self.bounds = bounds
        self.count = count
        self.line = line
    }

    /// The field's bytes (empty for a field the (ragged) row does not have).
    private func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0, index < count, let bytes, let bounds else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = bounds[2 * index]
        return UnsafeBufferPointer(start: bytes + start, count: bounds[2 * index + 1] - start)
    }

    /// The field's text; "" for a field the (ragged) row does not have.
    func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    /// The field's bytes, valid only inside `body` (empty for a field the row does not have): no allocation.
    func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(field(index))
    }

    /// Whether the field is exactly `text` (ASCII), without making a String.
    func field(_ index: Int, is text: StaticString) -> Bool {
        let field = field(index)
        return field.count == text.utf8CodeUnitCount
            && (field.count == 0 || memcmpBytes(field.baseAddress!, text.utf8Start, field.count))
    }

    func isEmpty(_ index: Int) -> Bool { field(index).count == 0 }
}

/// Offset of the first byte of the first invalid UTF-8 sequence, or nil. An incomplete sequence at the end
/// counts as invalid only when `final`; otherwise the second result is where the incomplete tail starts.
func utf8Scan(_ p: UnsafePointer<UInt8>, count: Int, final: Bool) -> (invalid: Int?, validEnd: Int) {
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i < count {
        // Eight ASCII bytes at a time: almost all of ESCO is ASCII.
        if i + 8 <= count, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
            continue
        }
        let b = p[i]
        if b < 0x80 {
            i += 1
            continue
        }
        guard let sequence = UTF8Sequence(lead: b) else { return (i, i) }
        let need = sequence.continuationBytes
        var k = 1
        while k <= need {
            if i + k >= count { return final ? (i, i) : (nil, i) }
            if !sequence.allows(p[i + k], at: k) { return (i, i) }
            k += 1
        }
        i += need + 1
    }
    return (nil, count)
}
