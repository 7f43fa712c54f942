import AsyncDeadlines
import Logging
import ServiceLifecycle
import Synchronization

/// One replica's share of the SMS breaker's counting: the sends and verified codes it counted
/// and has not written yet, and each country's figures as last read from the database, so that
/// under load the breaker costs statements by time (one write and one read per interval), not
/// one batch per burst of logins: a send is judged at once by the last figures read plus this
/// replica's own counts since. A send to a country without a recent reading (none yet, older
/// than two intervals, or taken before its breaker closed) waits for the next write and read,
/// which starts at once when the last one began an interval ago.
///
/// What the interval trades: on one replica the counting is exact; another replica's sends, and
/// a breaker another replica opened, are seen within about two intervals (100 ms in the
/// server), and a crash loses at most an interval of counts (a heuristic's, never an audit
/// event). A graceful shutdown writes what is left (``run()``). With an interval of zero every
/// judged send waits for its own batch's write and read, as a group commit.
///
/// ```swift
/// let tally = SMSCountryTally(interval: .milliseconds(100), logger: logger,
///     write: { counts in try await store.write(counts) },
///     read: { countries, time in try await store.readings(of: countries, at: time) })
/// let reading = try await tally.send(to: "GB", time: now)
/// tally.add("GB", time: now, sent: false)  // a verified code
/// ```
final class SMSCountryTally: Service, Sendable {
    /// A country's minute.
    struct Minute: Hashable, Sendable {
        var country: String
        var minute: Int64
    }

    /// A country's breaker and figures as read: `openUntil` in seconds since 1970.
    struct Reading: Sendable, Equatable {
        var openUntil: Double?
        var figures = SMSCountryStore.Figures(sends: 0, verified: 0)
    }

    typealias Write = @Sendable ([Minute: SMSCountryStore.Figures]) async throws -> Void
    typealias Read = @Sendable (_ countries: Set<String>, _ time: Double) async throws -> [String: Reading]

    private struct Held {
        var reading: Reading
        /// When it was read, for its freshness, and the time it was read for (the judged
        /// sends' latest), for a reading taken before the breaker closed.
        var readAt: ContinuousClock.Instant
        var time: Double
    }

    private struct Waiter {
        var country: String?
        var continuation: CheckedContinuation<Reading, any Error>
    }

    private struct State {
        /// Counted here and not yet written, per country and minute.
        var pending: [Minute: SMSCountryStore.Figures] = [:]
        /// Counts whose write failed: written with the next batch (not on their own, so an
        /// outage is not retried in a loop).
        var unwritten: [Minute: SMSCountryStore.Figures] = [:]
        var failing = false
        /// Counted here since each country's reading was taken (written or not).
        var local: [String: SMSCountryStore.Figures] = [:]
        var readings: [String: Held] = [:]
        /// Countries with a send judged since the last write, and the latest such send's time.
        var judged: Set<String> = []
        var latest = 0.0
        var waiting: [Waiter] = []
        var flushing = false
        var lastStart: ContinuousClock.Instant?
        /// The flushing task's wait for the interval, which ``flush()`` cuts short, and its entry
        /// in the shared timer (set just after the wait begins).
        var pause: (id: Int, continuation: CheckedContinuation<Void, Never>, timer: DeadlineTimer.Entry?)?
        var pauses = 0
        var urgent = false
        /// Set at shutdown: no more pauses, and ``run()`` waits for the flushing task to end.
        var stopped = false
        var stopping: [CheckedContinuation<Void, Never>] = []
    }

    private let interval: Duration
    private let write: Write
    private let read: Read
    private let logger: Logger
    private let state = Mutex(State())
    private let batchCount = Atomic<Int>(0)

    /// How many batches were written and read: at most one per interval.
    var batches: Int { batchCount.load(ordering: .relaxed) }

    init(interval: Duration, logger: Logger, write: @escaping Write, read: @escaping Read) {
        self.interval = interval
        self.logger = logger
        self.write = write
        self.read = read
    }

    /// Counts a send or a verified code that the breaker does not judge now; written with the
    /// next batch.
    func add(_ country: String, time: Double, sent: Bool) {
        let start = state.withLock { state in
            Self.add(country, time: time, sent: sent, to: &state)
            return claimFlushing(&state)
        }
        startFlushing(after: start)
    }

