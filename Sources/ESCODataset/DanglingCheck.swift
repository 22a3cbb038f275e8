/// The dangling-reference check of one relation file: a row is dangling when either end is not a concept.
///
/// The first end is looked up at once: relation files are sorted by it, so most rows repeat the previous row's
/// answer (a byte compare, not a table lookup). The other ends are in random order over the concept table, and
/// each lookup waits for cache misses: they are collected and looked up `batchSize` at a time, so that the
/// misses of different rows overlap (`ByteStringTable.containsAll`). Rows are counted in file order, so the
/// examples are the same first three as one row at a time would give.
struct DanglingCheck {
    static let batchSize = 64

    private(set) var result: DatasetStats.Dangling
    private var previousA: [UInt8] = []
    private var previousAMissing = false
    // The pending rows: their other ends back to back, each row's line and (when missing) its first end's text.
    private var keys: [UInt8] = []
    private var ends: [Int] = []
    private var lines: [Int] = []
    private var missingA: [String?] = []
    private var found = [Bool](repeating: false, count: batchSize)
    private var headerA = ""
    private var headerB = ""

    init(file: String) { result = DatasetStats.Dangling(file: file) }

    /// Checks the row's ends `columnA` and `columnB` (the header names them in the examples).
    mutating func add(_ t: CSVTable, _ columnA: Int, _ columnB: Int, concepts: ByteStringTable) {
        let r = t.record
        if headerA.isEmpty {
            headerA = t.header[columnA]
            headerB = t.header[columnB]
        }
        let missing = r.withField(columnA) { field in
            let same = previousA.withUnsafeBufferPointer { p in
                p.count == field.count && (p.count == 0 || memcmpBytes(p.baseAddress!, field.baseAddress!, p.count))
            }
            if same { return previousAMissing }
            previousA.removeAll(keepingCapacity: true)
            previousA.append(contentsOf: field)
            previousAMissing = concepts.find(field) == nil
            return previousAMissing
        }
        r.withField(columnB) { keys.append(contentsOf: $0) }
        ends.append(keys.count)
        lines.append(r.line)
        missingA.append(missing ? "\(headerA) \(r.string(columnA))" : nil)
        if ends.count == Self.batchSize { flush(concepts) }
    }

    /// Looks up the pending rows' other ends and counts the dangling rows, in order.
    mutating func flush(_ concepts: ByteStringTable) {
        guard !ends.isEmpty else { return }
        keys.withUnsafeBufferPointer { k in
            ends.withUnsafeBufferPointer { e in
                found.withUnsafeMutableBufferPointer { f in concepts.containsAll(k, ends: e, into: f) }
            }
        }
        for i in 0..<ends.count where missingA[i] != nil || !found[i] {
            result.rows += 1
            guard result.examples.count < 3 else { continue }
            let start = i == 0 ? 0 : ends[i - 1]
            let a = missingA[i].map { [$0] } ?? []
            let b = found[i] ? [] : ["\(headerB) \(String(decoding: keys[start..<ends[i]], as: UTF8.self))"]
            result.examples.append("line \(lines[i]): " + (a + b).joined(separator: ", "))
        }
        keys.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        missingA.removeAll(keepingCapacity: true)
    }
}
