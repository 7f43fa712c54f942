import VerifyWire

/// The message templates every account sees (`GET /v2/Templates`), modelled on Twilio's base
/// templates. `TemplateSid` on a verification (or the Service's `DefaultTemplateSid`) picks one;
/// its text, in the verification's language when translated, is the SMS (and WhatsApp) body,
/// with `{{friendly_name}}`, `{{code}}` and the `TemplateCustomSubstitutions` filled in.
enum TemplateCatalogue {
    struct Template: Sendable {
        var sid: SID
        var friendlyName: String
        var channels: [String]
        /// Text by language; `en` is the default translation.
        var texts: [String: String]

        /// The variables a verification must substitute: every `{{name}}` but the built-in ones.
        var customVariables: Set<String> {
            var names = Set<String>()
            for text in texts.values {
                var rest = Substring(text)
                while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
                    names.insert(String(rest[open.upperBound..<close.lowerBound]))
                    rest = rest[close.upperBound...]
                }
            }
            return names.subtracting(["friendly_name", "code"])
        }

        func text(language: String) -> String { texts[language] ?? texts["en"]! }
    }

    /// When the catalogue was written, as its translations' dates show.
    static let published = "2021-07-29T20:38:28Z"

    static let templates: [Template] = [
        Template(
            sid: SID(unchecked: "HJ00000000000000000000000000000001"),
            friendlyName: "Base Verification Template 2 with do not share", channels: ["sms"],
            texts: [
                "en": "Your {{friendly_name}} verification code is: {{code}}. Do not share this code with anyone.",
                "es":
                    "Tu código de verificación de {{friendly_name}} es: {{code}}. No compartas este código con nadie.",
                "fr": "Votre code de vérification {{friendly_name}} est : {{code}}. Ne le partagez avec personne.",
            ]),
        Template(
            sid: SID(unchecked: "HJ00000000000000000000000000000002"), friendlyName: "Base Verification Template 3",
            channels: ["sms", "voice"],
            texts: [
                "en": "Your verification code is: {{code}}. Do not share it.",
                "es": "Tu código de verificación es: {{code}}. No lo compartas.",
            ]),
        Template(
            sid: SID(unchecked: "HJ00000000000000000000000000000003"), friendlyName: "Login code with app name",
            channels: ["sms"],
            texts: ["en": "{{code}} is your code to log in to {{app_name}} on {{friendly_name}}."]),
    ]

    static func template(_ sid: SID) -> Template? { templates.first { $0.sid == sid } }

    static func resource(_ template: Template, account: String) -> TemplateResource {
        TemplateResource(
            sid: template.sid.rawValue, accountSid: account, friendlyName: template.friendlyName,
            channels: template.channels,
            translations: template.texts.reduce(into: [:]) { result, entry in
                result[entry.key] = .init(
                    isDefaultTranslation: entry.key == "en", status: "approved", locale: entry.key, text: entry.value,
                    dateCreated: published, dateUpdated: published)
            })
    }

    /// The text of `template` with the built-in and custom variables filled in.
    static func render(
        _ template: Template, language: String, name: String, code: String, substitutions: [String: String]
    ) -> String {
        var text = template.text(language: language)
        for (key, value) in substitutions.merging(["friendly_name": name, "code": code], uniquingKeysWith: { $1 }) {
            text = text.replacing("{{\(key)}}", with: value)
        }
        return text
    }
}