    /// Counts a send the breaker judges, and answers with its country's breaker and figures,
    /// this send included.
    func send(to country: String, time: Double) async throws -> Reading {
        let now = ContinuousClock.now
        return try await withCheckedThrowingContinuation { continuation in
            let (ready, start) = state.withLock { state -> (Reading?, Duration?) in
                Self.add(country, time: time, sent: true, to: &state)
                state.judged.insert(country)
                state.latest = max(state.latest, time)
                if let held = state.readings[country], isUsable(held, now: now, time: time) {
                    return (Self.figures(of: country, held.reading, in: state), claimFlushing(&state))
                }
                state.waiting.append(Waiter(country: country, continuation: continuation))
                return (nil, claimFlushing(&state))
            }
            if let ready { continuation.resume(returning: ready) }
            startFlushing(after: start)
        }
    }

    /// Records a breaker this replica opened, so its next sends are refused without a read.
    func opened(_ country: String, until: Double) {
        state.withLock { state in
            guard var held = state.readings[country] else { return }
            held.reading.openUntil = max(held.reading.openUntil ?? 0, until)
            state.readings[country] = held
        }
    }

    /// Forgets a country's reading: its next judged send reads the database.
    func forget(_ country: String) {
        _ = state.withLock { $0.readings.removeValue(forKey: country) }
    }

