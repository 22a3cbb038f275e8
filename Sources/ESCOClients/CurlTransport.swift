import CCurl
import Foundation
import Synchronization

/// HTTP over libcurl's easy interface. `curl_easy_perform` blocks, so it runs on this transport's own threads
/// (never Swift's cooperative pool); each thread keeps one easy handle so connections are reused (keep-alive).
/// TLS verification is always on.
public final class CurlTransport: HTTPTransport {
    private let executor: CurlThreadPool

    /// - Parameter maxConcurrentRequests: threads (hence requests in flight) at most; more requests queue.
    public init(maxConcurrentRequests: Int = 8) {
        CurlGlobal.ensureInitialized()
        executor = CurlThreadPool(maxThreads: max(1, maxConcurrentRequests))
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let flag = CancelFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPResponse, any Error>) in
                executor.submit { easy in
                    if flag.isSet {
                        cont.resume(throwing: CancellationError())
                    } else {
                        cont.resume(with: easy.perform(request, cancel: flag))
                    }
                }
            }
        } onCancel: {
            flag.set()
        }
    }
}

enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()
    static func ensureInitialized() { _ = initialized }
}

final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

/// Threads that each own a curl easy handle, started on demand and retired after idling.
final class CurlThreadPool: @unchecked Sendable {
    typealias Job = @Sendable (CurlEasy) -> Void
    private let condition = NSCondition()
    /// Queued jobs from `head` on. A taken job's slot is cleared at once: a job holds its request, and a batch
    /// request's body is megabytes; slots waiting for the next compaction kept up to 64 of them alive.
    private var jobs: [Job?] = []
    private var head = 0
    private var idle = 0
    private var threads = 0
    private let maxThreads: Int
    private let idleTimeout: TimeInterval = 30

    init(maxThreads: Int) { self.maxThreads = maxThreads }

    func submit(_ job: @escaping Job) {
        condition.lock()
        jobs.append(job)
        let pending = jobs.count - head
        if pending > idle && threads < maxThreads {
            threads += 1
            let thread = Thread { [self] in run() }
            thread.name = "esco-curl"
            thread.start()
        } else {
            condition.signal()
        }
        condition.unlock()
    }

    private func run() {
        let easy = CurlEasy()
        while true {
            condition.lock()
            while head == jobs.count {
                idle += 1
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleTimeout))
                idle -= 1
                if !signalled && head == jobs.count {
                    threads -= 1
                    condition.unlock()
                    return
                }
            }
            let job = jobs[head]!
            jobs[head] = nil
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job(easy)
        }
    }
}
