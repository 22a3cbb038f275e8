import Foundation
import Synchronization

/// Serves concurrent callers from one inference thread: each round takes every queued request (up to
/// `maxBatch` texts, at least one request) and runs their texts through the model together, so concurrent
/// requests share forward passes and a lone request waits for nobody.
public final class BatchingEmbedder: Sendable {
    private final class Job: @unchecked Sendable {
        let texts: [String]
        let done = DispatchSemaphore(value: 0)
        var vectors: [[Float]] = []  // written by the inference thread before `done` is signalled
        init(_ texts: [String]) { self.texts = texts }
    }

    private struct Queue {
        var jobs: [Job] = []
        var stopped = false
        var rounds = 0
    }

    public let model: SentenceEmbedder
    public let maxBatch: Int
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    public init(model: SentenceEmbedder, maxBatch: Int = 64) {
        self.model = model
        self.maxBatch = max(1, maxBatch)
        let thread = Thread { [self] in run() }
        thread.name = "esco-model-inference"
        thread.start()
    }

    /// Forward passes run so far (fewer than requests when concurrent requests were batched).
    public var rounds: Int { queue.withLock { $0.rounds } }

    /// Vectors for `texts`, blocking the caller until its round is done.
    public func embed(_ texts: [String]) -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let job = Job(texts)
        queue.withLock { $0.jobs.append(job) }
        wake.signal()
        job.done.wait()
        return job.vectors
    }

    /// Ends the inference thread once the queue is drained (for in-process tests; a server runs until exit).
    public func stop() {
        queue.withLock { $0.stopped = true }
        wake.signal()
    }

    private func run() {
        while true {
            wake.wait()
            let (jobs, stopped) = queue.withLock { q -> ([Job], Bool) in
                var taken: [Job] = []
                var count = 0
                while let next = q.jobs.first, taken.isEmpty || count + next.texts.count <= maxBatch {
                    taken.append(q.jobs.removeFirst())
                    count += next.texts.count
                }
                if !taken.isEmpty { q.rounds += 1 }
                return (taken, q.stopped && q.jobs.isEmpty)
            }
            if !jobs.isEmpty {
                let vectors = model.embed(jobs.flatMap(\.texts), maxBatch: maxBatch)
                var k = 0
                for job in jobs {
                    job.vectors = Array(vectors[k..<k + job.texts.count])
                    k += job.texts.count
                    job.done.signal()
                }
            }
            if stopped { return }
        }
    }
}
