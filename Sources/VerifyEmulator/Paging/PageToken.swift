import VerifyWire

/// Twilio's opaque `PageToken`: where the previous page ended (`PA…`, the page after a row) or
/// where the next page began (`PB…`, the page before a row), so a list walked through its
/// `next_page_url` neither repeats nor skips rows that were created or deleted meanwhile.
///
/// The token also carries a digest of the list it was written for (path and filters), so a
/// token used on another list, or with other filters, is refused rather than silently read.
///
/// ```swift
/// let token = PageToken(direction: .after, key: 42, list: digest)
/// token.text                                   // "PA" + 16 base64url characters
/// try PageToken(parsing: token.text, list: digest) == token
/// ```
struct PageToken: Sendable, Equatable {
    enum Direction: String, Sendable {
        /// The rows after `key` in the list's order (a next page).
        case after = "PA"
        /// The rows before `key` in the list's order (a previous page).
        case before = "PB"
    }

    var direction: Direction
    /// The row's key in the list's order: its `id` in storage, or its place in a fixed catalogue.
    var key: Int64
    /// ``ListDigest`` of the list the token was written for.
    var list: UInt32

    var text: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(12)
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: list >> shift)) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: key >> shift)) }
        return direction.rawValue + Base64URL.encode(bytes)
    }

    init(direction: Direction, key: Int64, list: UInt32) {
        self.direction = direction
        self.key = key
        self.list = list
    }

    /// Reads a token written for the list with digest `list`; anything else is Twilio's 21481.
    init(parsing text: String, list expected: UInt32) throws(TwilioError) {
        guard let direction = Direction(rawValue: String(text.prefix(2))),
            let bytes = Base64URL.decode(text.dropFirst(2)), bytes.count == 12
        else {
            throw .invalidPageToken(
                hint: "PageToken '\(text.prefix(64))' is not a token this emulator wrote; follow the list's "
                    + "next_page_url or previous_page_url as given")
        }
        let list = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let key = bytes[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard list == expected else {
            throw .invalidPageToken(
                hint: "PageToken '\(text)' was written for another list or other filters; keep the filters "
                    + "of the page it came from")
        }
        self.init(direction: direction, key: Int64(bitPattern: key), list: list)
    }
}

/// A digest of a list's identity: its path and its filters in ``PagedList/filterNames`` order, so
/// the order the caller wrote them in does not matter. FNV-1a: the token is a cursor within the
/// caller's own account, not a secret, so it only has to tell lists apart.
enum ListDigest {
    static func of(path: String, filters: [(name: String, value: String)]) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        func add(_ text: String) {
            for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
            hash = (hash ^ 0) &* 0x0100_0193
        }
        add(path)
        for (name, value) in filters {
            add(name)
            add(value)
        }
        return hash
    }
}
