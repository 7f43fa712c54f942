import VerifyWire

/// One page of a list, in insertion order.
struct PageRequest: Sendable {
    var page: Int
    var pageSize: Int

    /// Reads Twilio's `Page` and `PageSize` (1…1000, default 50). `PageToken` is accepted and
    /// ignored: the emulator's paging URLs carry the page number, which is all it needs.
    init(query: FormData) throws(TwilioError) {
        pageSize = try query.int("PageSize", in: 1...1000) ?? 50
        page = try query.int("Page", in: 0...1_000_000) ?? 0
    }

    var offset: Int { page * pageSize }

    /// Twilio's `meta` for this page of the list at `listURL` (absolute, without a query).
    func meta(listURL: String, hasMore: Bool, key: String) -> PageMeta {
        func pageURL(_ number: Int) -> String { "\(listURL)?PageSize=\(pageSize)&Page=\(number)" }
        return PageMeta(
            page: page, pageSize: pageSize, firstPageURL: pageURL(0),
            previousPageURL: page > 0 ? pageURL(page - 1) : nil, url: pageURL(page),
            nextPageURL: hasMore ? pageURL(page + 1) : nil, key: key)
    }
}
