import ESCOSystem
import Foundation
import Testing

@testable import ESCOClients

@Suite("Vector cache")
struct VectorCacheTests {
    func tempDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vcache-\(UUID().uuidString)").path
    }

    func segments(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("seg-") }.sorted()
            .map { dir + "/" + $0 }
    }

    @Test func putGetAcrossModelsAndReopen() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = try VectorCache(directory: dir)
        try cache.put([(text: "nurse", vector: [1, 2, 3]), (text: "", vector: [])], model: "m1")
        #expect(cache.get("nurse", model: "m1") == [1, 2, 3])
        #expect(cache.get("nurse", model: "m2") == nil)
        #expect(cache.get("", model: "m1") == [])
        #expect(cache.get(["nurse", "doctor"], model: "m1") == [[1, 2, 3], nil])
        let reopened = try VectorCache(directory: dir)
        #expect(reopened.get("nurse", model: "m1") == [1, 2, 3])
        #expect(reopened.count == 2)
    }

    @Test func concurrentWritersNeverInterleave() async throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try VectorCache(directory: dir)
        let b = try VectorCache(directory: dir)
        await withTaskGroup(of: Void.self) { group in
            for (w, cache) in [a, b].enumerated() {
                group.addTask {
                    for i in 0..<200 {
                        try? cache.put([(text: "w\(w)-\(i)", vector: [Float(i), Float(w)])], model: "m")
                    }
                }
            }
        }
        #expect(try segments(dir).count == 2)
        #expect(a.get("w1-5", model: "m") == nil)  // not seen until refresh
        try a.refresh()
        #expect(a.get("w1-5", model: "m") == [5, 1])
        let c = try VectorCache(directory: dir)
        #expect(c.count == 400)
        #expect(c.skippedRecords == 0)
        #expect((0..<200).allSatisfy { c.get("w0-\($0)", model: "m") == [Float($0), 0] })
    }

    /// A segment is read a window at a time (a whole cache read at once was a second run's peak memory): records
    /// that straddle a window are indexed, and a corrupt one there costs only itself.
    @Test func segmentsLargerThanAScanWindowAreIndexedWholeAndDamageStaysLocal() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = try VectorCache(directory: dir)
        let dims = 384
        let recordSize = VectorCache.headerSize + VectorCache.keySize + dims * 4
        let count = VectorCache.scanWindow / recordSize + 700
        let vector = { (i: Int) in (0..<dims).map { Float(i) + Float($0) / 1000 } }
        try cache.put((0..<count).map { (text: "t\($0)", vector: vector($0)) }, model: "m")
        let file = try #require(try segments(dir).first)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int == count * recordSize)
        let reopened = try VectorCache(directory: dir)
        #expect(reopened.count == count && reopened.skippedRecords == 0)
        let straddling = VectorCache.scanWindow / recordSize
        #expect(
            straddling * recordSize < VectorCache.scanWindow && (straddling + 1) * recordSize > VectorCache.scanWindow)
        for i in [0, straddling - 1, straddling, straddling + 1, count - 1] {
            #expect(reopened.get("t\(i)", model: "m") == vector(i))
        }
        // One byte of the straddling record's vector flipped.
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        try handle.seek(toOffset: UInt64(straddling * recordSize + recordSize - 8))
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(straddling * recordSize + recordSize - 8))
        try handle.write(contentsOf: [byte ^ 0xFF])
        try handle.close()
        let damaged = try VectorCache(directory: dir)
        #expect(damaged.count == count - 1 && damaged.skippedRecords == 1)
        #expect(damaged.get("t\(straddling)", model: "m") == nil)
        #expect(damaged.get("t\(straddling + 1)", model: "m") == vector(straddling + 1))
        #expect(damaged.get("t\(count - 1)", model: "m") == vector(count - 1))
    }

    @Test func tornTailAndCorruptMiddleAreSkipped() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = try VectorCache(directory: dir)
        for i in 0..<5 { try cache.put([(text: "t\(i)", vector: [Float(i), 0.5, 0.25])], model: "m") }
        let path = try #require(try segments(dir).first)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let record = bytes.count / 5
        bytes[2 * record + 12 + 32 + 1] ^= 0xFF  // a float of record 2
        bytes += Array(bytes[0..<(record - 5)])  // a torn copy of a record at the end
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let reopened = try VectorCache(directory: dir)
        #expect(reopened.count == 4)
        #expect(reopened.get("t2", model: "m") == nil)
        #expect(reopened.get("t4", model: "m") == [4, 0.5, 0.25])
        #expect(reopened.skippedRecords == 1)
        // A garbled length in the middle does not hide the records after it.
        var again = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        again[record + 4] = 0xFF; again[record + 5] = 0xFF
        try Data(again).write(to: URL(fileURLWithPath: path))
        let third = try VectorCache(directory: dir)
        #expect(third.get("t1", model: "m") == nil)
        #expect(third.get("t3", model: "m") == [3, 0.5, 0.25])
        // New writes still work next to a damaged segment.
        try third.put([(text: "t9", vector: [9])], model: "m")
        #expect(try VectorCache(directory: dir).get("t9", model: "m") == [9])
    }

    @Test func secondProcessWrites() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = try VectorCache(directory: dir)
        // Another process appends a well-formed segment by the documented format.
        let key = VectorCache.keyBytes(model: "m", text: "from python")
        var payload = key
        for f: Float in [0.5, 1.5] { withUnsafeBytes(of: f.bitPattern.littleEndian) { payload += $0 } }
        var record = Array("EVC1".utf8)
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { record += $0 }
        withUnsafeBytes(of: CRC32.checksum(payload).littleEndian) { record += $0 }
        record += payload
        let script = "import sys; open(sys.argv[1], 'ab').write(bytes.fromhex(sys.argv[2]))"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c", script, dir + "/seg-99999-abc.log", record.map { String(format: "%02x", $0) }.joined(),
        ]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        try cache.refresh()
        #expect(cache.get("from python", model: "m") == [0.5, 1.5])
    }
}
