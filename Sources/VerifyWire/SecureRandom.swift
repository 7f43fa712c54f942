import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A random number generator drawing from the operating system's CSPRNG (`arc4random_buf`,
/// which is `getrandom(2)` on Linux) 4 KiB at a time.
///
/// `SystemRandomNumberGenerator` makes one system call per 64-bit value; a verification
/// needs five of them (two SIDs and a code), which showed in profiles under load. The values
/// are the same kernel randomness, only fetched in bulk, so codes and SIDs stay unguessable.
///
/// ```swift
/// var generator = SecureRandom()
/// let word = generator.next()
/// ```
public struct SecureRandom: RandomNumberGenerator, Sendable {
    public init() {}

    public mutating func next() -> UInt64 {
        SecureRandomPool.shared.next()
    }
}

/// The process-wide buffer behind ``SecureRandom``.
final class SecureRandomPool: Sendable {
    static let shared = SecureRandomPool()

    private struct Buffer {
        var words = [UInt64](repeating: 0, count: 512)
        var used = 512
    }
    private let buffer = Mutex(Buffer())

    func next() -> UInt64 {
        buffer.withLock { buffer in
            if buffer.used == buffer.words.count {
                buffer.words.withUnsafeMutableBytes { bytes in
                    arc4random_buf(bytes.baseAddress!, bytes.count)
                }
                buffer.used = 0
            }
            let word = buffer.words[buffer.used]
            // Handed out once: a used word is cleared rather than left in memory.
            buffer.words[buffer.used] = 0
            buffer.used += 1
            return word
        }
    }
}
