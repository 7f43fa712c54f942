#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The SMS breaker's figures, in the database so every replica counts the same: per country and
/// per minute the codes sent and the codes verified (`sms_country_minute`), and each country's
/// last trip (`sms_breaker`). Counters per minute, not a row per send: a busy country costs
/// sixty rows an hour, and the hour's figures are one sum.
///
/// Sends and verified codes are counted by group commit (``GroupCommit``): a country's row for
/// this minute is every send's, so counting each send in a statement of its own made every send
/// to one country wait in line for that row; a batch is one upsert, summed per row.
struct SMSCountryStore: Sendable {
    let database: any SQLDatabase
    private let counts: GroupCommit<Count>

    init(database: any SQLDatabase) {
        self.database = database
        counts = GroupCommit { [database] batch in try await Self.write(batch, to: database) }
    }

    /// What became of a send.
    enum Send: Sendable, Equatable {
        /// Counted; `tripped` when this send opened the country's breaker.
        case counted(tripped: Figures?)
        /// The breaker is open until then (seconds since 1970).
        case breakerOpen(until: Double)
    }

    /// A country's codes sent and verified in the hour a trip looked at.
    struct Figures: Sendable, Equatable {
        var sends: Int
        var verified: Int
    }

    /// One send or one verified code, counted in its country's minute.
    private struct Count: Sendable {
        var country: String
        var minute: Int64
        var sent: Bool
    }

    /// Counts a send to `country`, then, with `breaker`, looks at the country's figures in one
    /// statement: refused while its breaker is open; opens it when the sends since the last hour
    /// (or since it last closed) reach its minimum while too few were verified. The figures are
    /// read after the count commits, so of many sends at once the last to read sees them all. A
    /// send refused by an open breaker was counted too: an attempt during the cool-down is part
    /// of the traffic the next hour's figures judge. A breaker opens once however many replicas
    /// see the figures at once: its upsert only replaces a closed one.
    func send(to country: String, now: Date, breaker: SMSGateSettings.Breaker?) async throws -> Send {
        let time = now.timeIntervalSince1970
        try await counts.write(Count(country: country, minute: Int64(time / 60), sent: true))
        guard let breaker else { return .counted(tripped: nil) }
        let hourAgo = Int64((time - 3600) / 60)
        // the breaker and the figures since the hour began or it last closed, whichever is later
        let row = try await database.read { db in
            try await db.fetchOne(
                """
                SELECT (SELECT open_until FROM sms_breaker WHERE country = \(country)),
                CAST(coalesce(sum(sends), 0) AS BIGINT), CAST(coalesce(sum(verified), 0) AS BIGINT)
                FROM sms_country_minute WHERE country = \(country) AND minute >= \(hourAgo)
                AND (minute + 1) * 60 > coalesce((SELECT open_until FROM sms_breaker WHERE country = \(country)), 0)
                """)
        }
        guard let row else { return .counted(tripped: nil) }
        if let until = try row.decode(0, as: Double?.self), until > time { return .breakerOpen(until: until) }
        let sends: Int = try row.decode(1)
        let verified: Int = try row.decode(2)
        guard sends >= breaker.minSends, verified * 100 < breaker.minVerifiedPercent * sends else {
            return .counted(tripped: nil)
        }
        let until = time + Double(breaker.cooldown.components.seconds)
        let opened = try await database.run(
            """
            INSERT INTO sms_breaker (country, opened_at, open_until) VALUES (\(country), \(time), \(until))
            ON CONFLICT (country) DO UPDATE SET opened_at = excluded.opened_at, open_until = excluded.open_until
            WHERE sms_breaker.open_until <= excluded.opened_at
            RETURNING 1
            """
        ).count
        return .counted(tripped: opened == 1 ? Figures(sends: sends, verified: verified) : nil)
    }

    /// Counts a code to `country` that was verified.
    func verified(in country: String, now: Date) async throws {
        try await counts.write(Count(country: country, minute: Int64(now.timeIntervalSince1970 / 60), sent: false))
    }

    /// Writes a batch of counts in one statement, summed per country and minute first, as one
    /// statement may not change a row twice.
    private static func write(_ batch: [Count], to database: any SQLDatabase) async throws {
        var rows: [String: (country: String, minute: Int64, sends: Int, verified: Int)] = [:]
        for count in batch {
            rows["\(count.country) \(count.minute)", default: (count.country, count.minute, 0, 0)].sends +=
                count.sent ? 1 : 0
            rows["\(count.country) \(count.minute)"]?.verified += count.sent ? 0 : 1
        }
        guard !rows.isEmpty else { return }
        var values: SQLQuery = ""
        for (index, row) in rows.values.enumerated() {
            values =
                values + (index == 0 ? "" : ", ") + "(\(row.country), \(row.minute), \(row.sends), \(row.verified))"
        }
        try await database.run(
            "INSERT INTO sms_country_minute (country, minute, sends, verified) VALUES " + values
                + " ON CONFLICT (country, minute) DO UPDATE SET sends = sms_country_minute.sends + excluded.sends,"
                + " verified = sms_country_minute.verified + excluded.verified")
    }

    /// Drops the minutes older than an hour.
    func sweep(now: Date) async throws {
        try await database.run(
            "DELETE FROM sms_country_minute WHERE minute < \(Int64((now.timeIntervalSince1970 - 3600) / 60))")
    }
}
