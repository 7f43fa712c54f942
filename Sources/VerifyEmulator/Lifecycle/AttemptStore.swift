import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Verification Attempts: the account's sends, read from the outbox of "sent" messages joined
/// with their verifications. An attempt is converted when its verification was approved. SNA
/// attempts are not listed: the spec's attempt channels are sms, call, email, whatsapp, rbm.
struct AttemptStore: Sendable {
    let writer: any DatabaseWriter

    /// The filters of the list and the summary.
    struct Filter: Sendable {
        var createdAfter: Int64?
        var createdBefore: Int64?
        var to: String?
        var country: String?
        var channel: VerificationChannel?
        var serviceSid: String?
        var verificationSid: String?
        var converted: Bool?
        /// The summary's `DestinationPrefix`: the `To` starts with it.
        var destinationPrefix: String?
    }

    /// An attempt as read from storage.
    struct Attempt: Sendable {
        /// The message's key in storage, which the list pages by.
        var id: Int64
        var sid: String
        var accountSid: String
        var serviceSid: String
        var verificationSid: String
        var to: String
        var channel: String
        var createdAt: Int64
        var converted: Bool
        var updatedAt: Int64
        var locale: String?
        var codeLength: Int

        var country: String? { PhoneCountry.of(to) }
    }

    /// Pretend prices per send, in US dollars: an emulated message costs nothing, but an app's
    /// cost report should see the spec's shape.
    static let prices: [String: String] = ["sms": "0.0500", "call": "0.0500", "whatsapp": "0.0500", "email": "0.0000"]

    static let selectSQL = """
        SELECT m.sid, m.account_sid, m.service_sid, m.verification_sid, m.to_address, m.channel, m.created_at,
            v.status = 'approved', COALESCE(v.updated_at, m.created_at), v.locale, COALESCE(length(v.code), 6),
            m.id
        FROM message m LEFT JOIN verification v ON v.sid = m.verification_sid
        """

    /// The attempts matching `filter`, newest first, one page.
    func list(account: SID, filter: Filter, page: PageRequest) async throws -> Page<Attempt> {
        let matching = try await all(account: account, filter: filter, window: page.window(newestFirst: true))
        return Page(fetched: matching, request: page) { $0.id }
    }

    func attempt(account: SID, sid: SID) async throws -> Attempt {
        let found = try await writer.read { db in
            try Row.fetchOne(
                db, sql: Self.selectSQL + " WHERE m.sid = ? AND m.account_sid = ? AND m.channel != 'sna'",
                arguments: [sid.rawValue, account.rawValue]
            ).map(Self.attempt)
        }
        guard let found else { throw NotFound("no attempt \(sid) in account \(account)") }
        return found
    }

    /// Every attempt matching `filter`, newest first, or the rows of a page's `window`.
    func all(account: SID, filter: Filter, window: PageWindow? = nil) async throws -> [Attempt] {
        var conditions = ["m.account_sid = ?", "m.channel != 'sna'"]
        var arguments: [any DatabaseValueConvertible] = [account.rawValue]
        func add(_ condition: String, _ value: any DatabaseValueConvertible) {
            conditions.append(condition)
            arguments.append(value)
        }
        if let value = filter.createdAfter { add("m.created_at >= ?", value) }
        if let value = filter.createdBefore { add("m.created_at <= ?", value) }
        if let value = filter.to { add("m.to_address = ?", value) }
        if let value = filter.channel { add("m.channel = ?", value.rawValue) }
        if let value = filter.serviceSid { add("m.service_sid = ?", value) }
        if let value = filter.verificationSid { add("m.verification_sid = ?", value) }
        if let value = filter.destinationPrefix {
            add("substr(m.to_address, 1, length(?)) = ?", value)
            arguments.append(value)
        }
        if let converted = filter.converted {
            conditions.append(converted ? "v.status = 'approved'" : "(v.status IS NULL OR v.status != 'approved')")
        }
        // without a country filter the database takes the window; a country is read from each
        // number here, so then the window is taken after it
        var order = "ORDER BY m.id DESC"
        if let window {
            let piece = window.sql(key: "m.id")
            if let condition = piece.condition { add(condition, piece.arguments[0]) }
            order = filter.country == nil ? piece.suffix : "ORDER BY m.id\(window.descending ? " DESC" : "")"
        }
        let sql = Self.selectSQL + " WHERE " + conditions.joined(separator: " AND ") + " " + order
        // read as Sendable values: GRDB's async read, never its thread-blocking twin
        let statementArguments: StatementArguments = StatementArguments(arguments)
        let attempts = try await writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.attempt)
        }
        guard let country = filter.country else { return attempts }
        let matching = attempts.filter { $0.country == country }
        guard let window else { return matching }
        return Array(matching.dropFirst(window.offset).prefix(window.limit))
    }

    static func attempt(_ row: Row) -> Attempt {
        Attempt(
            id: row[11], sid: row[0], accountSid: row[1], serviceSid: row[2], verificationSid: row[3], to: row[4],
            channel: row[5],
            createdAt: row[6], converted: row[7] ?? false, updatedAt: row[8], locale: row[9], codeLength: row[10])
    }
}

extension AttemptStore.Attempt {
    func resource(baseURL: String) -> VerificationAttemptResource {
        VerificationAttemptResource(
            sid: sid, accountSid: accountSid, serviceSid: serviceSid, verificationSid: verificationSid,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: max(createdAt, updatedAt) / 1000),
            conversionStatus: converted ? "converted" : "unconverted", channel: channel,
            price: AttemptStore.prices[channel].map { .init(value: $0, currency: "usd") },
            channelData: .init(
                verificationSid: verificationSid, to: to, status: converted ? "confirmed" : "unconfirmed",
                messageStatus: "delivered", country: country, codeLength: codeLength, locale: locale),
            url: "\(baseURL)/v2/Attempts/\(sid)")
    }
}
