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
/// to one country wait in line for that row, and reading the figures once per send doubled the
/// statements of a login. A batch is one upsert (summed per row) and, when it holds a send the
/// breaker judges, one read of its countries' breakers and figures, which every send of the
/// batch is answered with.
struct SMSCountryStore: Sendable {
    let database: any SQLDatabase
    private let counts: GroupCommit<Count, [String: Reading]>

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

    /// A country's breaker and figures, as read after a batch committed.
    private struct Reading: Sendable {
        var openUntil: Double?
        var figures = Figures(sends: 0, verified: 0)
    }

    /// One send or one verified code, counted in its country's minute.
    private struct Count: Sendable {
        var country: String
        var time: Double
        var sent: Bool
        /// A send the breaker judges: its batch reads the country's figures.
        var judged: Bool
    }

    /// Counts a send to `country`; with `breaker`, then judges it by the country's figures as
    /// they stand once the count committed: refused while its breaker is open; opens it when
    /// the sends since the last hour (or since it last closed) reach its minimum while too few
    /// were verified. Of many sends at once the last batch sees them all. A send refused by an
    /// open breaker was counted too: an attempt during the cool-down is part of the traffic the
    /// next hour's figures judge. A breaker opens once however many replicas see the figures at
    /// once: its upsert only replaces a closed one.
    func send(to country: String, now: Date, breaker: SMSGateSettings.Breaker?) async throws -> Send {
        let time = now.timeIntervalSince1970
        let readings = try await counts.write(Count(country: country, time: time, sent: true, judged: breaker != nil))
        guard let breaker else { return .counted(tripped: nil) }
        let reading = readings[country] ?? Reading()
        if let until = reading.openUntil, until > time { return .breakerOpen(until: until) }
        let figures = reading.figures
        guard figures.sends >= breaker.minSends, figures.verified * 100 < breaker.minVerifiedPercent * figures.sends
        else { return .counted(tripped: nil) }
        let until = time + Double(breaker.cooldown.components.seconds)
        let opened = try await database.run(
            """
            INSERT INTO sms_breaker (country, opened_at, open_until) VALUES (\(country), \(time), \(until))
            ON CONFLICT (country) DO UPDATE SET opened_at = excluded.opened_at, open_until = excluded.open_until
            WHERE sms_breaker.open_until <= excluded.opened_at
            RETURNING 1
            """
        ).count
        return .counted(tripped: opened == 1 ? figures : nil)
    }

    /// Counts a code to `country` that was verified.
    func verified(in country: String, now: Date) async throws {
        try await counts.write(Count(country: country, time: now.timeIntervalSince1970, sent: false, judged: false))
    }

    /// Writes a batch of counts in one statement, summed per country and minute first (one
    /// statement may not change a row twice); then, for the countries of its judged sends, reads
    /// each breaker and the figures since the hour began or it last closed, whichever is later.
    private static func write(_ batch: [Count], to database: any SQLDatabase) async throws -> [String: Reading] {
        var rows: [String: (country: String, minute: Int64, sends: Int, verified: Int)] = [:]
        for count in batch {
            let minute = Int64(count.time / 60)
            let key = "\(count.country) \(minute)"
            rows[key, default: (count.country, minute, 0, 0)].sends += count.sent ? 1 : 0
            rows[key]?.verified += count.sent ? 0 : 1
        }
        guard !rows.isEmpty else { return [:] }
        let values = SQLQuery.joined(
            rows.values.map { "(\($0.country), \($0.minute), \($0.sends), \($0.verified))" })
        try await database.run(
            "INSERT INTO sms_country_minute (country, minute, sends, verified) VALUES " + values
                + " ON CONFLICT (country, minute) DO UPDATE SET sends = sms_country_minute.sends + excluded.sends,"
                + " verified = sms_country_minute.verified + excluded.verified")

        let judged = batch.filter(\.judged)
        guard let latest = judged.map(\.time).max() else { return [:] }
        let countries = SQLQuery.joined(Set(judged.map(\.country)).sorted().map { "\($0)" })
        let hourAgo = Int64((latest - 3600) / 60)
        let query: SQLQuery =
            "SELECT country, open_until, NULL, NULL FROM sms_breaker WHERE country IN (" + countries + ")"
                + """
                 UNION ALL
                SELECT m.country, NULL, CAST(sum(m.sends) AS BIGINT), CAST(sum(m.verified) AS BIGINT)
                FROM sms_country_minute m LEFT JOIN sms_breaker b ON b.country = m.country
                WHERE m.minute >= \(hourAgo) AND (m.minute + 1) * 60 > coalesce(b.open_until, 0) AND m.country IN (
                """ + countries + ") GROUP BY m.country"
        let found = try await database.read { db in try await db.fetchAll(query) }
        var readings: [String: Reading] = [:]
        for row in found {
            let country: String = try row.decode(0)
            if let until = try row.decode(1, as: Double?.self) {
                readings[country, default: Reading()].openUntil = until
            }
            if let sends = try row.decode(2, as: Int?.self) {
                readings[country, default: Reading()].figures = Figures(sends: sends, verified: try row.decode(3))
            }
        }
        return readings
    }

    /// Drops the minutes older than an hour.
    func sweep(now: Date) async throws {
        try await database.run(
            "DELETE FROM sms_country_minute WHERE minute < \(Int64((now.timeIntervalSince1970 - 3600) / 60))")
    }
}
