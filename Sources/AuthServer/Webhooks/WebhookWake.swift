/// A nudge to this replica's ``WebhookDispatcher``: a message was enqueued, or its poll is due.
/// Nudges while it is busy fold into one.
final class WebhookWake: Sendable {
    let nudges: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (nudges, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func wake() {
        continuation.yield()
    }

    func finish() {
        continuation.finish()
    }
}
