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
        var need = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; high = 0x9F
        case 0xF0: need = 3; low = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; high = 0x8F
        default: return (i, i)
        }
        var k = 1
        while k <= need {
            if i + k >= count { return final ? (i, i) : (nil, i) }
            let c = p[i + k]
            if k == 1 ? (c < low || c > high) : (c & 0xC0 != 0x80) { return (i, i) }
            k += 1
        }
        i += need + 1
    }
    return (nil, count)
}
