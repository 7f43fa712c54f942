import Foundation

/// `DATABASE_URL` in libpq's URL form: `postgres://user:password@host:port/database?sslmode=…`
/// (or `postgresql://`); user, password and database percent-decoded, port 5432 by default, a
/// Unix socket with `?host=/run/postgresql` (or an empty host and that parameter). `sslmode`
/// is `disable`, `prefer` (the default), `require`, `verify-ca` or `verify-full`; `options`
/// (e.g. `-c search_path=auth`) is passed to the server.
///
/// ```swift
/// let url = try PostgresURL("postgres://auth:secret@db.internal:5432/auth?sslmode=require")
/// url.host    // "db.internal"
/// ```
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, Equatable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String?
    /// The folder of the server's Unix socket (`?host=/run/postgresql`), instead of a host.
    public var socketDirectory: String?
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// libpq's `options` (`-c search_path=tenant`), sent to the server at connection start.
    public var options: String?

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var problem: String
        public var description: String { problem }
    }

    public init(_ text: String) throws(Invalid) {
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw Invalid(problem: "must start with postgres:// or postgresql://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[String(parts[0])] = parts.count > 1 ? Self.decoded(parts[1]) : ""
            }
            rest = rest[..<mark]
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = Self.decoded(credentials[..<colon])
                password = Self.decoded(credentials[credentials.index(after: colon)...])
            } else {
                user = Self.decoded(credentials)
            }
        }
        var hostText = String(rest)
        var portText: String?
        if hostText.hasPrefix("[") {  // an IPv6 literal
            guard let close = hostText.firstIndex(of: "]") else { throw Invalid(problem: "an IPv6 host needs its ]") }
            let after = hostText[hostText.index(after: close)...]
            if after.hasPrefix(":") { portText = String(after.dropFirst()) }
            hostText = String(hostText[hostText.index(after: hostText.startIndex)..<close])
        } else if let colon = hostText.lastIndex(of: ":") {
            portText = String(hostText[hostText.index(after: colon)...])
            hostText = String(hostText[..<colon])
        }
        if let portText = query["port"] ?? portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw Invalid(problem: "the port '\(portText)' must be a number from 1 to 65535")
            }
            self.port = port
        } else {
            self.port = 5432
        }
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        socketDirectory = socket
        host = socket == nil ? (query["host"] ?? (hostText.isEmpty ? nil : Self.decoded(Substring(hostText)))) : nil
        guard host != nil || socketDirectory != nil else {
            throw Invalid(problem: "names no host (postgres://user@host/db, or ?host=/run/postgresql for a socket)")
        }
        guard let name = user ?? query["user"], !name.isEmpty else {
            throw Invalid(problem: "names no user (postgres://user:password@host/db)")
        }
        self.user = name
        self.password = password ?? query["password"]
        let database = Self.decoded(Substring(path))
        self.database = database.isEmpty ? (query["dbname"] ?? name) : database
        let mode = query["sslmode"] ?? "prefer"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw Invalid(
                problem: "sslmode '\(mode)' must be disable, allow, prefer, require, verify-ca or verify-full")
        }
        self.sslMode = sslMode
        options = query["options"]
    }

    /// The URL without its password, for logs and errors.
    public var description: String {
        let place = socketDirectory.map { "[socket \($0)]" } ?? "\(host ?? ""):\(port)"
        return "postgres://\(user)@\(place)/\(database)"
    }

    /// Where it connects, for one-line errors: `db.internal:5432` or the socket path.
    public var place: String {
        socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } ?? "\(host ?? ""):\(port)"
    }

    private static func decoded(_ text: Substring) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }
}
