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
    while i < count {
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
