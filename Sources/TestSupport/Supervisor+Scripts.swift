import Foundation

/// Writes an executable `/bin/sh` script into `directory` and returns its path: real child processes
/// for supervisor tests (sleepers, exit codes, `trap '' TERM`).
public func writeSupervisorScript(_ body: String, named name: String, in directory: String) throws -> String {
    let path = directory + "/" + name
    try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
public func waitUntil(
    timeout: Duration = .seconds(5), _ condition: @Sendable () -> Bool
) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
