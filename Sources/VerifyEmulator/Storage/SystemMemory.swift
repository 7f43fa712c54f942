#if canImport(Glibc)
import Glibc
#endif

/// The process's memory, as the operating system sees it.
enum SystemMemory {
    /// Returns the allocator's free pages to the system. glibc keeps what a burst of requests
    /// freed in its per-thread arenas, so an emulator that has served a load test would stay
    /// several megabytes larger for the rest of the day; `malloc_trim` gives them back. It is
    /// looked up at run time (Swift's Glibc module does not declare it; other C libraries
    /// lack it), and without it this does nothing.
    static func returnFreePages() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
