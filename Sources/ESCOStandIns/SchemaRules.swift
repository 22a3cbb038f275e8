import ESCOCore

/// Weaviate 1.32.2's defaults and validation for class and property creation, in its order and with its messages
/// (usecases/schema/class.go `AddClass`, `setClassDefaults`, `validateProperty`, `validatePropertyTokenization`,
/// `validatePropertyIndexing`; usecases/schema/property.go `AddClassProperty`; entities/schema/validation.go and
/// data_types.go; usecases/replica/config.go; usecases/sharding/state.go `InitState`). Pure: the stand-in's
/// handlers do the locking and storing. docs/weaviate-compat.md, section Schema, lists each rule with its test.
struct SchemaRules: Sendable {
    /// `REPLICATION_MINIMUM_FACTOR` (Weaviate's default 1).
    var replicationMinimumFactor = 1
    /// Nodes a class's shards can be placed on; a factor above it cannot be satisfied.
    var nodes = 1

    /// A refusal: HTTP status and Weaviate's message, plus go-swagger's numeric `code` for body validation errors.
    struct Refusal: Error, Equatable {
        var message: String
        var swaggerCode: Int? = nil
    }

    static let primitiveTypes: Set<String> = [
        "text", "int", "number", "boolean", "date", "geoCoordinates", "phoneNumber", "blob", "text[]", "int[]",
        "number[]", "boolean[]", "date[]", "uuid", "uuid[]", "string", "string[]",
    ]
    static let nestedTypes: Set<String> = ["object", "object[]"]
    static let reservedPropertyNames: Set<String> = ["_additional", "_id", "id"]
    /// entities/models/property.go: the swagger enum, checked before the handler runs.
    static let tokenizationEnum = [
        "word", "lowercase", "whitespace", "field", "trigram", "gse", "kagome_kr", "kagome_ja", "gse_ch",
    ]

    // MARK: Classes

    /// `POST /v1/schema` up to (not including) the existence checks: defaults, then validation.
    func prepareClass(
        _ body: [String: JSONValue], classExists: (String) -> Bool
    ) throws(Refusal) -> [String: JSONValue] {
        var c = body
        try Self.checkTokenizationEnum(c["properties"]?.arrayValue ?? [], pathPrefix: "properties.")
        let name = Self.uppercaseFirst(c["class"]?.stringValue ?? "")
        c["class"] = .string(name)
        var props = (c["properties"]?.arrayValue ?? []).map { p -> JSONValue in
            guard case .object(var o) = p else { return p }
            if let n = o["name"]?.stringValue { o["name"] = .string(Self.lowercaseFirst(n)) }
            return .object(o)
        }
        // setClassDefaults
        if c["vectorizer"] == nil { c["vectorizer"] = "none" }
        if c["vectorIndexType"] == nil { c["vectorIndexType"] = "hnsw" }
        c["invertedIndexConfig"] = .object(Self.invertedDefaults(c["invertedIndexConfig"]?.objectValue))
        props = props.map(Self.withPropertyDefaults)
        var replication = c["replicationConfig"]?.objectValue ?? ["factor": .number(Double(replicationMinimumFactor))]
        let factor = replication["factor"]?.intValue ?? 0
        if factor > 0 && factor < replicationMinimumFactor {
            throw Refusal(
                message: "invalid replication factor: setup requires a minimum replication factor of "
                    + "\(replicationMinimumFactor): got \(factor)")
        }
        if factor < 1 { replication["factor"] = .number(Double(replicationMinimumFactor)) }
        if replication["deletionStrategy"]?.stringValue?.isEmpty ?? true {
            replication["deletionStrategy"] = "NoAutomatedResolution"
        }
        if replication["asyncEnabled"] == nil { replication["asyncEnabled"] = false }
        c["replicationConfig"] = .object(replication)
        if c["multiTenancyConfig"] == nil {
            c["multiTenancyConfig"] = ["autoTenantActivation": false, "autoTenantCreation": false, "enabled": false]
        }

        // validateClassInvariants
        try Self.validateClassName(name)
        var seen: Set<String> = []
        for p in props {
            try Self.validateProperty(p, className: name, existing: seen, classExists: classExists)
            seen.insert((p["name"]?.stringValue ?? "").lowercased())
        }
        try Self.validateVectorSettings(c)
        c["properties"] = .array(props.map(Self.migrated))
        // sharding.InitState
        let placed = c["replicationConfig"]?["factor"]?.intValue ?? 1
        if placed > nodes {
            throw Refusal(
                message: "init sharding state: could not find enough weaviate nodes for replication: "
                    + "\(nodes) available, \(placed) requested")
        }
        return c
    }

