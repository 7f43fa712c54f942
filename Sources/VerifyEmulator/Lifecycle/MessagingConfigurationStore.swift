import GRDB
import VerifyWire

/// A service's Messaging Service per country: the emulator sends nothing through them, but
/// shows on each "sent" message the one its number's country (or `all`) names.
struct MessagingConfigurationStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    struct Row: Sendable, Equatable, FetchableRecord, Decodable {
        /// The row's key in storage, which lists page by.
        var id: Int64
        var serviceSid: String
        var accountSid: String
        var country: String
        var messagingServiceSid: String
        var createdAt: Int64
        var updatedAt: Int64

        enum CodingKeys: String, CodingKey {
            case id, country
            case serviceSid = "service_sid"
            case accountSid = "account_sid"
            case messagingServiceSid = "messaging_service_sid"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }

    static let columns = "id, service_sid, account_sid, country, messaging_service_sid, created_at, updated_at"

    static func checkCountry(_ country: String) throws(TwilioError) {
        guard PhoneCountry.isCountry(country) else {
            throw .invalidParameter(
                "Country", hint: "Country must be an ISO 3166-1 alpha-2 code (CA, GB, …) or all, not '\(country)'")
        }
    }

    /// Creates the country's configuration; 409 when it exists (update it instead).
    func create(account: SID, service: SID, country: String, messagingService: SID) async throws -> Row {
        try Self.checkCountry(country)
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            if try Self.find(db, serviceID: serviceID, country: country) != nil {
                throw TwilioError(
                    code: 60208, status: 409, message: "Messaging configuration already exists",
                    hint:
                        "\(service) has a configuration for \(country); POST …/MessagingConfigurations/\(country) updates it"
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO messaging_configuration (service_id, service_sid, account_sid, country,
                        messaging_service_sid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    serviceID, service.rawValue, account.rawValue, country, messagingService.rawValue, now, now,
                ])
            return try Self.find(db, serviceID: serviceID, country: country)!
        }
    }

    func update(account: SID, service: SID, country: String, messagingService: SID) async throws -> Row {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            try db.execute(
                sql: """
                    UPDATE messaging_configuration SET messaging_service_sid = ?, updated_at = ?
                    WHERE service_id = ? AND country = ?
                    """, arguments: [messagingService.rawValue, now, serviceID, country])
            guard let row = try Self.find(db, serviceID: serviceID, country: country) else {
                throw NotFound("\(service) has no configuration for \(country)")
            }
            return row
        }
    }

    func fetch(account: SID, service: SID, country: String) async throws -> Row {
        try await writer.read { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            guard let row = try Self.find(db, serviceID: serviceID, country: country) else {
                throw NotFound("\(service) has no configuration for \(country)")
            }
            return row
        }
    }

    func list(account: SID, service: SID, page: PageRequest) async throws -> Page<Row> {
        try await writer.read { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            let window = page.window(newestFirst: false).sql(key: "id")
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.columns) FROM messaging_configuration WHERE service_id = ?"
                    + (window.condition.map { " AND " + $0 } ?? "") + " " + window.suffix,
                arguments: StatementArguments([serviceID] + window.arguments))
            return Page(fetched: rows, request: page) { $0.id }
        }
    }

    func delete(account: SID, service: SID, country: String) async throws {
        try await batcher.write { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            try db.execute(
                sql: "DELETE FROM messaging_configuration WHERE service_id = ? AND country = ?",
                arguments: [serviceID, country])
            if db.changesCount == 0 {
                throw NotFound("\(service) has no configuration for \(country)")
            }
        }
    }

    static func find(_ db: Database, serviceID: Int64, country: String) throws -> Row? {
        try Row.fetchOne(
            db, sql: "SELECT \(columns) FROM messaging_configuration WHERE service_id = ? AND country = ?",
            arguments: [serviceID, country])
    }

    /// The Messaging Service a message to `to` on the service goes through: its country's, else
    /// the `all` one.
    static func messagingService(_ db: Database, serviceSid: String, to: String) throws -> String? {
        let country = PhoneCountry.of(to) ?? "all"
        return try String.fetchOne(
            db,
            sql: """
                SELECT messaging_service_sid FROM messaging_configuration
                WHERE service_sid = ? AND country IN (?, 'all') ORDER BY country = 'all' LIMIT 1
                """, arguments: [serviceSid, country])
    }
}

extension MessagingConfigurationStore.Row {
    func resource(baseURL: String) -> MessagingConfigurationResource {
        MessagingConfigurationResource(
            accountSid: accountSid, serviceSid: serviceSid, country: country, messagingServiceSid: messagingServiceSid,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000),
            url: "\(baseURL)/v2/Services/\(serviceSid)/MessagingConfigurations/\(country)")
    }
}
