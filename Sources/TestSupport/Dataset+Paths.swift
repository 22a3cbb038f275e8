import Foundation

/// Where the shared ESCO data and the built `esco` binary are, for dataset and CLI tests.
public enum DatasetPaths {
    /// `$ESCO_SHARED_DATA`, else the first `shared/data` found walking up from this source file
    /// (locally /work/shared/data; in CI the `shared` folder next to the clone).
    public static let sharedData: String = {
        if let env = ProcessInfo.processInfo.environment["ESCO_SHARED_DATA"], !env.isEmpty { return env }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/data").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "/work/shared/data"
    }()

    /// The small uncompressed sample (same layout as the full set).
    public static var sample: String { sharedData + "/esco-sample" }
    /// The full v1.1.1 set as `*.csv.gz`.
    public static var full: String { sharedData + "/esco" }
    /// The two official v1.1.1 zips.
    public static var originalZips: String { full + "/original-zips" }

    /// The `esco` executable built next to the test bundle (`.build/debug/esco`).
    public static var escoBinary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [beside.appendingPathComponent("esco").path]
        if let bundle = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(bundle.appendingPathComponent("esco").path)
        }
        // Package root from this file: Sources/TestSupport/<file>.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/esco").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }
}
