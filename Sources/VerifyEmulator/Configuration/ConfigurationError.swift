/// A setting the emulator cannot run with, said in words a user can act on.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
