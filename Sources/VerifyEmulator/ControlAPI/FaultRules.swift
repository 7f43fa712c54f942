import Synchronization

/// The active fault rules. Kept in memory: they are settings of a run (from fixtures or the
/// control API), and "fail the next N" needs an atomic countdown that every request consults.
final class FaultRules: Sendable {
    private struct State {
        var rules: [FaultRule] = []
        var nextID = 1
    }
    private let state = Mutex(State())

    init(_ rules: [FaultRule] = []) {
        for rule in rules { _ = add(rule) }
    }

    var isEmpty: Bool { state.withLock { $0.rules.isEmpty } }

    /// Whether any rule plays Fraud Guard (then a request's `To` is looked up in the safe list).
    var hasFraudGuard: Bool { state.withLock { $0.rules.contains { $0.isFraudGuard } } }

    func add(_ rule: FaultRule) -> FaultRule {
        state.withLock { state in
            var rule = rule
            rule.id = "FR\(state.nextID)"
            state.nextID += 1
            state.rules.append(rule)
            return rule
        }
    }

    func all() -> [FaultRule] { state.withLock { $0.rules } }

    func remove(id: String) -> Bool {
        state.withLock { state in
            let before = state.rules.count
            state.rules.removeAll { $0.id == id }
            return state.rules.count != before
        }
    }

    func removeAll() { state.withLock { $0.rules.removeAll() } }

    /// Puts back rules as a snapshot saved them, ids and remaining counts included; new rules
    /// get ids after theirs.
    func replace(with rules: [FaultRule]) {
        state.withLock { state in
            state.rules = rules
            let numbers = rules.compactMap { $0.id.flatMap { Int($0.dropFirst(2)) } }
            state.nextID = max(state.nextID, (numbers.max() ?? 0) + 1)
        }
    }

    /// The first rule matching the request, counting down (and retiring) a limited one.
    /// A safe-listed `To` passes the rules that play Fraud Guard.
    func take(endpoint: TwilioEndpoint, serviceSid: String?, to: String?, safeListed: Bool = false) -> FaultRule? {
        state.withLock { state in
            guard
                let index = state.rules.firstIndex(where: {
                    $0.matches(endpoint: endpoint, serviceSid: serviceSid, to: to, safeListed: safeListed)
                })
            else { return nil }
            let rule = state.rules[index]
            if let times = rule.times {
                if times <= 1 { state.rules.remove(at: index) } else { state.rules[index].times = times - 1 }
            }
            return rule
        }
    }
}
