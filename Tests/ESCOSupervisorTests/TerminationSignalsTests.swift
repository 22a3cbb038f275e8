import ESCOSupervisor
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real signal plumbing (handler → self-pipe → thread), on SIGUSR2 so the test process's own
/// SIGTERM/SIGINT behaviour is untouched.
@Suite(.serialized) struct TerminationSignalsTests {
    @Test func aRealSignalReachesTheCallbackWithoutKillingUs() async {
        let received = Mutex<[Int32]>([])
        TerminationSignals.install([SIGUSR2]) { signal in received.withLock { $0.append(signal) } }
        kill(getpid(), SIGUSR2)
        #expect(await waitUntil { received.withLock { $0 } == [SIGUSR2] })
    }
}
