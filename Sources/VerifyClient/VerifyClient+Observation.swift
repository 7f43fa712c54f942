extension VerifyClient {
    /// One finished call to Verify, for metrics: what was called, how long it took, how it ended.
    ///
    /// ```swift
    /// configuration.observer = { call in
    ///     print(call.operation, call.duration, call.outcome)   // POST /v2/Services/:sid/Verifications 0.08 seconds answered(status: 201)
    /// }
    /// ```
    public struct Call: Sendable {
        /// The method and the path with every SID or identity replaced by `:sid`
        /// (`POST /v2/Services/:sid/Entities/:sid/Factors`), so it can label a metric.
        public var operation: String
        public var duration: Duration
        public var outcome: Outcome
    }

    /// How a call ended.
    public enum Outcome: Sendable, Equatable {
        /// A 2xx answer.
        case answered(status: Int)
        /// Twilio's error body, with its code.
        case twilioError(code: Int, status: Int)
        /// No answer within the timeout.
        case timeout
        /// Refused, reset or unreachable.
        case transport
        /// An answer that is not Twilio's (a proxy's HTML, an unreadable body).
        case invalidResponse(status: Int)
    }

    /// `POST /v2/Services/:sid/Verifications` for a request URL: the path below the base URL,
    /// without its query, each segment that is a SID or not a word of Twilio's paths
    /// (`Services`, `VerificationCheck`: letters only, capitalised) replaced by `:sid`.
    static func operation(method: String, url: String, baseURL: String) -> String {
        var path = url.hasPrefix(baseURL) ? Substring(url.dropFirst(baseURL.count)) : Substring(url)
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            // a SID (two capitals, 32 hex digits) can be all letters too: VAffff…
            let isSID = segment.count == 34 && segment.dropFirst(2).allSatisfy(\.isHexDigit)
            let isWord =
                segment.first.map { $0.isASCII && $0.isUppercase } == true
                && segment.allSatisfy { $0.isASCII && $0.isLetter }
            return (isWord && !isSID) || segment == "v2" ? String(segment) : ":sid"
        }
        return method + " /" + segments.joined(separator: "/")
    }
}
