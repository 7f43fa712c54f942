import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Start parameters the spec restricts: RiskCheck, Tags, ChannelConfiguration, DeviceIp, Amount and Payee")
struct StartParameterTests {
    static let elevenTags: String = {
        let pairs: [String] = (0..<11).map { index in "\"k\(index)\": \"v\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }()
    static let longTag: String = "{\"k\": \"" + String(repeating: "v", count: 129) + "\"}"

    @Test(
        "a bad value is 400 / 60200 naming the parameter",
        arguments: [
            ([("RiskCheck", "maybe")], "RiskCheck"),
            ([("Tags", "not json")], "Tags"),
            ([("Tags", elevenTags)], "Tags"),
            ([("Tags", longTag)], "Tags"),
            ([("Tags", #"{"k": 1}"#)], "Tags"),
            ([("ChannelConfiguration", "[]")], "ChannelConfiguration"),
            ([("ChannelConfiguration", #"{"from": "not an address"}"#)], "ChannelConfiguration"),
            ([("ChannelConfiguration", #"{"from_name": 7}"#)], "ChannelConfiguration"),
            ([("DeviceIp", "999.1.1.1")], "DeviceIp"),
            ([("DeviceIp", "localhost")], "DeviceIp"),
            ([("Amount", "10.00")], "Payee"),
            ([("Payee", "Acme")], "Amount"),
            ([("Amount", "10.00"), ("Payee", "Acme")], "Amount"),  // the service has no PSD2
        ])
    func refused(extra: [(String, String)], parameter: String) async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let refused = try await api.startVerification(service, to: "+15005550006", extra)
            #expect(refused.status == .badRequest)
            #expect(refused.error?.code == 60200 && refused.error?.message == "Invalid parameter: \(parameter)")
        }
    }

    @Test("good values start a verification; RiskCheck=disable bypasses Fraud Guard")
    func accepted() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let good: [[(String, String)]] = [
                [("RiskCheck", "enable")], [("Tags", #"{"order": "42", "flow": "login"}"#)],
                [("ChannelConfiguration", #"{"from": "no-reply@example.com", "from_name": "Shop"}"#)],
                [("DeviceIp", "192.0.2.1")], [("DeviceIp", "2001:db8::1")],
            ]
            for (index, extra) in good.enumerated() {
                let started = try await api.startVerification(service, to: "+1500555010\(index)", extra)
                #expect(started.status == .created, "\(extra): \(started.error as Any)")
            }
            let psd2 = try await api.createService("Bank", [("Psd2Enabled", "true")])
            #expect(
                try await api.startVerification(psd2, to: "+15005550006", [("Amount", "€39.99"), ("Payee", "Acme")])
                    .status == .created)

            _ = try await api.control(
                .post, "/emulator/v1/faults",
                json: #"{"endpoint": "verifications", "to": "+15005550003", "error": {"code": 60410}}"#)
            #expect(try await api.startVerification(service, to: "+15005550003").error?.code == 60410)
            #expect(
                try await api.startVerification(service, to: "+15005550003", [("RiskCheck", "disable")]).status
                    == .created)
        }
    }
}
