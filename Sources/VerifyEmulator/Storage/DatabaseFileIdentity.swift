#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which file a database path names (device and inode), so readiness can tell when the file
/// the emulator has open was deleted or replaced: SQLite goes on writing to the unlinked file,
/// and everything stored from then on would vanish with the process.
struct DatabaseFileIdentity: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64

    /// The identity of the file at `path` now; nil when there is none (`:memory:`, deleted).
    init?(path: String) {
        guard path != ":memory:", !path.isEmpty,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let device = Self.number(attributes[.systemNumber]),
            let inode = Self.number(attributes[.systemFileNumber])
        else { return nil }
        self.device = device
        self.inode = inode
    }

    /// An attribute's number: `UInt`/`UInt64` from FoundationEssentials, an `NSNumber` bridged
    /// from them where Foundation is loaded too (a plain `BinaryInteger` cast misses that one).
    private static func number(_ value: Any?) -> UInt64? {
        if let value = value as? UInt64 { return value }
        if let value = value as? UInt { return UInt64(value) }
        if let value = value as? Int, value >= 0 { return UInt64(value) }
        return nil
    }

    /// Throws saying what happened to the file at `path` since this identity was taken.
    func check(path: String) throws(DatabaseFileMissing) {
        guard let current = DatabaseFileIdentity(path: path) else {
            throw DatabaseFileMissing(description: "the database file \(path) was deleted")
        }
        guard current == self else {
            throw DatabaseFileMissing(description: "the database file \(path) was replaced by another file")
        }
    }
}

struct DatabaseFileMissing: Error, Sendable, CustomStringConvertible {
    var description: String
}
