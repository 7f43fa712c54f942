import Synchronization

/// Wakes long-polling readers of `GET /emulator/v1/messages?wait=…` when a matching message is
/// delivered, so a test never sleeps and polls.
final class MessageFeed: Sendable {
    private let waiters = Mutex<[ObjectIdentifier: MessageWaiter]>([:])
    private let subscribers = Mutex<(next: Int, streams: [Int: AsyncStream<MessageRecord>.Continuation])>((0, [:]))

    /// Every message delivered from now on, until the stream is dropped (the live inbox).
    func subscribe() -> AsyncStream<MessageRecord> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MessageRecord.self, bufferingPolicy: .bufferingNewest(256))
        let id = subscribers.withLock { state in
            let id = state.next
            state.next += 1
            state.streams[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// Registers interest before the caller queries, so a message delivered in between is not
    /// missed; the caller must `cancel` the waiter when done.
    func register(_ filter: Outbox.Query) -> MessageWaiter {
        let waiter = MessageWaiter(filter: filter)
        waiters.withLock { $0[ObjectIdentifier(waiter)] = waiter }
        return waiter
    }

    func cancel(_ waiter: MessageWaiter) {
        _ = waiters.withLock { $0.removeValue(forKey: ObjectIdentifier(waiter)) }
        waiter.fire()
    }

    func publish(_ message: MessageRecord) {
        for continuation in subscribers.withLock({ Array($0.streams.values) }) { continuation.yield(message) }
        let matching = waiters.withLock { waiters in
            let matching = waiters.values.filter { $0.filter.matches(message) }
            for waiter in matching { waiters.removeValue(forKey: ObjectIdentifier(waiter)) }
            return matching
        }
        for waiter in matching { waiter.fire() }
    }

    var waiterCount: Int { waiters.withLock { $0.count } }
}
