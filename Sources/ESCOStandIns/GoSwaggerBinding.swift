import ESCOCore

/// How go-swagger binds a required JSON body parameter before any Weaviate handler runs
/// (adapters/handlers/rest/operations/*/*_parameters.go `BindRequest`), and how go-openapi/errors `ServeError`
/// answers a refusal: the first error of the composite, as `{"code": …, "message": …}`, not Weaviate's
/// `{"error": [{"message": …}]}` shape.
struct GoSwaggerBinding {
    /// The parameter's name in the spec (`body`, or `objectClass` for `POST /v1/schema`).
    let parameter: String
    /// The Go type decoded into, as `encoding/json` names it in its errors (`Class`, `Object`, …).
    let model: String

    /// A refused body, already rendered as the server answers it.
    struct Refusal: Error {
        let response: HTTPResponse
    }

    /// The body as JSON: no body is 422 code 602 (`errors.Required`); a body `encoding/json` cannot decode into a
    /// struct, including valid JSON that is not an object, is 400 (`errors.NewParseError`). `null` decodes to the
    /// zero value, which the caller's own validation then judges.
    func bind(_ body: [UInt8]) -> Result<[String: JSONValue], Refusal> {
        if body.isEmpty {
            return .failure(
                Refusal(response: .json(422, ["code": 602, "message": .string("\(parameter) in body is required")])))
        }
        guard let value = try? JSONCodec.parse(body) else {
            return .failure(parseError("invalid JSON in request body"))
        }
        switch value {
        case .null: return .success([:])
        case .object(let fields): return .success(fields)
        default:
            return .failure(
                parseError("json: cannot unmarshal \(Self.goKind(value)) into Go value of type models.\(model)"))
        }
    }

    /// `errors.NewParseError(parameter, "body", "", err)`: code 400, `parsing <name> body from "" failed, because …`.
    func parseError(_ reason: String) -> Refusal {
        Refusal(
            response: .json(
                400, ["code": 400, "message": .string("parsing \(parameter) body from \"\" failed, because \(reason)")])
        )
    }

    /// A field of the wrong JSON kind, as `encoding/json`'s `UnmarshalTypeError` words it.
    func fieldTypeError(_ field: String, _ value: JSONValue, goType: String) -> Refusal {
        parseError(
            "json: cannot unmarshal \(Self.goKind(value)) into Go struct field \(model).\(field) of type \(goType)")
    }

    /// `encoding/json`'s name for a JSON value's kind.
    static func goKind(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
