public import Foundation

extension RawHTTP {
    /// `request` on a dedicated thread, so blocking socket reads never occupy the cooperative pool (which the
    /// in-process server under test needs to answer).
    public static func requestOffPool(
        _ baseURL: String, _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> RawHTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try request(baseURL, method, path, body: body, headers: headers))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}
