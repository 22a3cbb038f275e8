import ESCOCore
import Foundation
import TestSupport
import Testing

@testable import ESCOSupervisor

#if canImport(Glibc)
    import Glibc
#endif

/// Real processes: exit codes, signals, process groups, environment and signal state of the child.
@Suite(.serialized) struct ChildProcessTests {
    let directory: String

    init() throws { directory = try makeSupervisorTempDirectory() }

    func spawn(_ body: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"]) throws -> ChildProcess {
        let script = try writeSupervisorScript(body, named: "child-\(UUID().uuidString).sh", in: directory)
        // Through /bin/sh rather than exec'ing the script: a file just written can be "busy" (ETXTBSY) while a
        // process another test forks at that moment still holds the writer's descriptor (--parallel).
        return try ChildProcess.spawn(arguments: ["/bin/sh", script], environment: environment)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: directory + "/" + name) }

    @Test func reportsTheExitCode() async throws {
        #expect(await (try spawn("exit 3")).wait() == .exited(3))
    }

    @Test func reportsZero() async throws {
        #expect(await (try spawn("true")).wait() == .exited(0))
    }

    @Test func reportsTheKillingSignal() async throws {
        #expect(await (try spawn("kill -9 $$")).wait() == .signaled(SIGKILL))
    }

    @Test func missingProgramIsASpawnError() {
        #expect(throws: ChildProcessError.self) {
            try ChildProcess.spawn(arguments: [directory + "/missing"], environment: [:])
        }
    }

    @Test func runsInItsOwnProcessGroup() async throws {
        let child = try spawn("sleep 5")
        defer { child.signalGroup(SIGKILL) }
        #expect(getpgid(child.pid) == child.pid)
    }

    @Test func terminateDeliversSIGTERMToTheTrap() async throws {
        let child = try spawn("trap 'echo > \(directory)/got-term; exit 143' TERM\nsleep 10 & wait")
        try await Task.sleep(for: .milliseconds(100))
        _ = await child.terminate(grace: .seconds(5))
        #expect(exists("got-term"))
    }

    @Test func childIgnoringSIGTERMIsKilledAfterTheGrace() async throws {
        let child = try spawn("trap '' TERM\necho > \(directory)/armed\nwhile :; do sleep 0.05; done")
        #expect(await waitUntil { exists("armed") })
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await child.terminate(grace: .milliseconds(300))
        let elapsed = clock.now - start
        #expect(outcome == .signaled(SIGKILL) && elapsed >= .milliseconds(300) && elapsed < .seconds(3))
    }

    @Test func grandchildIsTerminatedWithTheGroup() async throws {
        let child = try spawn("sleep 30 &\necho $! > \(directory)/grandchild\nwait")
        #expect(await waitUntil { exists("grandchild") })
        let text = try String(contentsOfFile: directory + "/grandchild", encoding: .utf8)
        let grandchild = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        _ = await child.terminate(grace: .seconds(2))
        // The grandchild is re-parented (to init or a subreaper) and must be gone or a zombie there.
        #expect(await waitUntil { kill(grandchild, 0) != 0 || Self.isZombie(grandchild) })
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    @Test func systemdVariablesAreScrubbed() async throws {
        let child = try spawn(
            "env > \(directory)/env",
            environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1", "WATCHDOG_PID": "1", "KEEP": "yes"]
        )
        _ = await child.wait()
        let env = try String(contentsOfFile: directory + "/env", encoding: .utf8)
        #expect(env.contains("KEEP=yes") && !env.contains("NOTIFY_SOCKET") && !env.contains("WATCHDOG_"))
    }

    @Test func blockedSignalMaskIsNotInherited() async throws {
        var block = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        let child = try spawn(
            "trap 'echo > \(directory)/got-term; exit 143' TERM\necho > \(directory)/armed\nsleep 10 & wait")
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        #expect(await waitUntil { exists("armed") })
        _ = await child.terminate(grace: .seconds(5))
        #expect(exists("got-term"))
    }

    /// Cooperative-pool threads block almost every signal: the child must not inherit that mask.
    @Test func childStartsWithAnEmptySignalMask() async throws {
        let child = try spawn("exec grep -E '^SigBlk' /proc/self/status > \(directory)/mask")
        _ = await child.wait()
        let line = try String(contentsOfFile: directory + "/mask", encoding: .utf8)
        #expect(line.trimmingCharacters(in: .whitespacesAndNewlines) == "SigBlk:\t0000000000000000")
    }

    @Test func ignoredSignalsAreResetToDefault() async throws {
        let previous = signal(SIGHUP, SIG_IGN)
        defer { signal(SIGHUP, previous) }
        // exec: a waiting dash blocks every signal itself, so read the exec'd program's own status.
        let child = try spawn("exec grep -E '^Sig(Ign|Blk)' /proc/self/status > \(directory)/signals")
        _ = await child.wait()
        let lines = try String(contentsOfFile: directory + "/signals", encoding: .utf8).split(separator: "\n")
        // SigIgn/SigBlk are hex masks; bit (n-1) is signal n. SIGHUP = 1 → bit 0.
        let masks = lines.compactMap { UInt64($0.split(separator: "\t").last ?? "", radix: 16) }
        #expect(masks.count == 2 && masks.allSatisfy { $0 & 1 == 0 }, "\(lines)")
    }

    @Test func exitStatusDecoding() {
        // Stopped (0x137f: WIFSTOPPED with SIGSTOP) is not an exit: the reaper keeps waiting.
        #expect(
            [ChildExit(waitStatus: 0x0200), ChildExit(waitStatus: 0x0009), ChildExit(waitStatus: 0x137f)]
                == [.exited(2), .signaled(9), nil])
    }

    @Test func registryKeepsStatusesOfRegisteredChildrenOnly() {
        var registry = ReaperRegistry()
        registry.register(pid: 42)
        #expect(registry.status(of: 42) == nil)
        #expect(!registry.record(.exited(0), for: 7) && registry.record(.exited(3), for: 42))
        #expect(registry.status(of: 42) == .exited(3) && registry.forget(pid: 42) && registry.registeredCount == 0)
    }

    @Test func aStatusTakenByAnotherWaiterIsReportedAsLostNotInvented() async throws {
        let child = try spawn("exit 4")
        var raw: Int32 = 0
        // Someone else in the process reaps our child first: waitpid then says ECHILD.
        #expect(waitpid(child.pid, &raw, 0) == child.pid)
        #expect(await child.wait() == .statusLost)
    }

    @Test func teardownStepsRunInOrderUntilTheChildExits() async throws {
        let child = try spawn(
            "trap '' TERM\ntrap 'exit 7' USR1\necho > \(directory)/armed\nwhile :; do sleep 0.05; done")
        #expect(await waitUntil { exists("armed") })
        let outcome = await child.teardown([
            .send(signal: SIGTERM, allowedDuration: .milliseconds(200)),
            .send(signal: SIGUSR1, allowedDuration: .seconds(5)),
        ])
        #expect(outcome == .exited(7))
    }

    @Test func waitingWithALimitGivesUpWhenTheChildOutlivesIt() async throws {
        let child = try spawn("sleep 5")
        defer { child.signalGroup(SIGKILL) }
        #expect(await child.exit(within: .milliseconds(50)) == nil)
    }
}
