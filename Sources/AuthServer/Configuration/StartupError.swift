/// Why the auth server could not start although its settings are valid (an upstream it needs at
/// start did not answer), said in one line an operator can act on.
public struct StartupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
