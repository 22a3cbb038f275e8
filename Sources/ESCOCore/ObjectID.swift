/// Deterministic Weaviate object IDs (docs/ARCHITECTURE.md#object-ids).
///
/// Exactly what the Weaviate Python client's `generate_uuid5(identifier)` computes:
/// `uuid5(NAMESPACE_DNS, str(identifier))`, so other tools can address our objects.
public enum ObjectID {
    /// RFC 4122 DNS namespace 6ba7b810-9dad-11d1-80b4-00c04fd430c8.
    static let dnsNamespace: [UInt8] = [
        0x6B, 0xA7, 0xB8, 0x10, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8,
    ]

    /// Lower-case canonical UUIDv5 string of `identifier`.
    public static func uuid5(_ identifier: String) -> String {
        var bytes = Array(SHA1.hash(dnsNamespace + Array(identifier.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }

    /// True for a canonical 8-4-4-4-12 hex UUID (either case).
    public static func isUUID(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
