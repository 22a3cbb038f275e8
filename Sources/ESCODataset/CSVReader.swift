import ESCOSystem

/// A streaming RFC 4180 CSV parser over bytes.
///
/// Handles quoted fields with `""` escapes and line breaks, CRLF or LF record ends, a leading UTF-8 BOM,
/// and validates UTF-8, reporting the physical line and byte column of the first bad byte. Memory is one
/// input chunk plus the largest record.
///
/// Fields are not copied: a record is its fields' offsets into the buffer (`CSVRecord`). A refill keeps the
/// current record's bytes at the front of the buffer (growing it for a record longer than a chunk), and a
/// quoted field with `""` escapes is unescaped where it lies, each span between escapes moved down over the
/// dropped quotes (most fields have none, and nothing moves).
final class CSVReader {
    // The stored vars opt out of dynamic exclusivity checks: they cost ~9% of `esco dataset stats` (a check per
    // field), and a reader is used by one caller at a time with no overlapping accesses to check for.
    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    private let source: any ByteSource
    let name: String
    static let chunkSize = 64 * 1024
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity = 2 * chunkSize
    @exclusivity(unchecked) private var filled = 0  // bytes in buffer
    @exclusivity(unchecked) private var limit = 0  // parse up to here (validated UTF-8)
    @exclusivity(unchecked) private var pos = 0
    @exclusivity(unchecked) private var base = 0  // absolute offset of buffer[0]
    @exclusivity(unchecked) private var badByte: Int?  // absolute offset of the first invalid UTF-8 byte seen
    @exclusivity(unchecked) private var ended = false
    @exclusivity(unchecked) private var started = false
    @exclusivity(unchecked) private var state = State.fieldStart
    @exclusivity(unchecked) private var skipLF = false
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var lineStart = 0  // absolute offset of the current line's first byte
    @exclusivity(unchecked) private var quoteLine = 0
    @exclusivity(unchecked) private var quoteColumn = 0

    // The record being parsed; buffer offsets, moved with the bytes by a refill.
    @exclusivity(unchecked) private var recordStart = -1  // its first byte, or -1 before it starts
    @exclusivity(unchecked) private var recordLine = 0
    @exclusivity(unchecked) private var fieldStart = 0  // the current field's first content byte
    @exclusivity(unchecked) private var spanStart = 0  // quoted field: the span not yet moved down to `write`
    @exclusivity(unchecked) private var write = 0  // quoted field: where its unescaped content ends so far
    @exclusivity(unchecked) private var bounds: UnsafeMutablePointer<Int>  // start, end of each field
    @exclusivity(unchecked) private var boundsCapacity = 64
    @exclusivity(unchecked) private var fieldCount = 0

    /// The record produced by the last successful `next()`, valid until the next call.
    var record: CSVRecord {
        CSVRecord(bytes: buffer, bounds: bounds, count: fieldCount, line: recordLine)
    }
    /// Bytes read from the source so far (decompressed).
    @exclusivity(unchecked) private(set) var bytesRead = 0

    init(source: any ByteSource, name: String) {
        self.source = source
        self.name = name
        buffer = .allocate(capacity: capacity)
        bounds = .allocate(capacity: boundsCapacity)
    }

    deinit {
        buffer.deallocate()
        bounds.deallocate()
    }

    func error(line: Int, column: Int, _ message: String) -> DatasetError {
        DatasetError(code: .malformed, file: name, line: line, column: column, message: message)
    }

    private var column: Int { base + pos - lineStart + 1 }

