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
    /// Read as bytes, not `Character`s: it runs on every call, and grapheme breaking made it a
    /// per cent of the auth server's CPU under a login load.
    static func operation(method: String, url: String, baseURL: String) -> String {
        var path = url.utf8.starts(with: baseURL.utf8) ? url.utf8.dropFirst(baseURL.utf8.count) : url.utf8[...]
        if let query = path.firstIndex(of: UInt8(ascii: "?")) { path = path[..<query] }
        var operation = method + " "
        for segment in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            // a SID (two capitals, 32 hex digits) can be all letters too: VAffff…
            let isSID = segment.count == 34 && segment.dropFirst(2).allSatisfy(Self.isHexDigit)
            let isWord =
                segment.first.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) } == true
                && segment.allSatisfy(Self.isLetter)
            let keep = (isWord && !isSID) || segment.elementsEqual("v2".utf8)
            operation += "/" + (keep ? String(decoding: segment, as: UTF8.self) : ":sid")
        }
        return operation.hasSuffix(" ") ? operation + "/" : operation
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
