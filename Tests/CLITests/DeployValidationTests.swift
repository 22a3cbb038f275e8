import Foundation
import Testing

/// Runs scripts/validate-deploy, so the default `swift test` proves the compose file and the systemd units
/// valid, and proves the script rejects broken ones (a validator that accepts everything must fail here).
///
/// Serialized: the first run may install docker-compose/systemd with apt-get, which takes a lock.
@Suite(.serialized) struct DeployValidationTests {
    @Test func repositoryDeploymentFilesPassEveryCheck() throws {
        let result = try ValidateDeploy.run()
        #expect(result.status == 0, "validate-deploy failed:\n\(result.stderr)")
        #expect(result.stdout.contains("ok: docker-compose.yml: docker-compose"))
        #expect(result.stdout.contains("ok: esco-init.service esco-search.service: systemd-analyze verify"))
        #expect(result.stdout.contains("ok: Dockerfile:"))
        #expect(result.stdout.contains("ok: kubernetes/ manifests"))
        #expect(result.stdout.contains("all deployment checks passed"))
        // The script's own self-tests (broken copies must be rejected) ran and passed: no FAIL line.
        #expect(!result.stderr.contains("FAIL"), "\(result.stderr)")
    }

    @Test func composeFileThatStartsSearchBeforeInitSucceededIsRejected() throws {
        let broken = try ValidateDeploy.repositoryFile("docker-compose.yml")
            .replacingOccurrences(of: "condition: service_completed_successfully", with: "condition: service_started")
        let file = try ValidateDeploy.temporaryFile(named: "docker-compose.yml", contents: broken)
        let result = try ValidateDeploy.run(["ESCO_COMPOSE_FILE": file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("services.esco-search.depends_on.esco-init"), "\(result.stderr)")
        #expect(result.stderr.contains("service_completed_successfully"))
    }

    @Test func composeFileWithUnknownKeyIsRejectedByDockerCompose() throws {
        let broken = try ValidateDeploy.repositoryFile("docker-compose.yml")
            .replacingOccurrences(of: "    stop_grace_period: 20s\n", with: "    stop_grace_periode: 20s\n")
        let file = try ValidateDeploy.temporaryFile(named: "docker-compose.yml", contents: broken)
        let result = try ValidateDeploy.run(["ESCO_COMPOSE_FILE": file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("stop_grace_periode"), "\(result.stderr)")
    }

    @Test func dockerfileBuildImageOlderThanToolsVersionIsRejected() throws {
        // Package.swift's first line: `// swift-tools-version:X.Y`; a build image one minor release older.
        let tools = try #require(
            try ValidateDeploy.repositoryFile("Package.swift").split(separator: "\n").first?
                .split(separator: ":").last.map { String($0).trimmingCharacters(in: .whitespaces) })
        let parts = tools.split(separator: ".").compactMap { Int($0) }
        try #require(parts.count >= 2 && parts[1] > 0, "swift-tools-version \(tools) has no minor release to go below")
        let older = "\(parts[0]).\(parts[1] - 1)"
        let dockerfile = try ValidateDeploy.repositoryFile("Dockerfile")
        let broken = dockerfile.replacingOccurrences(
            of: #"FROM swift:[0-9.]+-"#, with: "FROM swift:\(older)-", options: .regularExpression)
        #expect(broken != dockerfile, "the Dockerfile has no `FROM swift:X.Y-...` line to mutate")
        let file = try ValidateDeploy.temporaryFile(named: "Dockerfile", contents: broken)
        let result = try ValidateDeploy.run(["ESCO_DOCKERFILE": file.path])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("is older than Package.swift's swift-tools-version \(tools)"), "\(result.stderr)")
    }

    @Test func kubernetesManifestWithABrokenFieldIsRejected() throws {
        let dir = try ValidateDeploy.temporaryFile(named: "kustomization.yaml", contents: "")
            .deletingLastPathComponent()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("kustomization.yaml"))
        for name in try FileManager.default.contentsOfDirectory(atPath: ValidateDeploy.root.path + "/kubernetes") {
            var text = try ValidateDeploy.repositoryFile("kubernetes/" + name)
            // A typo an operator might make in the search service's readiness probe.
            if name == "esco-search.yaml" {
                text = text.replacingOccurrences(of: "readinessProbe:", with: "readynessProbe:")
            }
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let result = try ValidateDeploy.run(["ESCO_KUBERNETES_DIR": dir.path], script: "scripts/validate-kubernetes")
        #expect(result.status == 1)
        #expect((result.stdout + result.stderr).contains("'readynessProbe' was unexpected"), "\(result.stderr)")
        #expect(result.stderr.contains("FAIL: esco-search.yaml"))
    }

    @Test func unitWithUnknownDirectiveIsRejectedWithFileAndLine() throws {
        let unit = try ValidateDeploy.repositoryFile("systemd/esco-init.service")
            .replacingOccurrences(of: "RemainAfterExit=yes\n", with: "RemainAfterExit=yes\nRemainAfterExitt=yes\n")
        let dir = try ValidateDeploy.temporaryFile(named: "esco-init.service", contents: unit)
            .deletingLastPathComponent()
        try ValidateDeploy.repositoryFile("systemd/esco-search.service")
            .write(to: dir.appendingPathComponent("esco-search.service"), atomically: true, encoding: .utf8)
        let result = try ValidateDeploy.run(["ESCO_SYSTEMD_DIR": dir.path])
        #expect(result.status == 1)
        // The message names the operator's file (not the stubbed temp copy) and the line.
        #expect(result.stderr.contains("\(dir.path)/esco-init.service:"), "\(result.stderr)")
        #expect(result.stderr.contains("RemainAfterExitt"))
    }
}

/// Locating and running scripts/validate-deploy.
private enum ValidateDeploy {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root: this file is Tests/CLITests/DeployValidationTests.swift.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func repositoryFile(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func temporaryFile(named name: String, contents: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("esco-deploy-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs the script with extra environment. A broken input skips the script's self-tests: they prove
    /// the validators, which the run without overrides already does.
    static func run(_ environment: [String: String] = [:], script: String = "scripts/validate-deploy") throws -> Result
    {
        let process = Process()
        process.executableURL = root.appendingPathComponent(script)
        var env = ProcessInfo.processInfo.environment
        if !environment.isEmpty { env["ESCO_VALIDATE_SELFTEST"] = "0" }
        env.merge(environment) { _, new in new }
        process.environment = env
        // Files, not pipes: nothing to drain concurrently, no deadlock on a chatty apt-get.
        let out = try temporaryFile(named: "stdout", contents: "")
        let err = try temporaryFile(named: "stderr", contents: "")
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8)
        )
    }
}