    static func invertedDefaults(_ given: [String: JSONValue]?) -> [String: JSONValue] {
        var o = given ?? ["usingBlockMaxWAND": true]
        if (o["cleanupIntervalSeconds"]?.intValue ?? 0) == 0 { o["cleanupIntervalSeconds"] = 60 }
        if o["bm25"] == nil { o["bm25"] = ["b": 0.75, "k1": 1.2] }
        if o["stopwords"] == nil { o["stopwords"] = ["preset": "en"] }
        // entities/models/inverted_index_config.go: plain bools with `omitempty`, so false is never in an answer.
        for key in ["indexNullState", "indexPropertyLength", "indexTimestamps", "usingBlockMaxWAND"]
        where o[key] == false {
            o[key] = nil
        }
        return o
    }

    static func validateClassName(_ name: String) throws(Refusal) {
        if name.utf8.count > 255 {
            throw Refusal(message: "'\(name)' is not a valid class name. Name should not be longer than 255 characters")
        }
        let ok = name.utf8.first.map { (65...90).contains($0) } == true && name.utf8.allSatisfy(isWordByte)
        if !ok { throw Refusal(message: "'\(name)' is not a valid class name") }
    }

    static func validateVectorSettings(_ c: [String: JSONValue]) throws(Refusal) {
        let indexType = c["vectorIndexType"]?.stringValue ?? ""
        switch indexType {
        case "hnsw", "flat": break
        case "dynamic":
            throw Refusal(
                message: "the dynamic index can only be created under async indexing environment "
                    + "(ASYNC_INDEXING=true)")
        default: throw Refusal(message: "unrecognized or unsupported vectorIndexType \"\(indexType)\"")
        }
        let vectorizer = c["vectorizer"]?.stringValue ?? ""
        // The stand-in has no modules: any vectorizer but "none" is unknown to it.
        if vectorizer != "none" { throw Refusal(message: "vectorizer: no module with name \"\(vectorizer)\" present") }
    }

    // MARK: Properties

    /// `POST /v1/schema/{class}/properties` up to the Raft apply: defaults, then validation against `existing`.
    func prepareProperty(
        _ body: JSONValue, className: String, existing: [JSONValue], classExists: (String) -> Bool
    ) throws(Refusal) -> JSONValue {
        try Self.checkTokenizationEnum([body], pathPrefix: nil)
        guard case .object(var o) = body, let raw = o["name"]?.stringValue, !raw.isEmpty else {
            throw Refusal(message: "property must contain name")
        }
        o["name"] = .string(Self.lowercaseFirst(raw))
        guard o["dataType"] != nil, o["dataType"] != .null else {
            throw Refusal(message: "property must contain dataType")
        }
        let p = Self.withPropertyDefaults(.object(o))
        let names = Set(existing.compactMap { $0["name"]?.stringValue?.lowercased() })
        try Self.validateProperty(p, className: className, existing: names, classExists: classExists)
        return Self.migrated(p)
    }

