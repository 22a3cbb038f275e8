import Foundation
import Testing

@testable import ESCOClients

@Suite struct CurlThreadPoolTests {
    /// Sets its flag when freed.
    final class Payload: Sendable {
        let freed: CancelFlag
        init(_ freed: CancelFlag) { self.freed = freed }
        deinit { freed.set() }
    }

    /// A job holds its request, and a batch request's body is megabytes: the pool must let go of a job once it
    /// has run, not keep it until its queue is next compacted (that held up to 64 bodies, ~70 MB).
    @Test func aJobThatHasRunIsNotKeptAlive() async throws {
        let pool = CurlThreadPool(maxThreads: 1)
        let freed = CancelFlag()
        let ran = CancelFlag()
        do {
            let payload = Payload(freed)
            pool.submit { _ in
                _ = payload
                ran.set()
            }
        }
        var waited = 0
        while !(ran.isSet && freed.isSet) && waited < 5_000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 10
        }
        #expect(ran.isSet)
        #expect(freed.isSet, "the pool still holds a job that has run")
    }
}
