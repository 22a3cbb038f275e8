import ESCOSupervisor
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real datagrams on a real AF_UNIX socket. Serialized: NOTIFY_SOCKET is process-wide.
@Suite(.serialized) struct SystemdNotifierTests {
    @Test func sendsExactDatagramsInOrder() async throws {
        let received = try await withNotifySocket { socket in
            let notifier = SystemdNotifier()
            notifier.notify(status: "ingesting 5/12 skills 1200/13896", ready: false, extendTimeoutUsec: 30_000_000)
            notifier.notify(status: "ready: data verified", ready: true, extendTimeoutUsec: nil)
            return socket.drain()
        }
        #expect(
            received == [
                "STATUS=ingesting 5/12 skills 1200/13896\nEXTEND_TIMEOUT_USEC=30000000",
                "STATUS=ready: data verified\nREADY=1",
            ])
    }

    @Test func silentWithoutNotifySocket() async throws {
        let received = try await withNotifySocket { socket in
            unsetenv("NOTIFY_SOCKET")
            SystemdNotifier().notify(status: "x", ready: true, extendTimeoutUsec: nil)
            return socket.drain()
        }
        #expect(received.isEmpty)
    }

    @Test func statusIsKeptOnOneLine() {
        #expect(
            SystemdNotifier.message(status: "a\nREADY=1", ready: false, extendTimeoutUsec: nil) == "STATUS=a READY=1")
    }
}