    /// Moves the current record and the unparsed tail to the front (into a larger buffer when they and a chunk do
    /// not fit) and reads more. Returns false at the end of input.
    private func refill() throws -> Bool {
        let keepFrom = recordStart >= 0 ? recordStart : pos
        let keep = filled - keepFrom
        if keep + Self.chunkSize > capacity {
            capacity = max(2 * capacity, keep + Self.chunkSize)
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            larger.update(from: buffer + keepFrom, count: keep)
            buffer.deallocate()
            buffer = larger
        } else if keep > 0 && keepFrom > 0 {
            buffer.update(from: buffer + keepFrom, count: keep)
        }
        shift(by: keepFrom)
        filled = keep
        limit = pos
        var n = 0
        do {
            n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: Self.chunkSize))
        } catch let e as SourceError {
            throw error(line: line, column: column, e.message)
        }
        if n == 0 {
            ended = true
            if filled > pos { badByte = base + pos }  // only an incomplete UTF-8 sequence can be left over
            return false
        }
        bytesRead += n
        filled += n
        if !started {
            started = true
            if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                pos = 3
                lineStart = 3
            }
        }
        let (invalid, validEnd) = utf8Scan(buffer + pos, count: filled - pos, final: false)
        if let invalid { badByte = base + pos + invalid }
        limit = pos + (invalid ?? validEnd)
        return true
    }

    /// The buffer's first `offset` bytes were dropped: every buffer offset moves down by as much.
    private func shift(by offset: Int) {
        guard offset > 0 else { return }
        base += offset
        pos -= offset
        if recordStart >= 0 { recordStart -= offset }
        fieldStart -= offset
        spanStart -= offset
        write -= offset
        for i in 0..<(2 * fieldCount) { bounds[i] -= offset }
    }

    private func addField(_ start: Int, _ end: Int) {
        if 2 * fieldCount + 2 > boundsCapacity {
            let larger = UnsafeMutablePointer<Int>.allocate(capacity: 2 * boundsCapacity)
            larger.initialize(from: bounds, count: 2 * fieldCount)
            bounds.deallocate()
            bounds = larger
            boundsCapacity *= 2
        }
        bounds[2 * fieldCount] = start
        bounds[2 * fieldCount + 1] = end
        fieldCount += 1
    }

    /// Parses the next record into `record`; false at the end of input. Blank lines are skipped.
    func next() throws -> Bool {
        fieldCount = 0
        recordStart = -1
        while true {
            if pos >= limit {
                if let badByte, base + pos == badByte {
                    let value = String(buffer[pos], radix: 16, uppercase: true)
                    throw error(
                        line: line, column: column,
                        "invalid UTF-8 (byte 0x\(value.count < 2 ? "0" + value : value)); the file must be UTF-8 — "
                            + "convert it, e.g. with iconv -t UTF-8")
                }
                if !ended, try refill() { continue }
                if let badByte, base + pos == badByte { continue }
                return try endOfInput()
            }
            switch state {
            case .fieldStart:
                let b = buffer[pos]
                if skipLF {
                    skipLF = false
                    if b == 0x0A {
                        pos += 1
                        line += 1
                        lineStart = base + pos
                        continue
                    }
                }
                if recordStart < 0 {
                    if b == 0x0A || b == 0x0D {  // blank line
                        endLine(b)
                        continue
                    }
                    recordStart = pos
                    recordLine = line
                }
                if b == 0x22 {
                    quoteLine = line
                    quoteColumn = column
                    pos += 1
                    fieldStart = pos
                    spanStart = pos
                    write = pos
                    state = .quoted
                } else if b == 0x2C {
                    addField(pos, pos)
                    pos += 1
                } else if b == 0x0A || b == 0x0D {
                    addField(pos, pos)
                    endLine(b)
                    return true
                } else {
                    fieldStart = pos
                    state = .unquoted
                }
            case .unquoted:
                let i = scanUnquoted(buffer, from: pos, to: limit)
                pos = i
                if i == limit { continue }
                let c = buffer[i]
                if c == 0x22 {
                    throw error(
                        line: line, column: column,
                        "quote inside an unquoted field; quote the whole field and double any quote inside it")
                }
                addField(fieldStart, i)
                state = .fieldStart
                if c == 0x2C {
                    pos += 1
                } else {
                    endLine(c)
                    return true
                }
            case .quoted:
                var i = scanQuoted(buffer, from: pos, to: limit)
                while i < limit && buffer[i] == 0x0A {
                    line += 1
                    lineStart = base + i + 1
                    i = scanQuoted(buffer, from: i + 1, to: limit)
                }
                pos = i
                if i == limit { continue }
                // The closing quote, or the first of a "" pair: the span before it moves down over dropped quotes.
                let n = i - spanStart
                if write != spanStart { (buffer + write).update(from: buffer + spanStart, count: n) }
                write += n
                pos += 1
                state = .afterQuote
            case .afterQuote:
                let b = buffer[pos]
                if b == 0x22 {  // "" escape: the second quote starts the next span
                    spanStart = pos
                    pos += 1
                    state = .quoted
                } else if b == 0x2C {
                    addField(fieldStart, write)
                    pos += 1
                    state = .fieldStart
                } else if b == 0x0A || b == 0x0D {
                    addField(fieldStart, write)
                    state = .fieldStart
                    endLine(b)
                    return true
                } else {
                    throw error(
                        line: line, column: column,
                        "unexpected character after the closing quote of a field opened at line \(quoteLine), "
                            + "column \(quoteColumn); a quote inside a quoted field must be doubled")
                }
            }
        }
    }

    /// The input has ended: the last record ends with it, unless a quoted field is still open.
    private func endOfInput() throws -> Bool {
        switch state {
        case .quoted:
            throw error(
                line: quoteLine, column: quoteColumn,
                "unbalanced quote: the quoted field opened here never closes (file ends at line \(line))")
        case .unquoted:
            addField(fieldStart, pos)
        case .afterQuote:
            addField(fieldStart, write)
        case .fieldStart:
            guard recordStart >= 0 else { return false }
            addField(pos, pos)
        }
        state = .fieldStart
        return true
    }

    /// Steps over a record's (or a blank line's) LF or CR; the line count follows LFs only.
    private func endLine(_ b: UInt8) {
        pos += 1
        if b == 0x0A {
            line += 1
            lineStart = base + pos
        } else {
            skipLF = true
        }
    }
}

