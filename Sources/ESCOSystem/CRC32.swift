import CZlib

/// CRC-32 (IEEE 802.3, as zip and gzip use it), computed by zlib's `crc32`: the zip reader checks members with
/// it, the vector cache checks its records with it and the test fixtures write zip members with it.
public enum CRC32 {
    /// The checksum of `bytes`, continuing from `previous` (0 starts a new checksum).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        var crc = UInt(previous)
        var offset = 0
        // zlib takes a 32-bit length; feed larger buffers in slices.
        while offset < bytes.count, let base = bytes.baseAddress {
            let count = min(bytes.count - offset, Int(UInt32.max))
            crc = crc32(crc, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(count))
            offset += count
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The checksum of `bytes`, continuing from `previous` (0 starts a new checksum).
    public static func checksum(_ bytes: some Sequence<UInt8>, continuing previous: UInt32 = 0) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({
            checksum(UnsafeRawBufferPointer($0), continuing: previous)
        }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0, continuing: previous) }
    }
}
