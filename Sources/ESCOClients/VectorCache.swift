import ESCOSystem
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// On-disk vectors keyed by (model identity, text), so a re-run never re-vectorises a text.
///
/// Each instance appends to its own segment file (`seg-<pid>-<random>.log`), so concurrent writers, even in other
/// processes, never interleave. A record is `magic | payload length | CRC-32 | sha256(model \0 text) | Float32…`
/// (little-endian). Opening (and `refresh()`) indexes every segment and skips records that are truncated or fail
/// their checksum, so a crash mid-write or a corrupted byte costs only the records it touched. Vectors stay on
/// disk; the index holds only keys and offsets.
public final class VectorCache: Sendable {
    public let directory: String
    private let state: Mutex<State>

    static let magic: [UInt8] = Array("EVC1".utf8)
    static let headerSize = 12
    static let keySize = 32
    static let maxPayload = 4 << 20

    struct Key: Hashable {
        var a: UInt64, b: UInt64, c: UInt64, d: UInt64
        init(_ bytes: some Collection<UInt8>) {
            var it = Array(bytes)
            func word(_ i: Int) -> UInt64 { it[i..<i + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
            a = word(0); b = word(8); c = word(16); d = word(24)
            it = []
        }
    }

    struct Location {
        var segment: Int
        var payloadOffset: Int
        var payloadLength: Int
        var crc: UInt32
    }

    struct Segment {
        var name: String
        var fd: Int32
        var scanned: Int
    }

    struct State: ~Copyable {
        var index: [Key: Location] = [:]
        var segments: [Segment] = []
        var writer: Int?
        var skippedRecords = 0
        deinit { for s in segments { close(s.fd) } }
    }

    /// Opens (creating if needed) the cache directory and indexes every segment in it.
    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        state = Mutex(State())
        try refresh()
    }

    /// Entries indexed.
    public var count: Int { state.withLock { $0.index.count } }

    /// Records skipped so far because they were truncated or failed their checksum.
    public var skippedRecords: Int { state.withLock { $0.skippedRecords } }