// Eight bytes at a time: a field is found by its end, and ESCO's fields are mostly long URIs and texts.

private let ones: UInt64 = 0x0101_0101_0101_0101

/// The high bit of each byte of `word` that equals `byte`, exact for the lowest one (a borrow only runs upward,
/// from a byte that does match): all that finding the first match needs.
@inline(__always)
private func matching(_ word: UInt64, _ byte: UInt8) -> UInt64 {
    let x = word ^ (UInt64(byte) &* ones)
    return (x &- ones) & ~x & 0x8080_8080_8080_8080
}

@inline(__always)
private func word(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64 {
    UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
}

/// The first of `,` LF CR `"` in `p[from..<to]`, or `to`.
func scanUnquoted(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    var i = from
    while i + 8 <= to {
        let w = word(p, i)
        let m = matching(w, 0x2C) | matching(w, 0x0A) | matching(w, 0x0D) | matching(w, 0x22)
        if m != 0 { return i + m.trailingZeroBitCount >> 3 }
        i += 8
    }
    while i < to {
        let c = p[i]
        if c == 0x2C || c == 0x0A || c == 0x0D || c == 0x22 { return i }
        i += 1
    }
    return to
}

/// The first `"` or LF in `p[from..<to]`, or `to`.
func scanQuoted(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    var i = from
    while i + 8 <= to {
        let w = word(p, i)
        let m = matching(w, 0x22) | matching(w, 0x0A)
        if m != 0 { return i + m.trailingZeroBitCount >> 3 }
        i += 8
    }
    while i < to {
        let c = p[i]
        if c == 0x22 || c == 0x0A { return i }
        i += 1
    }
    return to
}
