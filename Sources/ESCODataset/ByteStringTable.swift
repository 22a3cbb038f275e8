/// Byte strings to small integer ids, with lookups that allocate nothing: the keys live back to back in one
/// arena, the table holds ids and where each key's bytes are. `esco dataset stats` checks 300k relation ends
/// against 17k concept URIs and counts rows by a handful of type values; making a `String` per field was most of
/// its time.
struct ByteStringTable {
    private var arena: [UInt8] = []
    private var ends: [Int] = []  // key i is arena[ends[i-1] ..< ends[i]]
    private var slots: [Slot]
    private var mask: Int

    /// A slot holds the key's hash (high half), its id + 1 (0 = empty) and where its bytes are in the arena, so a
    /// probe reads one slot and then the bytes: a lookup that went slot -> ends -> arena waited for three cache
    /// misses, and those were most of the dangling-reference check.
    private struct Slot {
        var tag: UInt32 = 0
        var idPlusOne: UInt32 = 0
        var start: UInt32 = 0
        var end: UInt32 = 0
    }

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    var count: Int { ends.count }

    /// The key of `id`, as text.
    func key(_ id: Int) -> String {
        String(decoding: arena[(id == 0 ? 0 : ends[id - 1])..<ends[id]], as: UTF8.self)
    }

    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? { find(key, hash: Self.hash(key)) }

    private static func tag(_ hash: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: UInt64(bitPattern: Int64(hash)) >> 32)
    }

    /// Bytes are compared only when the hashes' high halves agree.
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: Int) -> Int? {
        let tag = Self.tag(hash)
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                var slot = hash & mask
                while true {
                    let entry = slots[slot]
                    if entry.idPlusOne == 0 { return nil }
                    if entry.tag == tag && Int(entry.end &- entry.start) == key.count
                        && (key.count == 0
                            || memcmpBytes(arena.baseAddress! + Int(entry.start), key.baseAddress!, key.count))
                    {
                        return Int(entry.idPlusOne) - 1
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Whether each of several keys (`keys[ends[i-1] ..< ends[i]]`) is in the table, into `found[i]`. One lookup at
    /// a time waits for a slot's cache miss and then for the key bytes' one; here every key's first slot is read,
    /// then every candidate's first bytes, in loops whose loads do not depend on each other, so the misses
    /// overlap. A key that is not in its first slot is then looked up the ordinary way.
    func containsAll(
        _ keys: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, into found: UnsafeMutableBufferPointer<Bool>
    ) {
        let n = ends.count
        precondition(found.count >= n)
        func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: keys[(i == 0 ? 0 : ends[i - 1])..<ends[i]])
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { hashes in
            withUnsafeTemporaryAllocation(of: Slot.self, capacity: n) { first in
                slots.withUnsafeBufferPointer { slots in
                    for i in 0..<n {
                        hashes[i] = Self.hash(key(i))
                        first[i] = slots[hashes[i] & mask]
                    }
                }
                arena.withUnsafeBufferPointer { arena in
                    // found[i] first answers "the first slot may hold the key": tag and length agree and so do the
                    // first and last 8 bytes (the loads that bring the key's bytes into the cache).
                    for i in 0..<n {
                        let k = key(i)
                        let e = first[i]
                        var candidate =
                            e.idPlusOne != 0 && e.tag == Self.tag(hashes[i]) && Int(e.end &- e.start) == k.count
                        if candidate && k.count >= 8 {
                            let a = UnsafeRawPointer(arena.baseAddress! + Int(e.start))
                            let b = UnsafeRawPointer(k.baseAddress!)
                            let last = k.count - 8
                            candidate =
                                a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                                && a.loadUnaligned(fromByteOffset: last, as: UInt64.self)
                                    == b.loadUnaligned(fromByteOffset: last, as: UInt64.self)
                        }
                        found[i] = candidate
                    }
                    for i in 0..<n {
                        let k = key(i)
                        if found[i] {
                            let start = Int(first[i].start)
                            if k.count == 0 || memcmpBytes(arena.baseAddress! + start, k.baseAddress!, k.count) {
                                continue
                            }
                        }
                        found[i] = first[i].idPlusOne != 0 && find(k, hash: hashes[i]) != nil
                    }
                }
            }
        }
    }

    /// The id of `key`, added if new.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = Self.hash(key)
        if let id = find(key, hash: hash) { return id }
        precondition(arena.count + key.count < Int(UInt32.max), "ByteStringTable: keys exceed 4 GiB")
        if (ends.count + 1) * 2 > slots.count { grow() }
        arena.append(contentsOf: key)
        ends.append(arena.count)
        let id = ends.count - 1
        place(id, hash: hash)
        return id
    }

    private mutating func place(_ id: Int, hash: Int) {
        var slot = hash & mask
        while slots[slot].idPlusOne != 0 { slot = (slot + 1) & mask }
        slots[slot] = Slot(
            tag: Self.tag(hash), idPlusOne: UInt32(id + 1), start: UInt32(id == 0 ? 0 : ends[id - 1]),
            end: UInt32(ends[id]))
    }

    private mutating func grow() {
        slots = [Slot](repeating: Slot(), count: slots.count * 2)
        mask = slots.count - 1
        for id in 0..<ends.count {
            let start = id == 0 ? 0 : ends[id - 1]
            let h = arena.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<ends[id]])) }
            place(id, hash: h)
        }
    }

    /// Eight bytes at a time, multiply and fold (keys are URIs sharing long prefixes: every byte counts).
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return Int(truncatingIfNeeded: h) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= key.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < key.count {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }
}

/// Byte-wise equality of two ranges (what memcmp does, without importing libc here).
@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    while i + 8 <= count {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
