#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The SMS breaker's figures, in the database so every replica counts the same: per country and
/// per minute the codes sent and the codes verified (`sms_country_minute`), and each country's
/// last trip (`sms_breaker`). Counters per minute, not a row per send: a busy country costs
/// sixty rows an hour, and the hour's figures are one sum.
struct SMSCountryStore: Sendable {
    let database: any SQLDatabase

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

    /// Counts a send to `country` unless its breaker is open; with `breaker`, opens it when the
    /// sends since the last hour (or since it last closed) reach its minimum while too few were
    /// verified. The count is one statement of its own: the country's row for this minute is
    /// every send's, and a transaction holding it across further statements made every send to
    /// one country wait in line (on PostgreSQL, halving logins per second). A breaker opens once
    /// however many replicas see the figures at once: its upsert only replaces a closed one.
    func send(to country: String, now: Date, breaker: SMSGateSettings.Breaker?) async throws -> Send {
        let time = now.timeIntervalSince1970
        let minute = Int64(time / 60)
        let lastUntil = try await database.read { db in
            try await db.fetchValue("SELECT open_until FROM sms_breaker WHERE country = \(country)", as: Double.self)
        }
        if let lastUntil, lastUntil > time { return .breakerOpen(until: lastUntil) }
        try await database.run(
            """
            INSERT INTO sms_country_minute (country, minute, sends, verified) VALUES (\(country), \(minute), 1, 0)
            ON CONFLICT (country, minute) DO UPDATE SET sends = sms_country_minute.sends + 1
            """)
        guard let breaker else { return .counted(tripped: nil) }
        let since = max(time - 3600, lastUntil ?? 0)
        let figures = try await database.read { db in
            try await db.fetchOne(
                """
                SELECT CAST(coalesce(sum(sends), 0) AS BIGINT), CAST(coalesce(sum(verified), 0) AS BIGINT) FROM sms_country_minute
                WHERE country = \(country) AND minute >= \(Int64(since / 60))
                """)
        }
        guard let figures else { return .counted(tripped: nil) }
        let sends: Int = try figures.decode(0)
        let verified: Int = try figures.decode(1)
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
        try await verified([(country, now)])
    }

    /// Counts several verified codes in one statement (a ``GroupCommit`` batch): summed per
    /// country and minute first, as one statement may not change a row twice.
    func verified(_ codes: [(country: String, at: Date)]) async throws {
        var counts: [String: (country: String, minute: Int64, count: Int)] = [:]
        for (country, at) in codes {
            let minute = Int64(at.timeIntervalSince1970 / 60)
            counts["\(country) \(minute)", default: (country, minute, 0)].count += 1
        }
        guard !counts.isEmpty else { return }
        var rows: SQLQuery = ""
        for (index, row) in counts.values.enumerated() {
            rows = rows + (index == 0 ? "" : ", ") + "(\(row.country), \(row.minute), 0, \(row.count))"
        }
        try await database.run(
            "INSERT INTO sms_country_minute (country, minute, sends, verified) VALUES " + rows
                + " ON CONFLICT (country, minute) DO UPDATE SET verified = sms_country_minute.verified + excluded.verified"
        )
    }

    /// Drops the minutes older than an hour.
    func sweep(now: Date) async throws {
        try await database.run(
            "DELETE FROM sms_country_minute WHERE minute < \(Int64((now.timeIntervalSince1970 - 3600) / 60))")
    }
}
