import CCurl
import ESCOCore
import Foundation

/// One reusable easy handle; used by one thread at a time.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer?
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    /// Longest idle time of a cached connection that is still reused (below the servers' idle timeouts).
    static let maxIdleSeconds = 4

    init() { handle = curl_easy_init() }
    deinit { curl_easy_cleanup(handle) }

    func perform(_ request: HTTPRequest, cancel: CancelFlag) -> Result<HTTPResponse, any Error> {
        guard let h = handle else {
            return .failure(
                TransportError(
                    code: .other, method: request.method, url: request.url,
                    message: "curl_easy_init failed", requestMayHaveBeenSent: false))
        }
        // reset keeps the connection cache, so the next request to the same host reuses the socket.
        curl_easy_reset(h)
        let sink = CurlSink(cancel: cancel)
        let sinkPtr = Unmanaged.passRetained(sink)
        defer { sinkPtr.release() }
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        // An empty `Expect:` stops curl from waiting for `100 Continue` on large bodies.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        defer { curl_slist_free_all(headerList) }

        let rc: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errBuf in
            errBuf[0] = 0
            _ = esco_curl_setopt_string(h, CURLOPT_URL, request.url)
            _ = esco_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = esco_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout.wholeMilliseconds))
            _ = esco_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(request.timeout.wholeMilliseconds))
            _ = esco_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
            _ = esco_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
            _ = esco_curl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
            // Weaviate closes keep-alive connections idle for 10 s (its HTTP server's IdleTimeout). Never reuse one
            // idle that long, so a request is not sent on a socket the server is closing at that very moment.
            _ = esco_curl_setopt_long(h, CURLOPT_MAXAGE_CONN, Self.maxIdleSeconds)
            _ = esco_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
            _ = esco_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errBuf.baseAddress)
            _ = esco_curl_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
            let ud = sinkPtr.toOpaque()
            _ = esco_curl_setopt_write_function(h, CURLOPT_WRITEFUNCTION, curlWrite)
            _ = esco_curl_setopt_pointer(h, CURLOPT_WRITEDATA, ud)
            _ = esco_curl_setopt_write_function(h, CURLOPT_HEADERFUNCTION, curlHeader)
            _ = esco_curl_setopt_pointer(h, CURLOPT_HEADERDATA, ud)
            _ = esco_curl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
            _ = esco_curl_setopt_xferinfo_function(h, CURLOPT_XFERINFOFUNCTION, curlProgress)
            _ = esco_curl_setopt_pointer(h, CURLOPT_XFERINFODATA, ud)
            switch request.method {
            case "GET": _ = esco_curl_setopt_long(h, CURLOPT_HTTPGET, 1)
            case "HEAD": _ = esco_curl_setopt_long(h, CURLOPT_NOBODY, 1)
            default:
                if request.method != "POST" {
                    _ = esco_curl_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method)
                }
                if let body = request.body {
                    _ = esco_curl_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                    // COPYPOSTFIELDS: curl owns a copy, so the Swift array's lifetime does not matter.
                    body.withUnsafeBytes { raw in
                        var empty: UInt8 = 0
                        let p =
                            raw.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                            ?? withUnsafeMutablePointer(to: &empty) { UnsafeMutableRawPointer($0) }
                        _ = esco_curl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, p)
                    }
                } else if request.method == "POST" {
                    _ = esco_curl_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, 0)
                    _ = esco_curl_setopt_string(h, CURLOPT_COPYPOSTFIELDS, "")
                }
            }
            return curl_easy_perform(h)
        }
        if rc == CURLE_OK {
            var status = 0
            _ = esco_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPResponse(status: status, headers: sink.headers, body: sink.body))
        }
        if rc == CURLE_ABORTED_BY_CALLBACK && cancel.isSet { return .failure(CancellationError()) }
        var pretransfer = 0.0
        _ = esco_curl_getinfo_double(h, CURLINFO_PRETRANSFER_TIME, &pretransfer)
        let detail = String(
            decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
        return .failure(
            TransportError(
                code: Self.classify(rc), method: request.method, url: request.url,
                message: message, requestMayHaveBeenSent: pretransfer > 0))
    }

    static func classify(_ rc: CURLcode) -> TransportError.Code {
        switch rc {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .connectFailed
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE:
            .tls
        default: .other
        }
    }
}

/// Collects the response while curl calls back on the performing thread.
private final class CurlSink {
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    let cancel: CancelFlag
    init(cancel: CancelFlag) { self.cancel = cancel }
}

private let curlWrite: esco_curl_write_callback = { ptr, size, count, ud in
    let n = size * count
    guard let ud, let ptr else { return n }
    let sink = Unmanaged<CurlSink>.fromOpaque(ud).takeUnretainedValue()
    sink.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

private let curlHeader: esco_curl_write_callback = { ptr, size, count, ud in
    let n = size * count
    guard let ud, let ptr else { return n }
    let sink = Unmanaged<CurlSink>.fromOpaque(ud).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        // A new status line (e.g. after 100 Continue): headers so far belonged to an interim response.
        sink.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        sink.headers[name] = value
    }
    return n
}

private let curlProgress: esco_curl_xferinfo_callback = { ud, _, _, _, _ in
    guard let ud else { return 0 }
    return Unmanaged<CurlSink>.fromOpaque(ud).takeUnretainedValue().cancel.isSet ? 1 : 0
}
