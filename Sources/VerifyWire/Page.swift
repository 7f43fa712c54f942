/// The `meta` object of a Twilio list response.
public struct PageMeta: Codable, Sendable, Equatable {
    public var page: Int
    public var pageSize: Int
    public var firstPageURL: String
    public var previousPageURL: String?
    public var url: String
    public var nextPageURL: String?
    public var key: String

    public init(
        page: Int, pageSize: Int, firstPageURL: String, previousPageURL: String?, url: String,
        nextPageURL: String?, key: String
    ) {
        self.page = page
        self.pageSize = pageSize
        self.firstPageURL = firstPageURL
        self.previousPageURL = previousPageURL
        self.url = url
        self.nextPageURL = nextPageURL
        self.key = key
    }

    enum CodingKeys: String, CodingKey {
        case page, url, key
        case pageSize = "page_size"
        case firstPageURL = "first_page_url"
        case previousPageURL = "previous_page_url"
        case nextPageURL = "next_page_url"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(page, forKey: .page)
        try c.encode(pageSize, forKey: .pageSize)
        try c.encode(firstPageURL, forKey: .firstPageURL)
        try c.encode(previousPageURL, forKey: .previousPageURL)
        try c.encode(url, forKey: .url)
        try c.encode(nextPageURL, forKey: .nextPageURL)
        try c.encode(key, forKey: .key)
    }
}

/// A Twilio list page: the items under the key named by `meta.key` (e.g. `services`) and `meta`.
///
/// ```swift
/// let page = ListPage(items: services, meta: meta)   // {"services": [...], "meta": {...}}
/// ```
public struct ListPage<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var meta: PageMeta

    public init(items: [Item], meta: PageMeta) {
        self.items = items
        self.meta = meta
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        meta = try c.decode(PageMeta.self, forKey: Key(stringValue: "meta"))
        items = try c.decode([Item].self, forKey: Key(stringValue: meta.key))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(items, forKey: Key(stringValue: meta.key))
        try c.encode(meta, forKey: Key(stringValue: "meta"))
    }
}
