import AuthServer
import Foundation
import VerifyEmulator

/// The fuzz targets, by the name `scripts/fuzz.sh` and `FUZZ_TARGET` use.
enum FuzzTarget: String, CaseIterable {
    case twilioForm = "twilio-form"
    case controlBody = "control-body"
    case twilioDate = "twilio-date"
    case authJSON = "auth-json"
    case dotEnv = "dot-env"

    func run(_ bytes: [UInt8]) {
        switch self {
        case .twilioForm: VerifyEmulator.FuzzEntryPoints.twilioForm(bytes)
        case .controlBody: VerifyEmulator.FuzzEntryPoints.controlBody(bytes)
        case .twilioDate: VerifyEmulator.FuzzEntryPoints.twilioDate(bytes)
        case .authJSON: AuthServer.FuzzEntryPoints.jsonBody(bytes)
        case .dotEnv: AuthServer.FuzzEntryPoints.dotEnv(bytes)
        }
    }
}

#if FUZZING
import CFuzzerDriver

// Built with -sanitize=fuzzer: the executable's entry hands over to libFuzzer's driver, which
// calls the target named by FUZZ_TARGET once per input.
nonisolated(unsafe) private var selected = FuzzTarget.twilioForm

@_cdecl("verify_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(
            Data("set FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        return 64
    }
    selected = target
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}

/// libFuzzer's per-input callback, by the name its runtime also refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
/// Without the fuzzer: `verify-fuzz TARGET PATH...` runs every file (or every file in every
/// folder) through the target once, to replay a corpus or a crashing input.
@main
struct ReplayCommand {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: verify-fuzz \(names) FILE-OR-FOLDER...\n".utf8))
            exit(64)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("verify-fuzz: no such file or folder: \(path)\n".utf8))
                exit(66)
            }
            let files =
                isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                target.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("\(name): \(count) inputs, none crashed")
    }
}
#endif
