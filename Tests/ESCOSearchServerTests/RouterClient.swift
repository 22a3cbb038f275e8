import ESCOSearchServer
import Foundation
import Hummingbird
import HummingbirdTesting

/// The in-process router's answer, read the way the raw-socket client's answers are read.
struct RouterResponse: Sendable {
    var status: Int
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
}

/// HummingbirdTesting's router client with the tests' `(method, path, body)` calls.
struct RouterClient: Sendable {
    let client: any TestClientProtocol

    func request(_ method: String, _ path: String, body: Data? = nil) async throws -> RouterResponse {
        guard let method = HTTPRequest.Method(rawValue: method) else { throw RouterClientError(method: method) }
        let response = try await client.execute(
            uri: path, method: method, headers: [:], body: body.map { ByteBuffer(bytes: $0) })
        return RouterResponse(status: response.status.code, body: Data(response.body.readableBytesView))
    }
}

/// Runs `body` against `server`'s application through HummingbirdTesting's `.router` setup (no socket).
func withSearchRouter<T: Sendable>(
    _ server: SearchServer, _ body: @Sendable (RouterClient) async throws -> T
) async throws -> T {
    try await server.buildApplication(host: "127.0.0.1", port: 0).test(.router) { client in
        try await body(RouterClient(client: client))
    }
}

struct RouterClientError: Error, CustomStringConvertible {
    let method: String
    var description: String { "not an HTTP method: \(method)" }
}
