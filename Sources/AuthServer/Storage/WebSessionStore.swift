import Hummingbird

/// hummingbird-auth's session storage, in the auth server's database: sessions survive a
/// restart, and the sessions of one account can be deleted together (logout elsewhere on a
/// password change or reset, a disabled account), which is why the account id is kept beside
/// each value. ``ExpirySweeper`` calls ``sweep()``.
protocol WebSessionStore: PersistDriver {
    /// Deletes expired sessions.
    func sweep() async throws
}
