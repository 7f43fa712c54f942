extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// Every case's raw value as a JSON array, for an OpenAPI `enum` written from the type, so
    /// the description cannot fall behind a new case.
    static var openAPIEnum: String {
        "[" + allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "]"
    }
}
