/// The `client_secret_hash` of a client secret for `OAUTH_CLIENTS_FILE`: bcrypt at cost 12, as
/// passwords are hashed, so the file holds nothing that signs in as the client.
///
/// ```sh
/// openssl rand -hex 32 | tee secret.txt | auth-server hash-client-secret
/// ```
public enum ClientSecretHash {
    /// Why `secret` cannot be a client secret, or nil.
    public static func problem(with secret: String) -> String? {
        guard secret.utf8.count >= 32, secret.utf8.count <= Passwords.maximumBytes, Set(secret.utf8).count >= 12,
            !Passwords.hasControlCharacters(secret)
        else { return "a client secret is 32 to 72 random characters (openssl rand -hex 32)" }
        return nil
    }

    /// The bcrypt hash of `secret` (check ``problem(with:)`` first).
    public static func make(_ secret: String) async throws -> String {
        try await Passwords(cost: 12).hash(secret)
    }
}