    /// validateProperty: name, reserved name, duplicate, dataType, nested, tokenization, indexing.
    static func validateProperty(
        _ p: JSONValue, className: String, existing: Set<String>, classExists: (String) -> Bool
    ) throws(Refusal) {
        let name = p["name"]?.stringValue ?? ""
        if name.utf8.count > 231 {
            throw Refusal(
                message: "'\(name)' is not a valid property name. Name should not be longer than 231 characters")
        }
        let first = name.utf8.first
        guard let first, first == 95 || isLetterByte(first), name.utf8.allSatisfy(isWordByte) else {
            throw Refusal(
                message: "'\(name)' is not a valid property name. Property names in Weaviate are restricted "
                    + "to valid GraphQL names, which must be “/[_A-Za-z][_0-9A-Za-z]{0,230}/”")
        }
        if reservedPropertyNames.contains(name) { throw Refusal(message: "'\(name)' is a reserved property name") }
        if existing.contains(name.lowercased()) {
            throw Refusal(
                message: "class \"\(className)\": conflict for property \"\(name)\": already in use or "
                    + "provided multiple times")
        }
        let types = p["dataType"]?.arrayValue?.map { $0.stringValue ?? "" } ?? []
        let kind: DataKind
        do throws(Refusal) {
            kind = try dataKind(types, className: className, classExists: classExists)
        } catch {
            throw Refusal(
                message: "property '\(name)': invalid dataType: [\(types.joined(separator: " "))]: "
                    + error.message)
        }
        let nested = p["nestedProperties"]?.arrayValue ?? []
        if case .nested = kind {
            // Nested object properties are not modelled further; the product does not use them.
            if nested.isEmpty {
                throw Refusal(
                    message: "property '\(name)': At least one nested property is required for data type "
                        + "object/object[]")
            }
            throw Refusal(message: "property '\(name)': object/object[] properties are not modelled by the stand-in")
        } else if !nested.isEmpty {
            throw Refusal(
                message: "property '\(name)': nestedProperties not allowed for data types other than "
                    + "object/object[]")
        }
        try validateTokenization(p["tokenization"]?.stringValue ?? "", kind)
        try validateIndexing(p, kind)
    }

    enum DataKind: Equatable { case primitive(String), nested, reference }

    /// entities/schema/data_types.go `FindPropertyDataTypeWithRefsAndAuth`.
    static func dataKind(_ types: [String], className: String, classExists: (String) -> Bool) throws(Refusal)
        -> DataKind
    {
        guard let only = types.first else { throw Refusal(message: "dataType must have at least one element") }
        if types.count == 1 {
            if primitiveTypes.contains(only) { return .primitive(only) }
            if nestedTypes.contains(only) { return .nested }
            if only.isEmpty { throw Refusal(message: "dataType cannot be an empty string") }
            if only.first!.isLowercase { throw Refusal(message: "unknown primitive data type '\(only)'") }
        }
        for t in types {
            try validateClassName(t)
            if t != className && !classExists(t) { throw Refusal(message: "reference property to nonexistent class") }
        }
        return .reference
    }

    static func validateTokenization(_ tokenization: String, _ kind: DataKind) throws(Refusal) {
        guard case .primitive(let type) = kind else {
            if tokenization.isEmpty { return }
            throw Refusal(
                message: kind == .nested
                    ? "tokenization is not allowed for object/object[] data types"
                    : "tokenization is not allowed for reference data type")
        }
        switch type {
        case "string", "string[]":
            if ["field", "word"].contains(tokenization) { return }
        case "text", "text[]":
            switch tokenization {
            case "field", "word", "whitespace", "lowercase", "trigram": return
            // The stand-in runs without USE_GSE / ENABLE_TOKENIZER_* set, as Weaviate's defaults.
            case "gse":
                throw Refusal(
                    message: "the GSE tokenizer is not enabled; set 'ENABLE_TOKENIZER_GSE' to 'true' to enable")
            case "kagome_kr":
                throw Refusal(
                    message: "the Korean tokenizer is not enabled; set 'ENABLE_TOKENIZER_KAGOME_KR' to "
                        + "'true' to enable")
            case "kagome_ja":
                throw Refusal(
                    message: "the Japanese tokenizer is not enabled; set 'ENABLE_TOKENIZER_KAGOME_JA' to "
                        + "'true' to enable")
            default: break
            }
        default:
            if tokenization.isEmpty { return }
            throw Refusal(message: "tokenization is not allowed for data type '\(type)'")
        }
        throw Refusal(message: "tokenization '\(tokenization)' is not allowed for data type '\(type)'")
    }

