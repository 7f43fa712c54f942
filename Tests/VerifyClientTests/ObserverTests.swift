import Foundation
import Synchronization
import Testing
import VerifyEmulator
import VerifyWire

@testable import VerifyClient

@Suite("VerifyClient's observer: every call's operation, duration and outcome, for metrics")
struct ObserverTests {
    @Test("operations are the method and the path with SIDs and identities as :sid, without the query")
    func operations() {
        let base = "https://verify.twilio.com"
        #expect(
            VerifyClient.operation(method: "POST", url: base + "/v2/Services/VA1234/Verifications", baseURL: base)
                == "POST /v2/Services/:sid/Verifications")
        #expect(
            VerifyClient.operation(
                method: "GET", url: base + "/v2/Services/VA1/Entities/US0a1b/Factors?PageSize=50&Page=0", baseURL: base)
                == "GET /v2/Services/:sid/Entities/:sid/Factors")
        #expect(
            VerifyClient.operation(
                method: "GET", url: base + "/v2/Services/VA" + String(repeating: "f", count: 32), baseURL: base)
                == "GET /v2/Services/:sid")
        #expect(
            VerifyClient.operation(method: "DELETE", url: base + "/v2/Services/VA1/Entities/user-7", baseURL: base)
                == "DELETE /v2/Services/:sid/Entities/:sid")
        #expect(VerifyClient.operation(method: "GET", url: base + "/v2/Services", baseURL: base) == "GET /v2/Services")
        #expect(VerifyClient.operation(method: "GET", url: base + "/", baseURL: base) == "GET /")
        // an identity of letters that is not capitalised, or a number with a plus, is an id
        #expect(
            VerifyClient.operation(method: "GET", url: base + "/v2/Services/VA1/Entities/alice/Factors", baseURL: base)
                == "GET /v2/Services/:sid/Entities/:sid/Factors")
        #expect(
            VerifyClient.operation(
                method: "POST", url: base + "/v2/Services/VA1/VerificationCheck?To=%2B1555", baseURL: base)
                == "POST /v2/Services/:sid/VerificationCheck")
    }

    @Test("the observer hears each call once, with its outcome")
    func observed() async throws {
        let calls = Mutex<[VerifyClient.Call]>([])
        try await withClient { client, _ in
            var configuration = client.configuration
            configuration.observer = { call in calls.withLock { $0.append(call) } }
            let observed = VerifyClient(configuration: configuration)
            let service = try await observed.createService(.init(friendlyName: "Observed"))
            await #expect(throws: VerifyClientError.self) {
                _ = try await observed.fetchService(sid: "VA" + String(repeating: "f", count: 32))
            }
            try await observed.shutdown()
            let seen = calls.withLock { $0 }
            #expect(seen.map(\.operation) == ["POST /v2/Services", "GET /v2/Services/:sid"])
            #expect(seen.map(\.outcome) == [.answered(status: 201), .twilioError(code: 20404, status: 404)])
            #expect(seen.allSatisfy { $0.duration > .zero })
            #expect(service.sid.hasPrefix("VA"))
        }
    }
}
