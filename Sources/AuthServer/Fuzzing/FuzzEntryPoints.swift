/// The auth server's parsers of untrusted input, each callable with arbitrary bytes, for the
/// coverage-guided fuzzer (`scripts/fuzz.sh`) and for replaying its corpus as regression tests.
/// Each must return (or throw a refusal) for every input: a crash or a hang is a bug.
///
/// ```swift
/// FuzzEntryPoints.jsonBody(Array(#"{"phone_number": "+14155550100"}"#.utf8))
/// ```
public enum FuzzEntryPoints {
    /// A JSON API body, read as every body the API takes, and its fields checked as the handlers
    /// check them (phone numbers, emails, passwords, codes).
    public static func jsonBody(_ bytes: [UInt8]) {
        let example = "{}"
        if let send = try? JSONRequest.decode(SMSLoginController.SendRequest.self, from: bytes, example: example) {
            _ = try? PhoneNumber.normalize(send.phoneNumber)
        }
        if let check = try? JSONRequest.decode(SMSLoginController.VerifyRequest.self, from: bytes, example: example) {
            _ = try? PhoneNumber.normalize(check.phoneNumber)
            _ = check.code.trimmingWhitespace()
        }
        _ = try? JSONRequest.decode(TokensController.RefreshRequest.self, from: bytes, example: example)
        if let fields = try? JSONRequest.decode(JSONStrings.self, from: bytes, example: example).values {
            if let email = fields["email"] { _ = AccountService.checkEmail(email) }
            if let password = fields["password"] { _ = Passwords.problem(with: password, username: fields["username"]) }
            if let phone = fields["phone_number"] { _ = try? PhoneNumber.normalize(phone) }
        }
    }

    /// A `.env` file.
    public static func dotEnv(_ bytes: [UInt8]) {
        _ = try? DotEnv.parse(String(decoding: bytes, as: UTF8.self))
    }
}
