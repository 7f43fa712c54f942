/// Whom an access or refresh token was issued to: the phone number of an SMS login, or the
/// account of a password login (its `US…` sid, which never changes).
///
/// ```swift
/// switch TokenSubject(claims.sub.value) {
/// case .phoneNumber(let phone): …
/// case .account(let sid): …
/// }
/// ```
enum TokenSubject: Sendable, Equatable {
    case phoneNumber(String)
    case account(sid: String)

    /// Reads a `sub` claim: account sids start with `US`, phone numbers with `+`.
    init(_ subject: String) {
        self = subject.hasPrefix("US") ? .account(sid: subject) : .phoneNumber(subject)
    }

    /// The `sub` claim.
    var claim: String {
        switch self {
        case .phoneNumber(let phone): phone
        case .account(let sid): sid
        }
    }
}