    static func validateIndexing(_ p: JSONValue, _ kind: DataKind) throws(Refusal) {
        if p["indexInverted"] != nil && p["indexInverted"] != .null,
            p["indexFilterable"] != nil || p["indexSearchable"] != nil || p["indexRangeFilters"] != nil
        {
            throw Refusal(
                message: "`indexInverted` is deprecated and can not be set together with `indexFilterable`, "
                    + "`indexSearchable` or `indexRangeFilters`")
        }
        let type: String = if case .primitive(let t) = kind { t } else { "" }
        if p["indexSearchable"]?.boolValue == true, !["string", "string[]", "text", "text[]"].contains(type) {
            throw Refusal(
                message: "`indexSearchable` is allowed only for text/text[] data types. For other data "
                    + "types set false or leave empty")
        }
        if p["indexRangeFilters"]?.boolValue == true, !["number", "int", "date"].contains(type) {
            throw Refusal(
                message: "`indexRangeFilters` is allowed only for number/int/date data types. For other "
                    + "data types set false or leave empty")
        }
    }

    /// setPropertyDefaultTokenization and setPropertyDefaultIndexing.
    static func withPropertyDefaults(_ p: JSONValue) -> JSONValue {
        guard case .object(var o) = p else { return p }
        let types = o["dataType"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let type = types.count == 1 ? types[0] : ""
        let textual = ["string", "string[]", "text", "text[]"].contains(type)
        if textual && (o["tokenization"]?.stringValue ?? "").isEmpty { o["tokenization"] = "word" }
        let inverted = o["indexInverted"] != nil && o["indexInverted"] != .null
        if inverted && o["indexFilterable"] == nil && o["indexSearchable"] == nil && o["indexRangeFilters"] == nil {
            return .object(o)
        }
        if o["indexFilterable"] == nil { o["indexFilterable"] = true }
        if o["indexSearchable"] == nil { o["indexSearchable"] = .bool(textual) }
        if o["indexRangeFilters"] == nil { o["indexRangeFilters"] = false }
        return .object(o)
    }

    /// migratePropertySettings: string/string[] become text/text[] (word tokenization becomes whitespace), and
    /// `indexInverted` becomes the newer index flags.
    static func migrated(_ p: JSONValue) -> JSONValue {
        guard case .object(var o) = p else { return p }
        let types = o["dataType"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if types == ["string"] || types == ["string[]"] {
            o["dataType"] = types == ["string"] ? ["text"] : ["text[]"]
            if o["tokenization"]?.stringValue == "word" { o["tokenization"] = "whitespace" }
        }
        if let inverted = o["indexInverted"], inverted != .null {
            if o["indexFilterable"] == nil && o["indexSearchable"] == nil && o["indexRangeFilters"] == nil {
                let textual = ["text", "text[]"].contains(o["dataType"]?.arrayValue?.first?.stringValue ?? "")
                o["indexFilterable"] = inverted
                o["indexSearchable"] = textual ? inverted : false
                o["indexRangeFilters"] = false
            }
            o["indexInverted"] = nil
        }
        return .object(o)
    }

    /// The swagger model's enum check on `tokenization` (go-openapi's EnumFailCode 606), before any handler code.
    static func checkTokenizationEnum(_ props: [JSONValue], pathPrefix: String?) throws(Refusal) {
        for (i, p) in props.enumerated() {
            guard let t = p["tokenization"]?.stringValue, !t.isEmpty, !tokenizationEnum.contains(t) else { continue }
            let path = pathPrefix.map { "\($0)\(i).tokenization" } ?? "tokenization"
            throw Refusal(
                message: "\(path) in body should be one of [\(tokenizationEnum.joined(separator: " "))]",
                swaggerCode: 606)
        }
    }

    // MARK: Names (Go's byte-wise first-letter case changes and ASCII-only name patterns)

    static func uppercaseFirst(_ s: String) -> String {
        guard let f = s.utf8.first, (97...122).contains(f) else { return s }
        return String(decoding: [f - 32] + Array(s.utf8.dropFirst()), as: UTF8.self)
    }

    static func lowercaseFirst(_ s: String) -> String {
        guard let f = s.utf8.first, (65...90).contains(f) else { return s }
        return String(decoding: [f + 32] + Array(s.utf8.dropFirst()), as: UTF8.self)
    }

    static func isLetterByte(_ b: UInt8) -> Bool { (65...90).contains(b) || (97...122).contains(b) }
    static func isWordByte(_ b: UInt8) -> Bool { isLetterByte(b) || (48...57).contains(b) || b == 95 }
}
