/// What this binary was built from, for `--version` and the `build_info` metric.
///
/// ```swift
/// print("verify-emulator \(BuildInfo.description)")   // verify-emulator 0.1.0 (commit 20beb15a1c2d)
/// ```
public enum BuildInfo {
    /// The release this build belongs to: the repository's `VERSION` file.
    public static let version = generatedVersion
    /// The abbreviated git commit, `VERIFY_BUILD_COMMIT` when the build had no `.git`, or "unknown".
    public static let commit = generatedCommit
    /// "0.1.0 (commit 20beb15a1c2d)".
    public static var description: String { "\(version) (commit \(commit))" }
}
