import AuthServer
import Foundation
import Hummingbird

/// `auth-server`: configuration comes from the environment and a `.env` file (see
/// `.env.example`); with none it runs in development mode against a local verify-emulator.
let dotEnv = (try? await Environment.dotEnv()) ?? Environment()
let environment = Environment().merging(with: dotEnv)
var values: [String: String] = [:]
for name in AuthConfiguration.settingNames {
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
