import CZlib
import ESCOSystem

/// The central directory of a zip file, parsed without loading the members.
struct ZipArchive {
    struct Entry: Sendable, Hashable {
        var name: String
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    let path: String
    let entries: [Entry]

    init(path: String) throws {
        self.path = path
        let file = try FileDescriptor(path: path)
        let size = file.size
        // The end-of-central-directory record is within the last 22 + 65,535 (comment) bytes.
        let tailCount = min(size, 22 + 65_535)
        let tail = try Self.read(file, at: size - tailCount, count: tailCount)
        var eocd = -1
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 0x05 && tail[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw SourceError(message: "not a zip file (no end-of-central-directory record)") }
        let count = Int(Self.u16(tail, eocd + 10))
        let dirSize = Int(Self.u32(tail, eocd + 12))
        let dirOffset = Int(Self.u32(tail, eocd + 16))
        guard count != 0xFFFF, dirOffset != 0xFFFF_FFFF else {
            throw SourceError(message: "zip64 archives are not supported; unpack the zip into a folder instead")
        }
        guard dirOffset + dirSize <= size else { throw SourceError(message: "zip central directory is truncated") }
        let dir = try Self.read(file, at: dirOffset, count: dirSize)
        var entries: [Entry] = []
        var p = 0
        for _ in 0..<count {
            guard p + 46 <= dir.count, Self.u32(dir, p) == 0x0201_4B50 else {
                throw SourceError(message: "zip central directory is corrupt at entry \(entries.count + 1)")
            }
            let nameLength = Int(Self.u16(dir, p + 28))
            let extraLength = Int(Self.u16(dir, p + 30))
            let commentLength = Int(Self.u16(dir, p + 32))
            guard p + 46 + nameLength <= dir.count else {
                throw SourceError(message: "zip central directory is corrupt")
            }
            entries.append(
                Entry(
                    name: String(decoding: dir[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self),
                    method: Self.u16(dir, p + 10), crc: Self.u32(dir, p + 16),
                    compressedSize: Int(Self.u32(dir, p + 20)), uncompressedSize: Int(Self.u32(dir, p + 24)),
                    localHeaderOffset: Int(Self.u32(dir, p + 42))))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    /// A stream of the member's decompressed bytes, checked against the stored size and CRC-32.
    func open(_ entry: Entry) throws -> any ByteSource {
        let file = try FileDescriptor(path: path)
        let header = try Self.read(file, at: entry.localHeaderOffset, count: 30)
        guard header.count == 30, Self.u32(header, 0) == 0x0403_4B50 else {
            throw SourceError(message: "zip member \(entry.name): local header missing or corrupt")
        }
        let dataOffset = entry.localHeaderOffset + 30 + Int(Self.u16(header, 26)) + Int(Self.u16(header, 28))
        guard entry.method == 0 || entry.method == 8 else {
            throw SourceError(
                message:
                    "zip member \(entry.name): compression method \(entry.method) unsupported (only stored and deflate)"
            )
        }
        return ZipMemberSource(file: file, entry: entry, dataOffset: dataOffset)
    }

    private static func read(_ file: FileDescriptor, at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), at: offset + done)
                if n == 0 { break }
                done += n
            }
        }
        return Array(bytes[0..<done])
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

/// Reads one zip member: stored bytes as they are, deflate through raw inflate (windowBits -15).
final class ZipMemberSource: ByteSource {
    private let file: FileDescriptor
    private let entry: ZipArchive.Entry
    private var position: Int
    private var remaining: Int
    private var inflater: Inflater?
    private var storedCount = 0
    private var storedCRC: UInt32 = 0

    init(file: FileDescriptor, entry: ZipArchive.Entry, dataOffset: Int) {
        self.file = file
        self.entry = entry
        position = dataOffset
        remaining = entry.compressedSize
    }

    private func readRaw(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let want = min(buffer.count, remaining)
        guard want > 0 else { return 0 }
        let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), at: position)
        position += n
        remaining = n == 0 ? 0 : remaining - n
        return n
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n: Int
        if entry.method == 0 {
            n = try readRaw(buffer)
            storedCount += n
            if n > 0 {
                storedCRC = CRC32.checksum(UnsafeRawBufferPointer(rebasing: buffer[..<n]), continuing: storedCRC)
            }
            if n == 0 { try check(count: storedCount, crc: storedCRC) }
        } else {
            if inflater == nil {
                inflater = try Inflater(windowBits: -15, allowConcatenation: false) { [unowned self] in try readRaw($0)
                }
            }
            n = try inflater!.read(into: buffer)
            if n == 0 { try check(count: inflater!.produced, crc: inflater!.crc) }
        }
        return n
    }

    private func check(count: Int, crc: UInt32) throws {
        guard count == entry.uncompressedSize, crc == entry.crc else {
            throw SourceError(
                message: "zip member \(entry.name) is corrupt: got \(count) bytes (expected \(entry.uncompressedSize)) "
                    + "or a CRC-32 mismatch; re-download the archive")
        }
    }
}
