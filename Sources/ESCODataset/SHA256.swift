import CCrypto

/// Streaming SHA-256 over OpenSSL EVP; used to fingerprint the decompressed CSV bytes.
final class SHA256Hasher {
    private var context: OpaquePointer?

    init() { context = esco_sha256_new() }

    deinit { if let context { esco_sha256_free(context) } }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let context, let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = esco_sha256_update(context, base, bytes.count)
    }

    func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Lowercase hex digest; the hasher cannot be used afterwards.
    func finalize() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        guard let context else { return "" }
        self.context = nil
        _ = out.withUnsafeMutableBufferPointer { esco_sha256_final(context, $0.baseAddress) }
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for b in out {
            hex.append(digits[Int(b >> 4)])
            hex.append(digits[Int(b & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
