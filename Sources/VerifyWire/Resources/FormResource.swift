/// `verify.v2.form`: the forms (JSON Schemas) of a factor type's requests; only `form-push`.
public struct FormResource: Codable, Sendable, Equatable {
    public var formType: String
    public var forms: [String: [String: String]]
    public var formMeta: [String: String]
    public var url: String

    public init(formType: String, forms: [String: [String: String]], formMeta: [String: String], url: String) {
        self.formType = formType
        self.forms = forms
        self.formMeta = formMeta
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case forms, url
        case formType = "form_type"
        case formMeta = "form_meta"
    }
}
