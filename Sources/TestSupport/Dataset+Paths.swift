import Foundation
public import Testing

/// Where the ESCO data and the built `esco` binary are, for dataset and CLI tests.
///
/// The sample ships with the repository (resources/esco-sample), so the default suite needs nothing
/// outside the clone. The full export is never committed: tests that need it read `ESCO_DATA` and are
/// skipped without it (`scripts/test` sets it when a `shared/data/esco` folder sits next to the clone).
public enum DatasetPaths {
    /// The package root, from this file's place in it: Sources/TestSupport/<file>.
    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The 300-skill sample committed with the repository (same layout as the full v1.1.1 export).
    public static var sample: String { repositoryRoot + "/resources/esco-sample" }

    /// The full ESCO v1.1.1 English export (`*.csv.gz` files, as the project's shared data folder holds
    /// them) named by `ESCO_DATA`, or nil: the tests that need it are then skipped with `fullDatasetMissing`.
    public static let full: String? = {
        guard let path = ProcessInfo.processInfo.environment["ESCO_DATA"], !path.isEmpty else { return nil }
        return path
    }()

    /// Why a full-dataset test did not run (Swift Testing prints it after "skipped:").
    public static let fullDatasetMissing: Comment = "set ESCO_DATA to a full ESCO export"

    /// The two official v1.1.1 zips, kept in `original-zips/` of the full export when it has them.
    public static var originalZips: String? {
        guard let full else { return nil }
        let zips = full + "/original-zips"
        return FileManager.default.fileExists(atPath: zips) ? zips : nil
    }

    /// This process's environment for a child process, without the product's environment overrides
    /// (config/weaviate_config.yaml): `ESCO_DATA` names the full export for the tests, and must not
    /// redirect the data path of an `esco` a test starts with its own configuration.
    public static var inheritedEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in productOverrides { env.removeValue(forKey: key) }
        return env
    }

    static let productOverrides = [
        "ESCO_DATA", "WEAVIATE_URL", "WEAVIATE_API_KEY", "T2V_URL", "ESCO_LOCK_DIR",
        "ESCO_VECTOR_CACHE_DIR",
    ]

    /// The `esco` executable built next to the test bundle (`.build/debug/esco`).
    public static var escoBinary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [beside.appendingPathComponent("esco").path]
        if let bundle = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(bundle.appendingPathComponent("esco").path)
        }
        candidates.append(repositoryRoot + "/.build/debug/esco")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }
}
