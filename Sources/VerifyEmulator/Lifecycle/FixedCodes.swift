import GRDB
import VerifyWire

/// Deterministic codes: a code every verification gets, per service, or per recipient (the most
/// specific wins), so demos and tests can know a code in advance. Stored in SQLite like all state;
/// a verification started with `CustomCode` still uses its own code.
public struct FixedCode: Codable, Sendable, Equatable {
    /// The recipient (`To`) this code applies to, if scoped to one.
    public var to: String?
    /// The service this code applies to, if scoped to one.
    public var serviceSid: String?
    public var code: String

    public init(code: String, to: String? = nil, serviceSid: String? = nil) {
        self.code = code
        self.to = to
        self.serviceSid = serviceSid
    }

    enum CodingKeys: String, CodingKey {
        case to, code
        case serviceSid = "service_sid"
    }

    /// Why this rule is unusable, or nil: a code is 4 to 10 letters or digits, and a rule names
    /// at most one of `to` and `service_sid`.
    public var problem: String? {
        if !isWellFormedCode(code) {
            return "code must be 4 to 10 letters or digits"
        }
        if to != nil, serviceSid != nil { return "give either to or service_sid, not both" }
        if let serviceSid, SID(serviceSid, expecting: .service) == nil {
            return "service_sid must be VA followed by 32 hex digits"
        }
        if let to, to.isEmpty { return "to must not be empty" }
        return nil
    }

    /// Whom a rule applies to, as the `fixed_code.scope` column stores it; the most specific wins.
    enum Scope: String {
        case recipient, service, all
    }

    /// The rule's scope and its key in that scope (the recipient, the service SID, or empty).
    var scope: (kind: Scope, key: String) {
        if let to { return (.recipient, to) }
        if let serviceSid { return (.service, serviceSid) }
        return (.all, "")
    }
}

/// The fixed-code rules in SQLite, for the control API and fixtures. The rule a new verification
/// gets is read on the hot path, by ``VerificationQueries/fixedCode(_:to:serviceSid:)``.
enum FixedCodes {
    static func set(_ db: Database, _ rule: FixedCode) throws {
        let scope = rule.scope
        try db.execute(
            sql: "INSERT OR REPLACE INTO fixed_code (scope, key, code) VALUES (?, ?, ?)",
            arguments: [scope.kind.rawValue, scope.key, rule.code])
    }

    /// Removes the rule with this rule's scope; returns whether one existed.
    static func remove(_ db: Database, to: String?, serviceSid: String?) throws -> Bool {
        let scope = FixedCode(code: "", to: to, serviceSid: serviceSid).scope
        try db.execute(
            sql: "DELETE FROM fixed_code WHERE scope = ? AND key = ?", arguments: [scope.kind.rawValue, scope.key])
        return db.changesCount > 0
    }

    static func all(_ db: Database) throws -> [FixedCode] {
        try Row.fetchAll(db, sql: "SELECT scope, key, code FROM fixed_code ORDER BY scope, key").map { row in
            let scope = FixedCode.Scope(rawValue: row[0])
            let key: String = row[1]
            return FixedCode(
                code: row[2], to: scope == .recipient ? key : nil, serviceSid: scope == .service ? key : nil)
        }
    }
}
