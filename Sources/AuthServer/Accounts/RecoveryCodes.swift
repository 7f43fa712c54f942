/// One-time recovery codes: what signs in when every second factor is lost. Ten are issued when
/// the first factor is turned on (and again on request, voiding the old ones); each is shown once
/// and only its SHA-256 digest is stored. 50 random bits each: a slow hash adds nothing to that.
///
/// ```swift
/// let codes = RecoveryCodes.make()            // ["k7m2p-q9x4d", …]
/// RecoveryCodes.digest("K7M2P Q9X4D")         // same digest as "k7m2p-q9x4d"
/// ```
enum RecoveryCodes {
    static let count = 10
    /// Digits and lower-case letters without i, l, o and u, which read as others.
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    static func make() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let characters = (0..<10).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            return String(decoding: characters[0..<5], as: UTF8.self) + "-"
                + String(decoding: characters[5...], as: UTF8.self)
        }
    }

    /// The code as typed, normalised (case, spaces and dashes ignored), or nil when it cannot be one.
    static func normalized(_ typed: String) -> String? {
        let kept = typed.lowercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard kept.count == 10, kept.allSatisfy(alphabet.contains) else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The stored form of a code: SHA-256 hex of its normalised text.
    static func digest(_ typed: String) -> String? {
        guard let code = normalized(typed) else { return nil }
        return OpaqueToken.hash(code)
    }
}
