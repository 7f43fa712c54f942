import Logging

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
/// Sends and verified codes are counted by each replica's ``SMSCountryTally`` and written in
/// batches, at most one per interval: a country's row for this minute is every send's, so
/// counting each send in a statement of its own made every send to one country wait in line for
/// that row, and reading the figures once per send doubled the statements of a login. A batch
/// is one upsert (summed per row) and one read of its judged countries' breakers and figures.
struct SMSCountryStore: Sendable {
    let database: any SQLDatabase
    /// This replica's counts not yet written and figures last read.
    let tally: SMSCountryTally

    /// `interval`: the least time between two batches (the server's is 100 ms); zero writes
    /// and reads for every judged send, as soon as the batch before is done.
    init(database: any SQLDatabase, interval: Duration, logger: Logger) {
        self.database = database
        tally = SMSCountryTally(
            interval: interval, logger: logger, write: { [database] in try await Self.write($0, to: database) },
            read: { [database] in try await Self.readings(of: $0, at: $1, in: database) })
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

    /// Counts a send to `country`; with `breaker`, then judges it by the country's figures (the
    /// last read, with this replica's counts since): refused while its breaker is open; opens it
    /// when the sends since the last hour (or since it last closed) reach its minimum while too
    /// few were verified. A send refused by an open breaker was counted too: an attempt during
    /// the cool-down is part of the traffic the next hour's figures judge. A breaker opens once
    /// however many replicas see the figures at once: its upsert only replaces a closed one.
    func send(to country: String, now: Date, breaker: SMSGateSettings.Breaker?) async throws -> Send {
        let time = now.timeIntervalSince1970
        guard let breaker else {
            tally.add(country, time: time, sent: true)
            return .counted(tripped: nil)
        }
        let reading = try await tally.send(to: country, time: time)
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
        guard opened == 1 else {
            // another send or replica opened it: the next send reads when it closes
            tally.forget(country)
            return .counted(tripped: nil)
        }
        tally.opened(country, until: until)
        return .counted(tripped: figures)
    }

    /// Counts a code to `country` that was verified (written with the next batch).
    func verified(in country: String, now: Date) {
        tally.add(country, time: now.timeIntervalSince1970, sent: false)
    }

    /// Writes a batch of counts in one statement, summed per country and minute.
    private static func write(_ counts: [SMSCountryTally.Minute: Figures], to database: any SQLDatabase) async throws {
        let values = SQLQuery.joined(
            counts.map { "(\($0.key.country), \($0.key.minute), \($0.value.sends), \($0.value.verified))" })
        try await database.run(
            "INSERT INTO sms_country_minute (country, minute, sends, verified) VALUES " + values
                + " ON CONFLICT (country, minute) DO UPDATE SET sends = sms_country_minute.sends + excluded.sends,"
                + " verified = sms_country_minute.verified + excluded.verified")
    }

    /// Reads each country's breaker and its figures since the hour before `time` began or the
    /// breaker last closed, whichever is later.
    private static func readings(
        of countries: Set<String>, at time: Double, in database: any SQLDatabase
    )
        async throws -> [String: SMSCountryTally.Reading]
    {
        let list = SQLQuery.joined(countries.sorted().map { "\($0)" })
        let hourAgo = Int64((time - 3600) / 60)
        let query: SQLQuery =
            "SELECT country, open_until, NULL, NULL FROM sms_breaker WHERE country IN (" + list + ")"
                + """
                 UNION ALL
                SELECT m.country, NULL, CAST(sum(m.sends) AS BIGINT), CAST(sum(m.verified) AS BIGINT)
                FROM sms_country_minute m LEFT JOIN sms_breaker b ON b.country = m.country
                WHERE m.minute >= \(hourAgo) AND (m.minute + 1) * 60 > coalesce(b.open_until, 0) AND m.country IN (
                """ + list + ") GROUP BY m.country"
        let found = try await database.read { db in try await db.fetchAll(query) }
        var readings: [String: SMSCountryTally.Reading] = [:]
        for row in found {
            let country: String = try row.decode(0)
            if let until = try row.decode(1, as: Double?.self) {
                readings[country, default: .init()].openUntil = until
            }
            if let sends = try row.decode(2, as: Int?.self) {
                readings[country, default: .init()].figures = Figures(sends: sends, verified: try row.decode(3))
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
