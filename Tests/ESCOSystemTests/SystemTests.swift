import ESCOSystem
import Foundation
import Testing

@Suite struct SystemTests {
    @Test func sha256MatchesTheFIPSExample() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha256StreamsLikeOneShot() {
        let hasher = SHA256()
        hasher.update("ab")
        hasher.update([UInt8(ascii: "c")])
        #expect(hasher.finalize() == SHA256.hex(Array("abc".utf8)))
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let continued = CRC32.checksum(Array("6789".utf8), continuing: CRC32.checksum(Array("12345".utf8)))
        #expect(continued == 0xCBF4_3926)
    }

    @Test func wallClockAgreesWithFoundationToTheMillisecond() {
        let before = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let now = WallClock.nowMs()
        let after = Int64((Date().timeIntervalSince1970 * 1000).rounded(.up))
        #expect(before <= now && now <= after)
    }

    @Test func hostNameIsGethostname() throws {
        let name = HostIdentity.name()
        #expect(!name.isEmpty)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/hostname")
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let reported = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(reported.trimmingCharacters(in: .whitespacesAndNewlines) == name)
    }
}
