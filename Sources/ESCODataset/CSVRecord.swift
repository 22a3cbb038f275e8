import ESCOCore

/// One parsed CSV record: field contents back to back, with the end offset of each field.
struct CSVRecord {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    /// Physical line (1-based) where the record starts.
    var line = 0

    var count: Int { ends.count }

    /// The field's text; "" for a field the (ragged) row does not have.
    func string(_ index: Int) -> String {
        guard index >= 0, index < ends.count else { return "" }
        let start = index == 0 ? 0 : ends[index - 1]
        return String(decoding: bytes[start..<ends[index]], as: UTF8.self)
    }

    /// The field's bytes, valid only inside `body` (empty for a field the row does not have): no allocation.
    func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard index >= 0, index < ends.count else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        let start = index == 0 ? 0 : ends[index - 1]
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<ends[index]])) }
    }

    /// Whether the field is exactly `text` (ASCII), without making a String.
    func field(_ index: Int, is text: StaticString) -> Bool {
        withField(index) { field in
            field.count == text.utf8CodeUnitCount
                && (field.count == 0 || memcmpBytes(field.baseAddress!, text.utf8Start, field.count))
        }
    }

    func isEmpty(_ index: Int) -> Bool {
        guard index >= 0, index < ends.count else { return true }
        return (index == 0 ? 0 : ends[index - 1]) == ends[index]
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
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
