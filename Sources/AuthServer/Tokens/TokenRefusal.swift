/// Why a bearer token was refused; `message` is the `msg` the client sees, as
/// flask-jwt-extended words it.
public struct TokenRefusal: Error, Sendable, Equatable {
    public var message: String
}
