/// One page of a list as read from storage, in the list's order, with what its `meta` needs:
/// whether pages lie before and after it, and the keys its paging tokens start from.
struct Page<Row: Sendable>: Sendable {
    var rows: [Row]
    var hasNext: Bool
    var hasPrevious: Bool
    /// The key of the first and last row (nil on an empty page).
    var firstKey: Int64?
    var lastKey: Int64?
}

extension Page {
    /// Finishes a page from `fetched`: up to `pageSize + 1` rows read through
    /// ``PageRequest/window(newestFirst:)``, which reads a `.before` page backwards.
    init(fetched: [Row], request: PageRequest, key: (Row) -> Int64) {
        let size = request.pageSize
        switch request.cursor {
        case .offset(let offset):
            rows = Array(fetched.prefix(size))
            hasNext = fetched.count > size
            hasPrevious = offset > 0
        case .after:
            rows = Array(fetched.prefix(size))
            hasNext = fetched.count > size
            hasPrevious = true
        case .before:
            rows = fetched.prefix(size).reversed()
            hasNext = true
            hasPrevious = fetched.count > size
        }
        firstKey = rows.first.map(key)
        lastKey = rows.last.map(key)
    }

    /// A page of a list held in memory whose rows are keyed by `key`, in ascending order.
    init(all: [Row], request: PageRequest, key: (Row) -> Int64) {
        let window = request.window(newestFirst: false)
        var matching = all[...]
        if let bound = window.bound {
            matching = matching.filter { bound.isAbove ? key($0) > bound.key : key($0) < bound.key }[...]
        }
        let ordered = window.descending ? Array(matching.reversed()) : Array(matching)
        self.init(
            fetched: Array(ordered.dropFirst(window.offset).prefix(window.limit)), request: request, key: key)
    }

    /// The same page with each row transformed (storage rows to resources).
    func map<Other>(_ transform: (Row) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(
            rows: try rows.map(transform), hasNext: hasNext, hasPrevious: hasPrevious, firstKey: firstKey,
            lastKey: lastKey)
    }
}

/// The part of a page's query that follows from its cursor: a bound on the key, the direction
/// to read in, and the window. A `.before` page is read backwards and turned around by ``Page``.
struct PageWindow: Sendable {
    /// Rows whose key is above (or below) `key`.
    var bound: (isAbove: Bool, key: Int64)?
    var descending: Bool
    var limit: Int
    var offset: Int

    /// `ORDER BY`, `LIMIT` and `OFFSET` for a list ordered by `key` (a column expression), with
    /// the bound as a condition to add to the query's own.
    func sql(key: String) -> (condition: String?, arguments: [Int64], suffix: String) {
        let condition = bound.map { "\(key) \($0.isAbove ? ">" : "<") ?" }
        return (
            condition, bound.map { [$0.key] } ?? [],
            "ORDER BY \(key)\(descending ? " DESC" : "") LIMIT \(limit) OFFSET \(offset)"
        )
    }
}

extension PageRequest {
    /// How to read this page of a list ordered by key, ascending or `newestFirst`.
    func window(newestFirst: Bool) -> PageWindow {
        switch cursor {
        case .offset(let offset):
            PageWindow(bound: nil, descending: newestFirst, limit: pageSize + 1, offset: offset)
        case .after(let key):
            PageWindow(bound: (!newestFirst, key), descending: newestFirst, limit: pageSize + 1, offset: 0)
        case .before(let key):
            PageWindow(bound: (newestFirst, key), descending: !newestFirst, limit: pageSize + 1, offset: 0)
        }
    }
}
