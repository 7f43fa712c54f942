#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a database path names (device and inode), so readiness can tell when the file
/// the emulator has open was deleted or replaced: SQLite goes on writing to the unlinked file,
/// and everything stored from then on would vanish with the process.
struct DatabaseFileIdentity: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64

    /// The identity of the file at `path` now; nil when there is none (`:memory:`, deleted).
    init?(path: String) {
        var info = stat()
        guard path != ":memory:", !path.isEmpty, stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
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
