import Synchronization

/// The hash that a login for an unknown account is compared against, made on first use.
final class TimingHash: Sendable {
    let value = Mutex<String?>(nil)
}
