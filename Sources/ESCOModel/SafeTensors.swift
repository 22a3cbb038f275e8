public import Foundation

/// A `.safetensors` file read directly: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian tensor bytes.
public struct SafeTensors: Sendable {
    public struct Tensor: Sendable {
        public let shape: [Int]
        public let values: [Float]
    }

    public let tensors: [String: Tensor]
    let path: String

    public init(contentsOf url: URL) throws {
        path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ModelError("cannot read \(url.path): \(error.localizedDescription); check the model directory")
        }
        tensors = try Self.parse(data, path: url.path)
    }

    static func parse(_ data: Data, path: String) throws -> [String: Tensor] {
        guard data.count >= 8 else { throw ModelError("\(path): too short to be a safetensors file") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
        guard headerLength <= data.count - 8,
            let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + Int(headerLength)))
                as? [String: Any]
        else {
            throw ModelError("\(path): the safetensors header is not valid JSON; re-install the model files")
        }
        let base = 8 + Int(headerLength)
        var out: [String: Tensor] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else { throw ModelError("\(path): tensor \(name) has a malformed header entry") }
            // Only float tensors are weights; integer ones (position_ids) are buffers the encoder does not need.
            guard dtype == "F32" else { continue }
            let count = shape.reduce(1, *)
            let start = base + offsets[0]
            guard offsets[1] - offsets[0] == count * 4, start >= base, base + offsets[1] <= data.count else {
                throw ModelError("\(path): tensor \(name) lies outside the file; the download is probably truncated")
            }
            let values = data.withUnsafeBytes { raw in
                [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for i in 0..<count {
                        let bits = raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)
                        buffer[i] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                    initialized = count
                }
            }
            out[name] = Tensor(shape: shape, values: values)
        }
        return out
    }

    /// The tensor `name` (with or without a `bert.` prefix), checked against the shape the encoder expects.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let t = tensors[name] ?? tensors["bert." + name] else {
            throw ModelError("\(path): tensor \(name) is missing; is this a BERT sentence-transformers model?")
        }
        guard t.shape == shape else {
            throw ModelError(
                "\(path): tensor \(name) has shape \(t.shape), expected \(shape); config.json does not match")
        }
        return t.values
    }
}
