import Foundation
import TestSupport
import Testing

extension SuperviseE2E {
    /// The deployment entry points as shipped (issue 7): the systemd unit's command line, PID 1, scripts/demo.
    @Suite struct Deploy {
        /// `[Service]` settings of a unit file, in order (a key may repeat).
        static func serviceSettings(_ unit: String) -> [(key: String, value: String)] {
            var inService = false
            var out: [(key: String, value: String)] = []
            for raw in unit.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") { inService = line == "[Service]" }
                guard inService, !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
                out.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
            }
            return out
        }

        /// systemd's EnvironmentFile= format: KEY=value lines, `#` comments, no shell expansion.
        static func environmentFile(_ text: String) -> [String: String] {
            var env: [String: String] = [:]
            for raw in text.split(separator: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
                env[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            return env
        }

        @Test func escoInitUnitCommandLineAsWrittenIngestsAndSendsReady() async throws {
            let root = Harness.packageRoot
            let unit = try String(contentsOf: root.appendingPathComponent("systemd/esco-init.service"), encoding: .utf8)
            let settings = Self.serviceSettings(unit)
            func value(_ key: String) throws -> String {
                try #require(settings.first { $0.key == key }?.value, "\(key)= missing from esco-init.service")
            }
            let execStart = try value("ExecStart")
            #expect(!execStart.contains("\"") && !execStart.contains("'"), "quoting would need systemd's parser")
            var argv = execStart.split(separator: " ").map(String.init)
            #expect(try value("Type") == "notify")

            try await E2EStack.with { stack in
                // Substitutions, and only these: (1) the install prefix /usr/local/bin → the build directory;
                // (2) every absolute path outside the build → the same path under a temp root (the test cannot
                // write /etc, /run or /var/lib, and must not touch a real installation). The config file at the
                // path the unit names is the repository's config/weaviate_config.yaml, as systemd/README.md
                // installs it; the profile, log format and every other argument stay as written.
                let fakeRoot = stack.dir.appendingPathComponent("root").path
                func rooted(_ path: String) -> String { path.hasPrefix("/") ? fakeRoot + path : path }
                let binary = URL(fileURLWithPath: try #require(argv.first))
                #expect(binary.deletingLastPathComponent().path == "/usr/local/bin")
                argv[0] = Harness.binary(binary.lastPathComponent)
                let configIndex = try #require(argv.firstIndex(of: "--config")) + 1
                let configPath = rooted(argv[configIndex])
                try FileManager.default.createDirectory(
                    atPath: (configPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    atPath: root.appendingPathComponent("config/weaviate_config.yaml").path, toPath: configPath)
                argv[configIndex] = configPath

                // Environment= first, then EnvironmentFile= overrides it (systemd.exec(5)); a service starts
                // from a clean environment, not the caller's.
                var env = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
                for setting in settings where setting.key == "Environment" {
                    for assignment in setting.value.split(separator: " ") {
                        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                        env[parts[0]] = rooted(parts[1])
                    }
                }
                // The operator's esco.env, made from the shipped example with this test's services and data.
                let envFilePath = rooted(String(try value("EnvironmentFile").drop { $0 == "-" }))
                var example = Self.environmentFile(
                    try String(contentsOf: root.appendingPathComponent("systemd/esco.env.example"), encoding: .utf8))
                #expect(Set(example.keys).isSuperset(of: ["WEAVIATE_URL", "T2V_URL", "ESCO_DATA"]))
                example["WEAVIATE_URL"] = stack.weaviate
                example["T2V_URL"] = stack.vectorizer
                example["ESCO_DATA"] = DatasetPaths.sample
                for key in ["ESCO_LOCK_DIR", "ESCO_VECTOR_CACHE_DIR"] { example[key] = example[key].map(rooted) }
                try example.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n")
                    .write(toFile: envFilePath, atomically: true, encoding: .utf8)
                env.merge(Self.environmentFile(try String(contentsOfFile: envFilePath, encoding: .utf8))) { $1 }
                // RuntimeDirectory= and StateDirectory= exist before ExecStart= runs.
                for dir in ["/run/\(try value("RuntimeDirectory"))", "/var/lib/\(try value("StateDirectory"))"] {
                    try FileManager.default.createDirectory(atPath: rooted(dir), withIntermediateDirectories: true)
                }
                // WorkingDirectory=/opt/esco-stack holds resources/ after install step 2: the package root here.
                #expect(try value("WorkingDirectory") == "/opt/esco-stack")
                let notify = try E2ENotifySocket(in: stack.dir.path)
                env["NOTIFY_SOCKET"] = notify.path

                let process = try E2EProcess(
                    argv[0], Array(argv.dropFirst()), environment: env, inherit: false, workingDirectory: root.path)
                let status = await process.wait(timeout: 150)
                #expect(status == 0, "\(process.stderr.suffix(3000))")
                let datagrams = notify.drain()
                #expect(datagrams.last?.contains("READY=1") == true, "\(datagrams.suffix(3))")
                #expect(datagrams.filter { $0.contains("READY=1") }.count == 1)
                // The sandbox lets the service write only these two places; the run must have used them.
                let lockFile = rooted("/run/esco-stack/esco-ingest.lock")
                #expect(FileManager.default.fileExists(atPath: lockFile), "no OS lock file at \(lockFile)")
                let cache = rooted("/var/lib/esco-stack/vector-cache")
                let cached = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
                #expect(!cached.isEmpty, "the vector cache is not in ESCO_VECTOR_CACHE_DIR")
                let counts = try stack.store.servingObjectCounts()
                let stats = try await E2EExpect.stats.value
                for (className, want) in stats.expectedCounts { #expect(counts[className] == want, "\(className)") }
                #expect((counts["Label"] ?? 0) > 0, "the local profile stores label vectors")
            }
        }

        static let unshareWorks: Bool = {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            p.arguments = ["--pid", "--fork", "--kill-child", "--mount-proc", "/bin/true"]
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return false }
            p.waitUntilExit()
            return p.terminationStatus == 0
        }()

        @Test(.enabled(if: unshareWorks, "needs util-linux unshare and CAP_SYS_ADMIN (root) for a PID namespace"))
        func runAsPid1IngestsAndExits0() async throws {
            try await E2EStack.with { stack in
                let config = try stack.config()
                // --mount-proc: a container has its own /proc; without it /proc/<pid> names the host's processes
                // and the Swift runtime in the child reads the wrong /proc/<tid>/stat (it crashed with SIGILL).
                let p = try E2EProcess(
                    "/usr/bin/unshare",
                    [
                        "--pid", "--fork", "--kill-child", "--mount-proc", Harness.binary("esco-supervise"), "run",
                        "--config", config,
                        "--profile", "test",
                    ])
                let status = await p.wait(timeout: 120)
                #expect(status == 0, "\(p.stderr.suffix(3000))")
                // The ingestion child's pid is from inside the namespace, where the supervisor is PID 1.
                let holder = try #require(try stack.store.state())
                #expect((holder.holderPid ?? 999) < 10, "holder \(holder.holder): the supervisor was not PID 1")
                #expect(holder.status == "completed")
                try await E2EExpect.exactData(stack.store)
            }
        }

        @Test func demoScriptOnceAnswersTheExampleQuery() async throws {
            let script = Harness.packageRoot.appendingPathComponent("scripts/demo").path
            try await withTemporaryDirectory { dir in
                let p = try E2EProcess(
                    "/bin/bash", [script, "--once", DatasetPaths.sample],
                    environment: [
                        "ESCO_DEMO_SKIP_BUILD": "1", "ESCO_DEMO_DIR": dir.path, "ESCO_DEMO_LABEL_VECTORS": "false",
                        "ESCO_DEMO_MODEL": "lexical",  // the plumbing; the real model costs minutes in a debug build
                        "ESCO_BUILD_DIR": (Harness.binary("esco") as NSString).deletingLastPathComponent,
                    ])
                let status = await p.wait(timeout: 150)
                #expect(status == 0, "\(p.stdout.suffix(2000)) \(p.stderr.suffix(2000))")
                #expect(p.stdout.contains("example query"))
                let answer = p.stdout.components(separatedBy: "answer:\n").last ?? ""
                #expect(
                    p.stdout.contains("answer:\n") && !answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
    }
}
