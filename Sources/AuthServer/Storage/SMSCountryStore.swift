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

    /// Counts a send to `country` unless its breaker is open, in one transaction; with
    /// `breaker`, opens it when the sends since the last hour (or since it last closed) reach
    /// its minimum while too few were verified.
    func send(to country: String, now: Date, breaker: SMSGateSettings.Breaker?) async throws -> Send {
        let time = now.timeIntervalSince1970
        let minute = Int64(time / 60)
        return try await database.write { db in
            let lastUntil = try await db.fetchValue(
                "SELECT open_until FROM sms_breaker WHERE country = \(country) \(.lockRows)", as: Double.self)
            if let lastUntil, lastUntil > time { return .breakerOpen(until: lastUntil) }
            try await db.execute(
                """
                INSERT INTO sms_country_minute (country, minute, sends, verified) VALUES (\(country), \(minute), 1, 0)
                ON CONFLICT (country, minute) DO UPDATE SET sends = sms_country_minute.sends + 1
                """)
            guard let breaker else { return .counted(tripped: nil) }
            let since = max(time - 3600, lastUntil ?? 0)
            guard
                let figures = try await db.fetchOne(
                    """
                    SELECT CAST(coalesce(sum(sends), 0) AS BIGINT), CAST(coalesce(sum(verified), 0) AS BIGINT) FROM sms_country_minute
                    WHERE country = \(country) AND minute >= \(Int64(since / 60))
                    """)
            else { return .counted(tripped: nil) }
            let sends: Int = try figures.decode(0)
            let verified: Int = try figures.decode(1)
            guard sends >= breaker.minSends, verified * 100 < breaker.minVerifiedPercent * sends else {
                return .counted(tripped: nil)
            }
            let until = time + Double(breaker.cooldown.components.seconds)
            let opened = try await db.changes(
                """
                INSERT INTO sms_breaker (country, opened_at, open_until) VALUES (\(country), \(time), \(until))
                ON CONFLICT (country) DO UPDATE SET opened_at = excluded.opened_at, open_until = excluded.open_until
                WHERE sms_breaker.open_until <= excluded.opened_at
                RETURNING 1
                """)
            return .counted(tripped: opened == 1 ? Figures(sends: sends, verified: verified) : nil)
        }
    }

    /// Counts a code to `country` that was verified.
    func verified(in country: String, now: Date) async throws {
        try await verified([(country, now)])
    }

    /// Counts several verified codes in one transaction (a ``GroupCommit`` batch).
    func verified(_ codes: [(country: String, at: Date)]) async throws {
        try await database.write { db in
            for (country, at) in codes {
                let minute = Int64(at.timeIntervalSince1970 / 60)
                try await db.execute(
                    """
                    INSERT INTO sms_country_minute (country, minute, sends, verified) VALUES (\(country), \(minute), 0, 1)
                    ON CONFLICT (country, minute) DO UPDATE SET verified = sms_country_minute.verified + 1
                    """)
            }
        }
    }

    /// Drops the minutes older than an hour.
    func sweep(now: Date) async throws {
        try await database.run(
            "DELETE FROM sms_country_minute WHERE minute < \(Int64((now.timeIntervalSince1970 - 3600) / 60))")
    }
}
