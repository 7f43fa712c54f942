import VerifyWire

/// Paging for the control API's newest-first lists (`/emulator/v1/messages`, `…/verifications`):
/// `limit` rows, and a `next_page_url` that keeps the request's filters and carries a
/// `page_token` (a ``PageToken``, as on the Twilio lists) after the page's last row, so rows
/// added meanwhile are neither repeated nor skipped.
///
/// ```swift
/// let page = try ControlPageRequest(query: query, path: context.requestPath, filterNames: ["to", "service_sid"])
/// // read `page.limit + 1` rows with `id < page.beforeKey`, then:
/// let meta = page.meta(rows: ids, listURL: base + context.requestPath)
/// ```
struct ControlPageRequest: Sendable {
    var limit: Int
    /// The list continues below this row key (the last row of the page before).
    var beforeKey: Int64?
    /// The list's filters present in the request, in `filterNames` order.
    var filters: [(name: String, value: String)]
    var digest: UInt32

    init(query: FormData, path: String, filterNames: [String], defaultLimit: Int = 50) throws(TwilioError) {
        limit = try query.int("limit", in: 1...1000) ?? defaultLimit
        filters = filterNames.compactMap { name in query[name].map { (name, $0) } }
        digest = ListDigest.of(path: path, filters: filters)
        if let text = query["page_token"], !text.isEmpty {
            let token = try PageToken(parsing: text, list: digest)
            guard token.direction == .after else {
                throw .invalidPageToken(hint: "page_token '\(text)' does not continue this list; follow next_page_url")
            }
            beforeKey = token.key
        }
    }

    /// The `meta` of a page whose rows have these keys (read `limit + 1` to know there is more).
    func meta(keys: [Int64], listURL: String) -> Meta {
        var next: String?
        if keys.count > limit, let last = keys.prefix(limit).last {
            let token = PageToken(direction: .after, key: last, list: digest).text
            next = ListURL.make(listURL, filters: filters, paging: [("limit", "\(limit)"), ("page_token", token)])
        }
        return Meta(pageSize: limit, nextPageURL: next)
    }

    struct Meta: Encodable, Sendable {
        var pageSize: Int
        var nextPageURL: String?

        enum CodingKeys: String, CodingKey {
            case pageSize = "page_size"
            case nextPageURL = "next_page_url"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(pageSize, forKey: .pageSize)
            try c.encode(nextPageURL, forKey: .nextPageURL)
        }
    }
}
