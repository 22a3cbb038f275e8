public import ESCOCore
import Foundation

/// The body of `POST /vectors` as text2vec-transformers 1.9.7 validates it: FastAPI 0.115 parsing the
/// pydantic v2 model `VectorInput {text: str, config: Optional[VectorInputConfig]}` (vectorizer.py), where
/// `VectorInputConfig` is `{pooling_strategy: Optional[str], task_type: Optional[str]}`. Unknown fields are
/// ignored (pydantic's default), so `{"text": "a", "texts": [...]}` is a single text.
///
/// Observed with fastapi 0.115.0 and pydantic 2.9.2 (the image's requirements.txt pins fastapi; pydantic
/// is its v2 dependency): every failure is 422 `{"detail": [{type, loc, msg, input[, ctx]}]}`, field errors
/// in model order (text, then config).
enum VectorizerRequest {
    /// A valid body: the text, and the pooling strategy when one was given.
    case single(text: String, pooling: String?)
    /// `{"texts": [...]}`: only with `--accept-batches` (no t2v-transformers release has it).
    case batch(texts: [String])
    /// 422 with this `detail` array.
    case invalid(detail: [JSONValue])

    static func parse(body: [UInt8], contentType: String?, acceptBatches: Bool) -> VectorizerRequest {
        // FastAPI reads an empty body as "no body" whatever the content type.
        if body.isEmpty { return .invalid(detail: [error("missing", ["body"], "Field required", .null)]) }
        // JSON when the content type is absent or application/json (or application/*+json); any other type
        // leaves the body a string, which is not an object.
        guard isJSON(contentType) else {
            return .invalid(detail: [notAnObject(["body"], .string(String(decoding: body, as: UTF8.self)))])
        }
        let json: JSONValue
        do { json = try JSONCodec.parse(body) } catch let e as JSONCodec.ParseError {
            return .invalid(detail: [
                .object([
                    "type": "json_invalid", "loc": ["body", .number(Double(e.offset))], "msg": "JSON decode error",
                    "input": .object([:]), "ctx": ["error": .string(e.reason)],
                ])
            ])
        } catch {
            return .invalid(detail: [Self.error("json_invalid", ["body", 0], "JSON decode error", .object([:]))])
        }
        guard let object = json.objectValue else { return .invalid(detail: [notAnObject(["body"], json)]) }
        if acceptBatches, object["text"] == nil, let texts = object["texts"]?.arrayValue {
            let strings = texts.compactMap(\.stringValue)
            if strings.count == texts.count { return .batch(texts: strings) }
        }
        var detail: [JSONValue] = []
        let text: String?
        switch object["text"] {
        case nil:
            text = nil
            detail.append(error("missing", ["body", "text"], "Field required", json))
        case .string(let s)?:
            text = s
        case let other?:
            text = nil
            detail.append(notAString(["body", "text"], other))
        }
        var pooling: String?
        switch object["config"] {
        case nil, .null?: break
        case .object(let config)?:
            for field in ["pooling_strategy", "task_type"] {
                switch config[field] {
                case nil, .null?: break
                case .string(let s)?: if field == "pooling_strategy" { pooling = s }
                case let other?: detail.append(notAString(["body", "config", .string(field)], other))
                }
            }
        case let other?:
            detail.append(notAnObject(["body", "config"], other))
        }
        if let text, detail.isEmpty { return .single(text: text, pooling: pooling) }
        return .invalid(detail: detail)
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType, !contentType.isEmpty else { return true }
        let mime = contentType.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard mime.hasPrefix("application/") else { return false }
        let subtype = mime.dropFirst("application/".count)
        return subtype == "json" || subtype.hasSuffix("+json")
    }

    static func error(_ type: String, _ loc: [JSONValue], _ msg: String, _ input: JSONValue) -> JSONValue {
        .object(["type": .string(type), "loc": .array(loc), "msg": .string(msg), "input": input])
    }

    static func notAString(_ loc: [JSONValue], _ input: JSONValue) -> JSONValue {
        error("string_type", loc, "Input should be a valid string", input)
    }

    static func notAnObject(_ loc: [JSONValue], _ input: JSONValue) -> JSONValue {
        error(
            "model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", input)
    }
}
