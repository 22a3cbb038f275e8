import CCrypto

/// SHA-256 over OpenSSL's EVP interface: streaming (`update`, then `finalize`) or one-shot (`digest`, `hex`).
/// The one SHA-256 of the project: the dataset fingerprint and the vector cache's keys both use it.
public final class SHA256 {
    private var context: OpaquePointer?

    public init() { context = esco_sha256_new() }

    deinit { if let context { esco_sha256_free(context) } }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let context, let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = esco_sha256_update(context, base, bytes.count)
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The 32 digest bytes; the hasher cannot be used afterwards (a second call answers 32 zero bytes).
    public func finalizeBytes() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        guard let context else { return out }
        self.context = nil
        _ = out.withUnsafeMutableBufferPointer { esco_sha256_final(context, $0.baseAddress) }
        return out
    }

    /// The lowercase hex digest; the hasher cannot be used afterwards.
    public func finalize() -> String { Self.hexString(finalizeBytes()) }

    /// The digest of `bytes` in one call.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeBytes()
    }

    /// The lowercase hex digest of `bytes` in one call.
    public static func hex(_ bytes: [UInt8]) -> String { hexString(digest(bytes)) }

    static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
