import ESCOClients
import Foundation
import Yams

extension ESCOConfiguration {
    /// Names of the profiles config/weaviate_config.yaml ships with.
    public static let standardProfiles = ["default", "local", "cloud"]

    /// Loads `profile` from the YAML file at `file`, then applies environment overrides
    /// (`WEAVIATE_URL`, `WEAVIATE_API_KEY`, the variable named by `apiKeyEnv`, `T2V_URL`, `ESCO_DATA`,
    /// `ESCO_LOCK_DIR`, `ESCO_VECTOR_CACHE_DIR`).
    ///
    /// Relative paths (`data.path`, `vectorizer.cacheDirectory`, `weaviate.schemaDirectory`, `lock.directory`)
    /// resolve against `workingDirectory` (default: the process's current directory), never the file's folder.
    /// - Throws: `ConfigError` naming file:line:column and the key path.
    public static func load(
        file: String, profile: String, environment: [String: String], workingDirectory: String? = nil
    ) throws -> ESCOConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigError(
                code: .unreadable, file: file,
                message:
                    "cannot read the configuration file (\(Self.reason(error))); pass --config with a readable YAML file"
            )
        }
        return try parse(
            yaml: text, file: file, profile: profile, environment: environment,
            workingDirectory: workingDirectory)
    }

    /// Like `load(file:...)` for YAML already in memory; `file` is only used in error messages.
    public static func parse(
        yaml text: String, file: String, profile: String, environment: [String: String],
        workingDirectory: String? = nil
    ) throws -> ESCOConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        }
        let reader = NodeReader(file: file)
        var config = ESCOConfiguration(profile: profile)
        guard let root else {
            throw ConfigError(
                code: .unknownProfile, file: file, keyPath: "profiles",
                message: "the file is empty; expected a `profiles:` mapping with a \"\(profile)\" profile")
        }
        let top = try reader.mapping(root, path: "")
        try reader.checkKeys(top, allowed: ["profiles"], path: "")
        guard let profilesNode = top.first(where: { $0.key == "profiles" })?.value else {
            throw reader.error(
                .unknownProfile, root, "", "missing `profiles:`; expected profiles such as default, local, cloud")
        }
        let profiles = try reader.mapping(profilesNode, path: "profiles")
        guard let profileNode = profiles.first(where: { $0.key == profile })?.value else {
            let known = profiles.map { "\"\($0.key)\"" }.joined(separator: ", ")
            throw reader.error(
                .unknownProfile, profilesNode, "profiles",
                "unknown profile \"\(profile)\"; known profiles: \(known)")
        }
        try reader.readProfile(profileNode, path: "profiles.\(profile)", into: &config)
        try applyEnvironment(environment, to: &config)
        config.resolvePaths(against: workingDirectory ?? FileManager.default.currentDirectoryPath)
        return config
    }

    static func applyEnvironment(_ env: [String: String], to config: inout ESCOConfiguration) throws {
        func nonEmpty(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        if let url = nonEmpty("WEAVIATE_URL") {
            config.weaviate.url = try checkedURL(url, file: "environment", keyPath: "WEAVIATE_URL")
        }
        if let url = nonEmpty("T2V_URL") {
            config.vectorizer.url = try checkedURL(url, file: "environment", keyPath: "T2V_URL")
        }
        if let path = nonEmpty("ESCO_DATA") { config.data.path = path }
        // The deployments set these to the only writable places (systemd's RuntimeDirectory=/StateDirectory=,
        // compose's volumes); without them the `local` profile's relative cache dir is read-only under systemd.
        if let dir = nonEmpty("ESCO_LOCK_DIR") { config.lock.directory = dir }
        if let dir = nonEmpty("ESCO_VECTOR_CACHE_DIR") { config.vectorizer.cacheDirectory = dir }
        // The generic variable wins, like every other override; otherwise the profile's named variable.
        if let key = nonEmpty("WEAVIATE_API_KEY") {
            config.weaviate.apiKey = Secret(key)
        } else if let name = config.weaviate.apiKeyEnv, let key = nonEmpty(name) {
            config.weaviate.apiKey = Secret(key)
        }
    }

    /// Validates an http(s) URL with a host and returns it without a trailing slash.
    static func checkedURL(
        _ raw: String, file: String, keyPath: String, line: Int? = nil, column: Int? = nil
    ) throws -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if let c = URLComponents(string: trimmed), let scheme = c.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = c.host, !host.isEmpty,
            c.query == nil, c.fragment == nil
        {
            var s = trimmed
            while s.hasSuffix("/") { s.removeLast() }
            return s
        }
        throw ConfigError(
            code: .badURL, file: file, line: line, column: column, keyPath: keyPath,
            message: "expected an http(s) URL, got \"\(redactedURL(trimmed))\""
        )
    }

    /// Drops any `user:password@` part before a URL is echoed in an error.
    static func redactedURL(_ s: String) -> String {
        guard let at = s.firstIndex(of: "@") else { return s }
        if let schemeEnd = s.range(of: "://"), schemeEnd.upperBound <= at {
            return String(s[..<schemeEnd.upperBound]) + "<redacted>@" + String(s[s.index(after: at)...])
        }
        return "<redacted>@" + String(s[s.index(after: at)...])
    }

    static func yamlError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return ConfigError(
                code: .invalidYAML, file: file, line: mark.line, column: mark.column,
                message: "invalid YAML: \(ctx)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(
                code: .invalidYAML, file: file, line: context.mark.line, column: context.mark.column,
                message: "invalid YAML: duplicated key(s) \(duplicates.sorted().joined(separator: ", "))")
        default:
            return ConfigError(code: .invalidYAML, file: file, message: "invalid YAML: \(error)")
        }
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }

    mutating func resolvePaths(against cwd: String) {
        func resolve(_ p: String) -> String {
            if p.hasPrefix("/") { return p }
            return URL(fileURLWithPath: cwd).appendingPathComponent(p).standardizedFileURL.path
        }
        data.path = resolve(data.path)
        vectorizer.cacheDirectory = resolve(vectorizer.cacheDirectory)
        weaviate.schemaDirectory = resolve(weaviate.schemaDirectory)
        lock.directory = lock.directory.map(resolve)
    }
}
