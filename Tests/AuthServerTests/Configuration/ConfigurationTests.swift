import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import Synchronization
import Testing
import VerifyClient
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

@Suite("Auth server: configuration")
struct ConfigurationTests {
    let production = [
        "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32), "SECRET_KEY": secret,
    ]

    @Test("production settings are read; no settings at all is development mode")
    func modes() throws {
        let configuration = try AuthConfiguration.fromEnvironment(production)
        #expect(!configuration.developmentMode)
        #expect(configuration.verify.baseURL == "https://verify.twilio.com")
        #expect(configuration.accessTokenLifetime == .seconds(86_400))
        let development = try AuthConfiguration.fromEnvironment([:])
        #expect(development.developmentMode)
        #expect(development.verify.baseURL == "http://127.0.0.1:4010")
        #expect(development.secretKey.count == 32)
    }

    @Test(
        "missing or invalid settings name the setting",
        arguments: [
            ("TWILIO_AUTH_TOKEN", nil, "TWILIO_AUTH_TOKEN"),
            ("TWILIO_VERIFY_SERVICE_SID", nil, "TWILIO_VERIFY_SERVICE_SID"),
            ("TWILIO_VERIFY_SERVICE_SID", "VA123", "TWILIO_VERIFY_SERVICE_SID"),
            ("SECRET_KEY", nil, "SECRET_KEY"),
            ("SECRET_KEY", "short", "SECRET_KEY"),
            ("SECRET_KEY", String(repeating: "a", count: 40), "SECRET_KEY"),
            ("SECRET_KEY", "changeme-changeme-changeme-changeme-123", "SECRET_KEY"),
            ("PORT", "http", "PORT"),
            ("ACCESS_TOKEN_LIFETIME", "5", "ACCESS_TOKEN_LIFETIME"),
            ("TWILIO_VERIFY_BASE_URL", "ftp://x", "TWILIO_VERIFY_BASE_URL"),
        ] as [(String, String?, String)])
    func invalid(name: String, value: String?, setting: String) {
        var environment = production
        environment[name] = value
        #expect {
            try AuthConfiguration.fromEnvironment(environment)
        } throws: { error in
            (error as? AuthConfiguration.Invalid)?.setting == setting
        }
    }

    @Test("phone numbers normalise to one E.164 identity")
    func phones() throws {
        #expect(try PhoneNumber.normalize("+1 (415) 555-0100") == "+14155550100")
        #expect(try PhoneNumber.normalize("0044 20 7946 0958") == "+442079460958")
        #expect(try PhoneNumber.normalize(" +49 30 901820 ") == "+4930901820")
        #expect(throws: PhoneNumber.Invalid.self) { try PhoneNumber.normalize("415-555-0100") }
        #expect(throws: PhoneNumber.Invalid.self) { try PhoneNumber.normalize("+1 415 555 01000") }
        #expect(throws: PhoneNumber.Invalid.self) { try PhoneNumber.normalize("+1 415 555 O100") }
    }
}
