import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

/// Every input in `Tests/Fixtures/fuzz/TARGET/` (the seeds, and each crash the fuzzer ever
/// found) through the emulator's fuzz entry points: a crash would end the test run.
func fuzzCorpus(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
    let folder = repositoryRoot().appendingPathComponent("Tests/Fixtures/fuzz/\(target)")
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
        (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }
}

@Suite("Fuzz corpus: the emulator's parsers take every input the fuzzer kept")
struct FuzzCorpusTests {
    @Test("Twilio form bodies and queries")
    func twilioForm() throws {
        let corpus = try fuzzCorpus("twilio-form")
        #expect(corpus.count >= 10)
        for input in corpus { FuzzEntryPoints.twilioForm(input.bytes) }
        // the inputs that once crashed the emulator are refusals now
        for wait in ["1e20", "nan", "-inf", "1e20s"] {
            #expect(throws: TwilioError.self) { try ControlAPI.parseWait(wait) }
        }
    }

    @Test("control-API bodies and fixtures files")
    func controlBody() throws {
        let corpus = try fuzzCorpus("control-body")
        #expect(corpus.count >= 10)
        for input in corpus { FuzzEntryPoints.controlBody(input.bytes) }
        let longFraction = try #require(corpus.first { $0.name == "seed-clock-set-long-fraction" })
        let change = try ControlBody.decode(
            ClockChange.self, from: longFraction.bytes, accepts: AcceptedKeys.clockChange)
        let clock = EmulatorClock()
        try change.apply(to: clock, account: nil)
        #expect(TwilioDate.format(clock.now()) == "2030-01-01T00:00:00Z")
        let huge = try #require(corpus.first { $0.name == "seed-clock-huge" })
        let refused = try ControlBody.decode(ClockChange.self, from: huge.bytes, accepts: AcceptedKeys.clockChange)
        #expect(throws: TwilioError.self) { try refused.apply(to: EmulatorClock(), account: nil) }
    }

    @Test("Twilio dates")
    func twilioDate() throws {
        let corpus = try fuzzCorpus("twilio-date")
        #expect(corpus.count >= 5)
        for input in corpus { FuzzEntryPoints.twilioDate(input.bytes) }
        #expect(TwilioDate.parse("2030-02-30T25:61:61Z") == nil)
    }
}
