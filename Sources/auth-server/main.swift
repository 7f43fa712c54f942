import AuthServer
import Foundation
import Hummingbird

/// `auth-server`: configuration comes from the environment and a `.env` file (see
/// `.env.example`); with none it runs in development mode against a local verify-emulator.
let dotEnv = (try? await Environment.dotEnv()) ?? Environment()
let environment = Environment().merging(with: dotEnv)
var values: [String: String] = [:]
for name in [
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_VERIFY_SERVICE_SID",
    "TWILIO_VERIFY_BASE_URL", "TWILIO_TIMEOUT", "SECRET_KEY", "ACCESS_TOKEN_LIFETIME", "JWT_ISSUER", "JWT_AUDIENCE",
    "HOST", "PORT", "AUTH_SERVER_DEVELOPMENT", "REFRESH_TOKEN_LIFETIME", "DATABASE_PATH",
    "SEND_LIMIT_PER_PHONE", "SEND_LIMIT_PER_IP", "VERIFY_LIMIT_PER_PHONE", "VERIFY_LIMIT_PER_IP", "LIMIT_WINDOW",
    "TRUST_PROXY", "TWILIO_RATE_LIMIT_KEY",
] {
    if let value = environment.get(name) ?? dotEnv.get(name) { values[name] = value }
}
do {
    let configuration = try AuthConfiguration.fromEnvironment(values)
    let app = try await buildAuthServer(configuration: configuration)
    try await app.runService()
} catch let error as AuthConfiguration.Invalid {
    FileHandle.standardError.write(Data("auth-server: cannot start: \(error)\n".utf8))
    exit(2)
}
