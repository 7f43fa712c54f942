/// `verify.v2.verification_template`: a message template with its translations.
public struct TemplateResource: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var friendlyName: String
    public var channels: [String]
    public var translations: [String: Translation]

    public struct Translation: Codable, Sendable, Equatable {
        public var isDefaultTranslation: Bool
        public var status: String
        public var locale: String
        public var text: String
        public var dateCreated: String
        public var dateUpdated: String

        public init(
            isDefaultTranslation: Bool, status: String, locale: String, text: String, dateCreated: String,
            dateUpdated: String
        ) {
            self.isDefaultTranslation = isDefaultTranslation
            self.status = status
            self.locale = locale
            self.text = text
            self.dateCreated = dateCreated
            self.dateUpdated = dateUpdated
        }

        enum CodingKeys: String, CodingKey {
            case status, locale, text
            case isDefaultTranslation = "is_default_translation"
            case dateCreated = "date_created"
            case dateUpdated = "date_updated"
        }
    }

    public init(
        sid: String, accountSid: String, friendlyName: String, channels: [String], translations: [String: Translation]
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.channels = channels
        self.translations = translations
    }

    enum CodingKeys: String, CodingKey {
        case sid, channels, translations
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
    }
}
