import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VerifyEmulator
import VerifyWire

/// The emulator's default account, as Basic auth.
let basicAuthorization =
    "Basic "
    + Data("\(TwilioAccount.default.sid.rawValue):\(TwilioAccount.default.authToken)".utf8).base64EncodedString()

extension Stack {
    /// Adds a fault rule on the emulator through its control API.
    func addFault(_ json: String) async throws {
        let status = try await emulator.client.execute(
            uri: "/emulator/v1/faults", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: json)
        ) { $0.status }
        #expect(status == .created || status == .ok)
    }
}

extension Stack {
    /// The Verify service development mode made on the emulator.
    func serviceSid() async throws -> String {
        let data = try await emulator.client.execute(
            uri: "/v2/Services", method: .get, headers: [.authorization: basicAuthorization]
        ) { response in Data(buffer: response.body) }
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let services = try #require(list["services"] as? [[String: Any]])
        let service = try #require(services.first { $0["friendly_name"] as? String == "Auth Server (dev)" })
        return try #require(service["sid"] as? String)
    }

    /// A JSON call to the emulator's control API.
    func control(
        _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil
    ) async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        try await emulator.client.execute(
            uri: path, method: method, headers: [.contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        ) { response in
            (
                response.status,
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            )
        }
    }

    /// Enrols a virtual phone (a verified push factor the emulator answers for) for `identity`.
    func enrolVirtualPhone(identity: String, name: String = "Test phone") async throws {
        let (status, _) = try await control(
            .post, "/emulator/v1/devices",
            #"{"service_sid": "\#(try await serviceSid())", "identity": "\#(identity)", "friendly_name": "\#(name)"}"#)
        #expect(status == .created)
    }

    /// Approves or denies the newest pending push challenge of `identity`, as the phone's user.
    func answerPush(identity: String, approve: Bool) async throws {
        let (_, list) = try await control(.get, "/emulator/v1/challenges?identity=\(identity)&status=pending")
        let challenges = try #require(list["challenges"] as? [[String: Any]])
        let sid = try #require(challenges.first?["sid"] as? String)
        let (status, _) = try await control(
            .post, "/emulator/v1/challenges/\(sid)/\(approve ? "approve" : "deny")")
        #expect(status == .ok)
    }
}