    /// Picks up segments and records written by other instances or processes since the last scan.
    public func refresh() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("seg-") && $0.hasSuffix(".log") }.sorted()
        try state.withLock { s in
            for name in names where !s.segments.contains(where: { $0.name == name }) {
                let fd = open(directory + "/" + name, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw cacheError("cannot open \(name)") }
                s.segments.append(Segment(name: name, fd: fd, scanned: 0))
            }
            for i in s.segments.indices where s.writer != i { Self.scan(&s, segment: i) }
        }
    }

    /// The cached vector of each text for `model`, nil where missing (or unreadable).
    public func get(_ texts: [String], model: String) -> [[Float]?] {
        let keys = texts.map { Self.key(model: model, text: $0) }
        return state.withLock { s in
            keys.map { key -> [Float]? in
                guard let loc = s.index[key] else { return nil }
                var payload = [UInt8](repeating: 0, count: loc.payloadLength)
                let n = payload.withUnsafeMutableBytes {
                    pread(s.segments[loc.segment].fd, $0.baseAddress, $0.count, off_t(loc.payloadOffset))
                }
                guard n == loc.payloadLength, CRC32.checksum(payload) == loc.crc else {
                    s.index[key] = nil
                    s.skippedRecords += 1
                    return nil
                }
                return Self.floats(payload.dropFirst(Self.keySize))
            }
        }
    }

    /// Single-text convenience for `get(_:model:)`.
    public func get(_ text: String, model: String) -> [Float]? { get([text], model: model)[0] }

    /// Appends vectors for `model` with one write.
    public func put(_ entries: [(text: String, vector: [Float])], model: String) throws {
        if entries.isEmpty { return }
        var buffer: [UInt8] = []
        var records: [(Key, Int, Int, UInt32)] = []  // key, payload offset in buffer, length, crc
        for (text, vector) in entries {
            let keyBytes = Self.keyBytes(model: model, text: text)
            var payload = keyBytes
            payload.reserveCapacity(Self.keySize + vector.count * 4)
            for f in vector { withUnsafeBytes(of: f.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
            let crc = CRC32.checksum(payload)
            buffer += Self.magic
            withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer.append(contentsOf: $0) }
            withUnsafeBytes(of: crc.littleEndian) { buffer.append(contentsOf: $0) }
            records.append((Key(keyBytes), buffer.count, payload.count, crc))
            buffer += payload
        }
        try state.withLock { s in
            let w = try writerSegment(&s)
            let base = s.segments[w].scanned
            try writeAll(fd: s.segments[w].fd, buffer)
            for (key, offset, length, crc) in records {
                s.index[key] = Location(segment: w, payloadOffset: base + offset, payloadLength: length, crc: crc)
            }
            s.segments[w].scanned = base + buffer.count
        }
    }

    private func writerSegment(_ s: inout State) throws -> Int {
        if let w = s.writer { return w }
        let name = "seg-\(getpid())-\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF).log"
        let fd = open(directory + "/" + name, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw cacheError("cannot create \(name)") }
        s.segments.append(Segment(name: name, fd: fd, scanned: 0))
        s.writer = s.segments.count - 1
        return s.segments.count - 1
    }

    private func writeAll(fd: Int32, _ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw cacheError("cannot write (errno \(errno))") }
            done += n
        }
    }

    private func cacheError(_ what: String) -> VectorCacheError {
        VectorCacheError(code: .io, message: "vector cache \(directory): \(what); check vectorizer.cacheDirectory")
    }

    /// Indexes the complete, valid records past `scanned`. An incomplete tail is left for the next scan
    /// (its writer may still be writing it).
    private static func scan(_ s: inout State, segment i: Int) {
        let fd = s.segments[i].fd
        let end = Int(lseek(fd, 0, SEEK_END))
        var start = s.segments[i].scanned
        // A window at a time: a second run reads a cache of 150k vectors (~240 MB), and reading it whole made
        // that the peak of the run. A window holds any valid record (at most `maxPayload`).
        while start < end {
            var data = [UInt8](repeating: 0, count: min(scanWindow, end - start))
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
            guard n > 0 else { break }
            if n < data.count { data.removeLast(data.count - n) }
            let consumed = scanWindow(&s, segment: i, data, at: start, last: start + n >= end)
            guard consumed > 0 else { break }
            start += consumed
        }
        s.segments[i].scanned = start
    }

    static let scanWindow = 8 << 20

    /// Indexes the records of one window of a segment (`data`, read at offset `start`); returns how many bytes it
    /// is done with. A record that runs past a window that is not the last is left for the next window.
    private static func scanWindow(_ s: inout State, segment i: Int, _ data: [UInt8], at start: Int, last: Bool) -> Int
    {
        var pos = 0
        while pos + headerSize <= data.count {
            guard data[pos..<pos + 4].elementsEqual(magic) else {
                pos = resync(data, from: pos + 1)
                continue
            }
            let length = Int(le32(data, pos + 4))
            let crc = le32(data, pos + 8)
            guard length >= keySize, length <= maxPayload, (length - keySize) % 4 == 0 else {
                s.skippedRecords += 1
                pos = resync(data, from: pos + 1)
                continue
            }
            if pos + headerSize + length > data.count {
                if !last { break }  // the rest of the record is in the next window
                // Either a writer is mid-record (nothing follows yet) or the length is corrupt (records follow).
                let next = resync(data, from: pos + 1)
                if next + headerSize > data.count { break }
                s.skippedRecords += 1
                pos = next
                continue
            }
            let payload = data[pos + headerSize..<pos + headerSize + length]
            if CRC32.checksum(payload) == crc {
                s.index[Key(payload.prefix(keySize))] = Location(
                    segment: i, payloadOffset: start + pos + headerSize, payloadLength: length, crc: crc)
                pos += headerSize + length
            } else {
                s.skippedRecords += 1
                pos = resync(data, from: pos + 1)
            }
        }
        return min(pos, data.count)
    }

    private static func resync(_ data: [UInt8], from: Int) -> Int {
        var p = from
        while p + 4 <= data.count {
            if data[p] == magic[0] && data[p + 1] == magic[1] && data[p + 2] == magic[2] && data[p + 3] == magic[3] {
                return p
            }
            p += 1
        }
        // Keep the last bytes: they may be the start of a record still being written.
        return max(from, data.count - 3)
    }

    private static func le32(_ d: [UInt8], _ i: Int) -> UInt32 {
        UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 3]) << 24
    }

    private static func floats(_ bytes: ArraySlice<UInt8>) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(bytes.count / 4)
        var i = bytes.startIndex
        while i + 4 <= bytes.endIndex {
            let bits =
                UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            out.append(Float(bitPattern: bits))
            i += 4
        }
        return out
    }

    static func keyBytes(model: String, text: String) -> [UInt8] {
        SHA256.digest(Array(model.utf8) + [0] + Array(text.utf8))
    }

    static func key(model: String, text: String) -> Key { Key(keyBytes(model: model, text: text)) }
}

/// The cache directory could not be read or written.
public struct VectorCacheError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case io }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// The directory or a segment could not be created, read or written.
        public static let io = Code(.io)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var message: String
    public var description: String { message }
}
