import VerifyWire

/// The text of a "sent" code, as Twilio's default templates word it, in a few languages.
/// Unknown languages fall back to English, as Twilio does when a translation is missing.
enum MessageText {
    private static let sms: [String: @Sendable (_ name: String, _ code: String) -> String] = [
        "en": { "Your \($0) verification code is: \($1)" },
        "es": { "Tu código de verificación de \($0) es: \($1)" },
        "fr": { "Votre code de vérification \($0) est : \($1)" },
        "de": { "Ihr \($0) Verifizierungscode lautet: \($1)" },
        "pt": { "O seu código de verificação do \($0) é: \($1)" },
        "it": { "Il tuo codice di verifica \($0) è: \($1)" },
        "nl": { "Uw \($0) verificatiecode is: \($1)" },
    ]
    private static let warning: [String: String] = [
        "en": " Don't share this code with anyone; our employees will never ask for the code.",
        "es": " No compartas este código con nadie; nuestros empleados nunca te lo pedirán.",
        "fr": " Ne partagez ce code avec personne ; nos employés ne vous le demanderont jamais.",
        "de": " Teilen Sie diesen Code mit niemandem; unsere Mitarbeiter werden nie danach fragen.",
    ]

    static func isWellFormedLocale(_ locale: String) -> Bool {
        let parts = locale.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count),
            language.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (2...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    static func language(of locale: String?) -> String {
        guard let locale else { return "en" }
        let language = locale.split(separator: "-").first.map { $0.lowercased() } ?? "en"
        return sms[language] == nil ? "en" : language
    }

    static func body(
        channel: VerificationChannel, name: String, code: String, locale: String?, doNotShareWarning: Bool,
        appHash: String?, template: TemplateCatalogue.Template? = nil, substitutions: [String: String] = [:]
    ) -> String {
        let language = language(of: locale)
        switch channel {
        case .call:
            let spoken = code.map(String.init).joined(separator: ", ")
            return "Your \(name) verification code is: \(spoken). Again, your code is: \(spoken)."
        case .sna:
            return "Silent Network Auth: the phone opens its SNA URL over mobile data (no code to type)"
        case .email:
            return "Subject: Your \(name) verification code\n\nYour \(name) verification code is: \(code)"
        case .sms, .whatsapp:
            if let template {
                let text = TemplateCatalogue.render(
                    template, language: locale.map { String($0.prefix(2)).lowercased() } ?? "en", name: name,
                    code: code, substitutions: substitutions)
                return appHash.map { channel == .sms ? "<#> " + text + " " + $0 : text } ?? text
            }
            var text = sms[language]!(name, code)
            if doNotShareWarning, channel == .sms { text += warning[language] ?? warning["en"]! }
            if let appHash, channel == .sms { text = "<#> " + text + " " + appHash }
            return text
        }
    }
}
