import GRDB

/// A stored row that lists page by: its `id`, which grows with each insert.
protocol PagedRecord: FetchableRecord, TableRecord, Sendable {
    var id: Int64? { get }
}

extension QueryInterfaceRequest where RowDecoder: PagedRecord {
    /// The page of this request that `page` asks for, the list ordered by `id` (newest first when
    /// `newestFirst`).
    func fetchPage(_ db: Database, _ page: PageRequest, newestFirst: Bool = false) throws -> Page<RowDecoder> {
        let window = page.window(newestFirst: newestFirst)
        let id = Column("id")
        var request = self
        if let bound = window.bound { request = request.filter(bound.isAbove ? id > bound.key : id < bound.key) }
        let rows = try request.order(window.descending ? id.desc : id.asc)
            .limit(window.limit, offset: window.offset).fetchAll(db)
        return Page(fetched: rows, request: page) { $0.id ?? 0 }
    }
}

extension ServiceRecord: PagedRecord {}
extension RateLimitRecord: PagedRecord {}
extension BucketRecord: PagedRecord {}
extension EntityRecord: PagedRecord {}
extension FactorRecord: PagedRecord {}
extension ChallengeRecord: PagedRecord {}
extension WebhookRecord: PagedRecord {}
