import CZlib
import ESCOSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// File scope, so `read` is the C function and not FileDescriptor.read (Glibc or Darwin).
private func posixRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, p, n) }

/// A stream of (decompressed) CSV bytes read in bounded chunks.
protocol ByteSource: AnyObject {
    /// Fills a prefix of `buffer`; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Bytes in memory, at most `step` bytes per read, so that records, escapes and UTF-8 sequences straddle refills
/// (the reader's tests and its fuzz target).
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private let step: Int
    private var offset = 0

    init(_ bytes: [UInt8], step: Int) {
        self.bytes = bytes
        self.step = step
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(step, buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        buffer.copyBytes(from: bytes[offset..<(offset + n)])
        offset += n
        return n
    }
}

/// An open file descriptor, closed on deinit.
final class FileDescriptor {
    let fd: Int32
    let path: String

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw SourceError(
                message: "cannot open: \(String(cString: strerror(errno))); check the path and permissions")
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = posixRead(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SourceError(message: "read failed: \(String(cString: strerror(errno)))") }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw SourceError(message: "read failed: \(String(cString: strerror(errno)))") }
        }
    }

    var size: Int {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
    }
}

/// A plain `.csv` file.
final class PlainFileSource: ByteSource {
    private let file: FileDescriptor

    init(path: String) throws { file = try FileDescriptor(path: path) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try file.read(into: buffer) }
}

/// zlib inflate over an input callback. The z_stream lives at a fixed address: zlib keeps a back pointer.
final class Inflater: ByteSource {
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private let fill: (UnsafeMutableRawBufferPointer) throws -> Int
    private let allowConcatenation: Bool
    private let computeCRC: Bool
    private var inputEnded = false
    private var finished = false
    private(set) var produced = 0
    private(set) var crc: UInt32 = 0

    /// windowBits: 15+32 for gzip/zlib auto-detect, -15 for raw deflate (zip members).
    /// computeCRC: keep `crc` for a caller that checks it (zip members); gzip's own trailer is checked by zlib.
    init(
        windowBits: Int32, allowConcatenation: Bool, computeCRC: Bool = true,
        fill: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: 64 * 1024, alignment: 1)
        self.fill = fill
        self.allowConcatenation = allowConcatenation
        self.computeCRC = computeCRC
        guard esco_inflate_init2(stream, windowBits) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw SourceError(message: "zlib initialisation failed")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    private func refill() throws {
        let n = try fill(input)
        if n == 0 { inputEnded = true }
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(n)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.next_out = out
        stream.pointee.avail_out = uInt(buffer.count)
        while true {
            if stream.pointee.avail_in == 0 && !inputEnded { try refill() }
            let status = inflate(stream, Z_NO_FLUSH)
            let count = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK:
                break
            case Z_STREAM_END:
                if allowConcatenation {
                    if stream.pointee.avail_in == 0 && !inputEnded { try refill() }
                    if stream.pointee.avail_in > 0 {
                        inflateReset(stream)
                        break
                    }
                }
                finished = true
            case Z_BUF_ERROR where inputEnded && stream.pointee.avail_in == 0:
                throw SourceError(
                    message:
                        "compressed data is truncated (stream ended after \(produced + count) decompressed bytes); "
                        + "re-download or re-compress the file")
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw SourceError(
                    message: "compressed data is corrupt (\(detail)) after \(produced + count) decompressed bytes")
            }
            if count > 0 || finished {
                produced += count
                if computeCRC {
                    crc = CRC32.checksum(UnsafeRawBufferPointer(start: out, count: count), continuing: crc)
                }
                return count
            }
        }
    }
}

/// A `.csv.gz` file (gzip, possibly several concatenated members).
final class GzipSource: ByteSource {
    private let file: FileDescriptor
    private var inflater: Inflater!

    init(path: String) throws {
        let file = try FileDescriptor(path: path)
        self.file = file
        inflater = try Inflater(windowBits: 15 + 32, allowConcatenation: true, computeCRC: false) {
            try file.read(into: $0)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try inflater.read(into: buffer) }
}
