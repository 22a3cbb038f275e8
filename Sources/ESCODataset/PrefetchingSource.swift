import ESCOSystem
import Foundation

/// Reads a source ahead on a thread of its own: inflating a file overlaps with parsing it. The reader sees the
/// same bytes, then the same error, in the same order as from the inner source. Each chunk is hashed on the
/// reader's thread as it is taken: inflating is the longer of the two threads' work (~90 ms of the full export
/// against ~55 ms of parsing and counting), so the hash (~25 ms) belongs with the parsing. The hash covers every
/// byte the inner source produced, so it is final once `read` has answered 0.
final class PrefetchingSource: ByteSource {
    private let pipe: Pipe
    private let hasher: SHA256?
    private var slot = -1  // the chunk being handed out, or -1
    private var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
    private var offset = 0

    /// `depth` chunks of `chunkSize` bytes in flight at most. Each chunk handed over can cost a wake-up of the
    /// waiting thread: 256 KiB chunks make ~160 context switches over the full export where 64 KiB made ~750.
    init(_ inner: any ByteSource, hasher: SHA256?, chunkSize: Int = 256 * 1024, depth: Int = 4) {
        pipe = Pipe(inner: inner, chunkSize: chunkSize, depth: depth)
        self.hasher = hasher
        let pipe = pipe
        let thread = Thread { pipe.produce() }
        thread.name = "esco-prefetch"
        thread.start()
    }

    deinit { pipe.cancelAndWait() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if slot < 0 {
            guard let next = try pipe.take() else { return 0 }
            (slot, chunk) = next
            offset = 0
            hasher?.update(chunk)
        }
        let n = min(buffer.count, chunk.count - offset)
        buffer.baseAddress!.copyMemory(from: chunk.baseAddress! + offset, byteCount: n)
        offset += n
        if offset == chunk.count {
            pipe.release()
            slot = -1
        }
        return n
    }
}

/// A ring of chunks between one producer thread and one consumer, under one condition variable. The inner
/// source is only touched by the producer once it runs.
private final class Pipe: @unchecked Sendable {
    private let inner: any ByteSource
    private let condition = NSCondition()
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var counts: [Int]
    private var head = 0  // next chunk for the consumer
    private var full = 0  // chunks filled and not yet released
    private var ended = false
    private var failure: (any Error)?
    private var cancelled = false
    private var exited = false

    init(inner: any ByteSource, chunkSize: Int, depth: Int) {
        self.inner = inner
        buffers = (0..<depth).map { _ in .allocate(byteCount: chunkSize, alignment: 16) }
        counts = Array(repeating: 0, count: depth)
    }

    deinit { for b in buffers { b.deallocate() } }

    func produce() {
        var tail = 0
        defer {
            condition.lock()
            exited = true
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while full == buffers.count && !cancelled { condition.wait() }
            let stop = cancelled
            condition.unlock()
            if stop { return }
            let n: Int
            do {
                n = try inner.read(into: buffers[tail])
            } catch {
                finish(failure: error)
                return
            }
            if n == 0 {
                finish(failure: nil)
                return
            }
            condition.lock()
            counts[tail] = n
            full += 1
            condition.broadcast()
            condition.unlock()
            tail = (tail + 1) % buffers.count
        }
    }

    private func finish(failure: (any Error)?) {
        condition.lock()
        ended = true
        self.failure = failure
        condition.broadcast()
        condition.unlock()
    }

    /// The next filled chunk (the producer does not touch it until `release`); nil at the end; the inner
    /// source's error once the bytes before it are taken.
    func take() throws -> (Int, UnsafeRawBufferPointer)? {
        condition.lock()
        defer { condition.unlock() }
        while full == 0 && !ended { condition.wait() }
        if full > 0 { return (head, UnsafeRawBufferPointer(rebasing: buffers[head][0..<counts[head]])) }
        if let failure { throw failure }
        return nil
    }

    /// Gives the taken chunk back to the producer.
    func release() {
        condition.lock()
        head = (head + 1) % buffers.count
        full -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer (after its current read) and waits until it has let go of the inner source.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
    }
}
