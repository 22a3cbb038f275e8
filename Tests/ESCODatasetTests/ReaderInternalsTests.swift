import ESCOSystem
import Foundation
import TestSupport
import Testing

@testable import ESCODataset

/// The pieces that make the reader fast must not change what it answers: batched table lookups agree with
/// single ones, the prefetching source hands over the same bytes, hash and errors, and the batched dangling
/// check counts and quotes the same rows in file order.
@Suite struct ReaderInternalsTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// Keys present and absent, including absent ones with the same length and the same first and last 8 bytes
    /// as a present one (only a middle byte differs), short keys and the empty key.
    @Test(arguments: [false, true])
    func batchedLookupsAgreeWithSingleOnes(emptyKeyPresent: Bool) {
        var table = ByteStringTable(capacity: 4)  // small: it grows, and probes run past occupied slots
        var present: [[UInt8]] = (0..<500).map {
            Self.bytes("http://data.europa.eu/esco/skill/\($0 * 7919)-tail-xyz")
        }
        present += ["a", "ab", "abcdefg", "abcdefgh"].map(Self.bytes)
        if emptyKeyPresent { present.append([]) }
        for key in present { key.withUnsafeBufferPointer { _ = table.insert($0) } }
        var absent: [[UInt8]] = present.filter { $0.count > 16 }.map { key in
            var k = key
            k[k.count / 2] ^= 0x01
            return k
        }
        absent += ["b", "abcdefgi", "http://data.europa.eu/esco/skill/none"].map(Self.bytes)
        if !emptyKeyPresent { absent.append([]) }
        var queries = Array(zip(present, repeatElement(true, count: present.count)))
        queries += zip(absent, repeatElement(false, count: absent.count))
        var generator = SplitMix(seed: 42)
        queries.shuffle(using: &generator)
        for batch in stride(from: 0, to: queries.count, by: DanglingCheck.batchSize) {
            let part = queries[batch..<min(batch + DanglingCheck.batchSize, queries.count)]
            var keys: [UInt8] = []
            var ends: [Int] = []
            for (key, _) in part {
                keys += key
                ends.append(keys.count)
            }
            var found = [Bool](repeating: false, count: part.count)
            keys.withUnsafeBufferPointer { k in
                ends.withUnsafeBufferPointer { e in
                    found.withUnsafeMutableBufferPointer { table.containsAll(k, ends: e, into: $0) }
                }
            }
            for (i, (key, expected)) in part.enumerated() {
                #expect(found[i] == expected, "key \(String(decoding: key, as: UTF8.self))")
                #expect((key.withUnsafeBufferPointer { table.find($0) } != nil) == expected)
            }
        }
    }

    /// Bytes in uneven reads through the prefetching source: same bytes, same hash, whatever the read sizes.
    @Test(arguments: [1, 7, 4096, 100_000])
    func prefetchingHandsOverTheSameBytesAndHash(readSize: Int) throws {
        let data = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let hasher = SHA256()
        let source = PrefetchingSource(
            MemoryByteSource(data, step: 5_003), hasher: hasher, chunkSize: 8_192, depth: 3)
        var out: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            out += buffer[0..<n]
        }
        #expect(out == data)
        #expect(hasher.finalize() == SHA256.hex(data))
        #expect(try source.read(into: buffer) == 0)
    }

    /// The inner source's error arrives after every byte read before it, never instead of them.
    @Test func prefetchingPassesTheErrorAfterTheBytesBeforeIt() throws {
        final class Failing: ByteSource {
            var left = 3
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                guard left > 0 else { throw SourceError(message: "disk on fire") }
                left -= 1
                buffer[0] = UInt8(left)
                return 1
            }
        }
        let source = PrefetchingSource(Failing(), hasher: nil, chunkSize: 16, depth: 2)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        var got: [UInt8] = []
        var message: String?
        do {
            while true {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                got += buffer[0..<n]
            }
        } catch let e as SourceError {
            message = e.message
        }
        #expect(got == [2, 1, 0])
        #expect(message == "disk on fire")
    }

    /// A reader dropped before the end stops its prefetch thread (deinit waits for it; this must not hang).
    @Test func prefetchingStopsWhenDroppedEarly() throws {
        for _ in 0..<20 {
            let source = PrefetchingSource(
                MemoryByteSource([UInt8](repeating: 65, count: 1 << 20), step: 4096), hasher: SHA256(), chunkSize: 4096,
                depth: 2)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 10, alignment: 1)
            defer { buffer.deallocate() }
            #expect(try source.read(into: buffer) == 10)
        }
    }

    /// Dangling rows spread over several lookup batches, both ends missing in one row: counted exactly, and the
    /// examples are the first three in file order.
    @Test func danglingRowsAcrossBatchesAreCountedInFileOrder() throws {
        let rows = 3 * DanglingCheck.batchSize + 5
        let size = DanglingCheck.batchSize
        let bad: Set<Int> = [0, size - 1, size, 2 * size + 3, rows - 1]
        var lines = ["occupationUri,relationType,skillType,skillUri"]
        for i in 0..<rows {
            let occupation = i == DanglingCheck.batchSize ? "http://x/occ/none" : "http://x/occ/1"
            let skill = bad.contains(i) ? "http://x/skill/missing-\(i)" : "http://x/skill/\(1 + i % 2)"
            lines.append("\(occupation),essential,knowledge,\(skill)")
        }
        let file = Array(lines.map { $0 + "\r\n" }.joined().utf8)
        try DatasetFixture.withMinimal(replacing: ["occupationSkillRelations.csv": file]) { dir in
            let stats = try ESCODataset.open(dir).stats(fingerprint: false)
            #expect(stats.occupationSkillRelations.total == rows)
            #expect(stats.dangling[0].rows == bad.count)
            let last = DanglingCheck.batchSize + 1
            #expect(
                stats.dangling[0].examples == [
                    "line 2: skillUri http://x/skill/missing-0",
                    "line \(last): skillUri http://x/skill/missing-\(last - 2)",
                    "line \(last + 1): occupationUri http://x/occ/none, skillUri http://x/skill/missing-\(last - 1)",
                ])
        }
    }
}

/// A seeded generator, so the shuffled order is the same in every run.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
