import VerifyWire

/// Which page of a list a request asked for: Twilio's `PageSize` (1…1000, default 50), `Page`
/// and `PageToken` (the iOS Verify SDK spells it `pageToken`), plus the list's filters, which
/// every paging URL carries again.
///
/// Without a token, `Page` counts pages from the start (as a hand-written URL means it); with
/// one, the page starts where the token says and `Page` is only echoed back.
///
/// ```swift
/// let page = try PageRequest(query: query, list: .challenges, path: context.requestPath)
/// let found = try await challenges.challenges(target, filter: filter, page: page)
/// let meta = page.meta(found, listURL: base + context.requestPath)
/// ```
struct PageRequest: Sendable {
    /// Where the page starts.
    enum Cursor: Sendable, Equatable {
        /// `offset` rows from the start of the list.
        case offset(Int)
        /// The rows after the row with this key, in the list's order.
        case after(Int64)
        /// The rows before the row with this key, in the list's order.
        case before(Int64)
    }

    var list: PagedList
    var page: Int
    var pageSize: Int
    var cursor: Cursor
    /// The list's filters present in the request, in ``PagedList/filterNames`` order.
    var filters: [(name: String, value: String)]
    /// The token this page was fetched with, echoed in `meta.url`.
    var token: String?
    /// ``ListDigest`` of the list and its filters.
    var digest: UInt32

    init(query: FormData, list: PagedList, path: String) throws(TwilioError) {
        self.list = list
        pageSize = try query.int("PageSize", in: 1...1000) ?? 50
        page = try query.int("Page", in: 0...1_000_000) ?? 0
        filters = list.filterNames.compactMap { name in query[name].map { (name, $0) } }
        digest = ListDigest.of(path: path, filters: filters)
        token = query["PageToken"] ?? query["pageToken"]
        if let token, !token.isEmpty {
            let parsed = try PageToken(parsing: token, list: digest)
            cursor = parsed.direction == .after ? .after(parsed.key) : .before(parsed.key)
        } else {
            token = nil
            cursor = .offset(page * pageSize)
        }
    }

    /// Twilio's `meta` for `found`, a page of this list at `listURL` (absolute, without a query).
    func meta<Row>(_ found: Page<Row>, listURL: String) -> PageMeta {
        func url(page number: Int, token: String?) -> String {
            var paging = [("PageSize", "\(pageSize)"), ("Page", "\(number)")]
            if let token { paging.append(("PageToken", token)) }
            return ListURL.make(listURL, filters: filters, paging: paging)
        }
        func written(_ direction: PageToken.Direction, _ key: Int64?) -> String? {
            key.map { PageToken(direction: direction, key: $0, list: digest).text }
        }
        let next = found.hasNext ? written(.after, found.lastKey) : nil
        let previous = found.hasPrevious ? written(.before, found.firstKey) : nil
        return PageMeta(
            page: page, pageSize: pageSize, firstPageURL: url(page: 0, token: nil),
            previousPageURL: previous.map { url(page: max(page - 1, 0), token: $0) },
            url: url(page: page, token: token),
            nextPageURL: next.map { url(page: page + 1, token: $0) }, key: list.key)
    }
}