    /// Writes what is counted and not yet written, now rather than an interval after the last
    /// batch.
    func flush() async throws {
        _ = try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append(Waiter(country: nil, continuation: continuation))
                state.urgent = true
                return claimFlushing(&state)
            }
            startFlushing(after: start)
            endPause()
        }
    }

    /// Waits for the server's graceful shutdown, then writes what is left, and returns once the
    /// flushing task has ended: nothing of the tally (nor the database it holds) outlives the
    /// server, so a process opening the file next does not meet a pool still closing.
    func run() async throws {
        try? await gracefulShutdown()
        do {
            try await flush()
        } catch {
            logger.warning("SMS gate: could not write the last counts at shutdown: \(error)")
        }
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state in
                state.stopped = true
                if !state.flushing { return true }
                state.stopping.append(continuation)
                return false
            }
            if ended { return continuation.resume() }
            endPause()
        }
    }

    private func isUsable(_ held: Held, now: ContinuousClock.Instant, time: Double) -> Bool {
        guard now - held.readAt < interval * 2, abs(time - held.time) < 1 else { return false }
        // a breaker that closed since it was read: its figures count only the sends after it
        if let until = held.reading.openUntil, until <= time, held.time < until { return false }
        return true
    }

    private static func add(_ country: String, time: Double, sent: Bool, to state: inout State) {
        let minute = Minute(country: country, minute: Int64(time / 60))
        state.pending[minute, default: .init(sends: 0, verified: 0)].add(sent: sent)
        state.local[country, default: .init(sends: 0, verified: 0)].add(sent: sent)
    }

    private static func figures(of country: String, _ reading: Reading, in state: State) -> Reading {
        var reading = reading
        if let local = state.local[country] { reading.figures += local }
        return reading
    }

    /// Claims the flushing task's start unless it runs (in the caller's turn of the lock):
    /// answers the delay it begins after, an interval after the last batch began.
    private func claimFlushing(_ state: inout State) -> Duration? {
        guard !state.flushing else { return nil }
        state.flushing = true
        return state.lastStart.map { interval - (ContinuousClock.now - $0) } ?? .zero
    }

    /// Starts the flushing task that ``claimFlushing(_:)`` claimed, if it did.
    private func startFlushing(after delay: Duration?) {
        guard let delay else { return }
        Task {
            await pause(for: delay)
            await flushWhileDue()
        }
    }

    /// Waits `wait`, or less when ``flush()`` asks.
    private func pause(for wait: Duration) async {
        guard wait > .zero else { return }
        await withCheckedContinuation { continuation in
            let id = state.withLock { state -> Int? in
                if state.urgent || state.stopped { return nil }
                state.pauses += 1
                state.pause = (state.pauses, continuation, nil)
                return state.pauses
            }
            guard let id else { return continuation.resume() }
            let timer = DeadlineTimer.shared.schedule(after: wait) { [self] in endPause(id) }
            let ended = state.withLock { state in
                guard state.pause?.id == id else { return true }
                state.pause?.timer = timer
                return false
            }
            if ended { DeadlineTimer.shared.cancel(timer) }
        }
    }

    /// Ends the pause `id` (its time is up), or any (``flush()``, which cancels its timer).
    private func endPause(_ id: Int? = nil) {
        let (continuation, timer) = state.withLock {
            state -> (CheckedContinuation<Void, Never>?, DeadlineTimer.Entry?) in
            guard let pause = state.pause, id == nil || id == pause.id else { return (nil, nil) }
            state.pause = nil
            return (pause.continuation, id == nil ? pause.timer : nil)
        }
        if let timer { DeadlineTimer.shared.cancel(timer) }
        continuation?.resume()
    }

    /// Writes and reads until nothing is left to write or read, an interval apart.
    private func flushWhileDue() async {
        var stopping: [CheckedContinuation<Void, Never>] = []
        defer { for waiter in stopping { waiter.resume() } }
        while true {
            let taken = state.withLock { state -> (State, ContinuousClock.Instant)? in
                guard !state.pending.isEmpty || !state.waiting.isEmpty else {
                    state.flushing = false
                    swap(&stopping, &state.stopping)
                    return nil
                }
                let now = ContinuousClock.now
                state.lastStart = now
                state.urgent = false
                var taken = State()
                swap(&taken.pending, &state.pending)
                taken.pending.merge(state.unwritten, uniquingKeysWith: +)
                state.unwritten = [:]
                swap(&taken.waiting, &state.waiting)
                swap(&taken.judged, &state.judged)
                swap(&taken.latest, &state.latest)
                return (taken, now)
            }
            guard let (batch, started) = taken else { return }
            batchCount.add(1, ordering: .relaxed)
            await flush(batch)
            await pause(for: interval - (ContinuousClock.now - started))
        }
    }

    /// Writes one batch's counts, then reads its judged countries' breakers and figures and
    /// answers its waiters. Counts that could not be written go back to be written next time.
    private func flush(_ batch: State) async {
        let countries = batch.judged.union(batch.waiting.compactMap(\.country))
        do {
            if !batch.pending.isEmpty { try await write(batch.pending) }
        } catch {
            let first = state.withLock { state in
                state.unwritten.merge(batch.pending, uniquingKeysWith: +)
                defer { state.failing = true }
                return !state.failing
            }
            if first {
                logger.warning("SMS gate: could not write the breaker's counts (kept for the next write): \(error)")
            }
            for waiter in batch.waiting { waiter.continuation.resume(throwing: error) }
            return
        }
        if state.withLock({ state in
            defer { state.failing = false }
            return state.failing
        }) {
            logger.notice("SMS gate: the breaker's counts are written again")
        }
        let readings: [String: Reading]
        do {
            readings = countries.isEmpty ? [:] : try await read(countries, batch.latest)
        } catch {
            // the sends waiting for it are refused with the error, as their login's other
            // statements would be; the others keep their last reading
            for waiter in batch.waiting { waiter.continuation.resume(throwing: error) }
            return
        }
        let readAt = ContinuousClock.now
        let answers = state.withLock { state in
            for country in countries {
                var reading = readings[country] ?? Reading()
                if let mine = state.readings[country]?.reading.openUntil {
                    reading.openUntil = max(reading.openUntil ?? 0, mine)
                }
                state.readings[country] = Held(reading: reading, readAt: readAt, time: batch.latest)
                // what was counted since the batch was taken is not in the reading
                state.local[country] = state.pending.reduce(into: .init(sends: 0, verified: 0)) { sum, entry in
                    if entry.key.country == country { sum += entry.value }
                }
            }
            return batch.waiting.map { waiter -> Reading in
                guard let country = waiter.country, let held = state.readings[country] else { return Reading() }
                return Self.figures(of: country, held.reading, in: state)
            }
        }
        for (waiter, answer) in zip(batch.waiting, answers) { waiter.continuation.resume(returning: answer) }
    }
}

extension SMSCountryStore.Figures {
    fileprivate mutating func add(sent: Bool) {
        if sent { sends += 1 } else { verified += 1 }
    }

    fileprivate static func + (one: Self, other: Self) -> Self {
        Self(sends: one.sends + other.sends, verified: one.verified + other.verified)
    }

    fileprivate static func += (sum: inout Self, other: Self) { sum = sum + other }
}
