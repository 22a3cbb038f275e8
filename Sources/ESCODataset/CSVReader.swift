import ESCOSystem

/// A streaming RFC 4180 CSV parser over bytes.
///
/// Handles quoted fields with `""` escapes and line breaks, CRLF or LF record ends, a leading UTF-8 BOM,
/// and validates UTF-8, reporting the physical line and byte column of the first bad byte. Memory is one
/// input chunk plus the largest record.
final class CSVReader {
    // The stored vars opt out of dynamic exclusivity checks: they cost ~9% of `esco dataset stats` (a check per
    // field), and a reader is used by one caller at a time with no overlapping accesses to check for.
    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    private let source: any ByteSource
    let name: String
    private static let chunkSize = 64 * 1024
    private let buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var filled = 0  // bytes in buffer
    @exclusivity(unchecked) private var limit = 0  // parse up to here (validated UTF-8)
    @exclusivity(unchecked) private var pos = 0
    @exclusivity(unchecked) private var base = 0  // absolute offset of buffer[0]
    @exclusivity(unchecked) private var badByte: Int?  // absolute offset of the first invalid UTF-8 byte seen
    @exclusivity(unchecked) private var ended = false
    @exclusivity(unchecked) private var started = false
    @exclusivity(unchecked) private var state = State.fieldStart
    @exclusivity(unchecked) private var skipLF = false
    @exclusivity(unchecked) private var spanStart = -1
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var lineStart = 0  // absolute offset of the current line's first byte
    @exclusivity(unchecked) private var quoteLine = 0
    @exclusivity(unchecked) private var quoteColumn = 0

    /// The record produced by the last successful `next()`.
    @exclusivity(unchecked) private(set) var record = CSVRecord()
    /// Bytes read from the source so far (decompressed).
    @exclusivity(unchecked) private(set) var bytesRead = 0

    init(source: any ByteSource, name: String) {
        self.source = source
        self.name = name
        buffer = .allocate(capacity: Self.chunkSize + 8)
    }

    deinit { buffer.deallocate() }

    func error(line: Int, column: Int, _ message: String) -> DatasetError {
        DatasetError(code: .malformed, file: name, line: line, column: column, message: message)
    }

    private var column: Int { base + pos - lineStart + 1 }

    /// Moves the unparsed tail to the front and reads more. Returns false at the end of input.
    private func refill() throws -> Bool {
        let inSpan = spanStart >= 0
        flushSpan()
        let keep = filled - pos
        if keep > 0 { buffer.update(from: buffer + pos, count: keep) }
        base += pos
        pos = 0
        filled = keep
        limit = 0
        if inSpan { spanStart = 0 }
        var n = 0
        do {
            n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: Self.chunkSize))
        } catch let e as SourceError {
            throw error(line: line, column: column, e.message)
        }
        if n == 0 {
            ended = true
            if filled > 0 { badByte = base }  // only an incomplete UTF-8 sequence can be left over
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

    private func flushSpan() {
        guard spanStart >= 0 else { return }
        if pos > spanStart {
            record.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer + spanStart, count: pos - spanStart))
        }
        spanStart = -1
    }

    private func endField() {
        flushSpan()
        record.ends.append(record.bytes.count)
    }

    /// Parses the next record into `record`; false at the end of input. Blank lines are skipped.
    func next() throws -> Bool {
        record.reset()
        var inRecord = false
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
                do {
                    switch state {
                    case .quoted:
                        throw error(
                            line: quoteLine, column: quoteColumn,
                            "unbalanced quote: the quoted field opened here never closes (file ends at line \(line))")
                    case .unquoted, .afterQuote:
                        endField()
                        state = .fieldStart
                        return true
                    case .fieldStart:
                        if inRecord {
                            endField()
                            return true
                        }
                        return false
                    }
                }
            }
            let b = buffer[pos]
            switch state {
            case .fieldStart:
                if skipLF {
                    skipLF = false
                    if b == 0x0A {
                        pos += 1
                        line += 1
                        lineStart = base + pos
                        continue
                    }
                }
                if !inRecord {
                    if b == 0x0A || b == 0x0D {  // blank line
                        pos += 1
                        if b == 0x0A {
                            line += 1
                            lineStart = base + pos
                        } else {
                            skipLF = true
                        }
                        continue
                    }
                    inRecord = true
                    record.line = line
                }
                if b == 0x22 {
                    quoteLine = line
                    quoteColumn = column
                    pos += 1
                    spanStart = pos
                    state = .quoted
                } else if b == 0x2C {
                    endField()
                    pos += 1
                } else if b == 0x0A || b == 0x0D {
                    endField()
                    endRecord(b)
                    return true
                } else {
                    spanStart = pos
                    state = .unquoted
                }
            case .unquoted:
                // Locals: class property access costs an exclusivity check per byte in debug builds.
                let buf = buffer
                let lim = limit
                var i = pos
                while i < lim {
                    let c = buf[i]
                    if c == 0x2C || c == 0x0A || c == 0x0D || c == 0x22 { break }
                    i += 1
                }
                pos = i
                if i == lim { continue }
                let c = buffer[pos]
                if c == 0x22 {
                    throw error(
                        line: line, column: column,
                        "quote inside an unquoted field; quote the whole field and double any quote inside it")
                }
                endField()
                state = .fieldStart
                if c == 0x2C {
                    pos += 1
                } else {
                    endRecord(c)
                    return true
                }
            case .quoted:
                let buf = buffer
                let lim = limit
                var i = pos
                var lines = 0
                var lastLF = -1
                while i < lim {
                    let c = buf[i]
                    if c == 0x22 { break }
                    if c == 0x0A {
                        lines += 1
                        lastLF = i
                    }
                    i += 1
                }
                pos = i
                if lines > 0 {
                    line += lines
                    lineStart = base + lastLF + 1
                }
                if i == lim { continue }
                flushSpan()
                pos += 1
                state = .afterQuote
            case .afterQuote:
                if b == 0x22 {  // "" escape: the second quote starts the next span
                    spanStart = pos
                    pos += 1
                    state = .quoted
                } else if b == 0x2C {
                    endField()
                    pos += 1
                    state = .fieldStart
                } else if b == 0x0A || b == 0x0D {
                    endField()
                    state = .fieldStart
                    endRecord(b)
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

    private func endRecord(_ b: UInt8) {
        pos += 1
        if b == 0x0A {
            line += 1
            lineStart = base + pos
        } else {
            skipLF = true
        }
    }
}
