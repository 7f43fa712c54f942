import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The profile, editing it, and changing the password.
extension WebApp {
    func addProfileRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/profile") { _, context in
            let account = try signedIn(context)
            let events = try await service.factors.events(accountID: account.id, limit: 8)
            let passkeys = try await service.factors.passkeys(accountID: account.id)
            let apps = try await service.deviceSessions.list(subject: account.sid, current: nil)
            let activity = try await service.audit.store.list(AuditFilter(subject: account.sid, limit: 10))
            return try await render(
                "profile", context,
                [
                    "account": ["username": account.username, "email": account.email, "about": account.about],
                    "twoFactor": account.twoFactorEnabled, "smsOn": account.phone != nil,
                    "totpOn": account.totpFactorSid != nil, "phone": account.maskedPhone ?? "",
                    "pushLogin": service.pushLogin, "pushOn": account.pushFactorSid != nil,
                    "device": account.pushDeviceName ?? "",
                    "recoveryLeft": try await service.factors.unusedRecoveryCodes(accountID: account.id),
                    "memberSince": Self.day(account.createdAt), "hasAbout": !account.about.isEmpty,
                    "hasEvents": !events.isEmpty, "passkeysOn": service.passkeysOn,
                    "passkeys": passkeys.map { ["sid": $0.factorSid, "name": $0.name] },
                    "events": events.map { ["text": Self.describe($0), "when": Self.moment($0.at)] },
                    "hasActivity": !activity.isEmpty,
                    "activity": activity.map {
                        ["text": Self.describe($0), "when": Self.moment($0.at), "ip": $0.ip ?? ""]
                    },
                    "hasApps": !apps.isEmpty,
                    "apps": apps.map {
                        [
                            "id": $0.id, "agent": $0.userAgent ?? "An app", "ip": $0.ip ?? "",
                            "lastUsed": Self.moment($0.lastUsedAt),
                        ]
                    },
                ])
        }
        // the account's signed-in apps (refresh-token families): ending one or all needs no proof,
        // as it only takes access away
        pages.post("/profile/sessions/:id/end") { _, context in
            let account = try signedIn(context)
            let id = try context.parameters.require("id")
            let ended = try await service.deviceSessions.end(subject: account.sid, only: id, keeping: nil)
            flash(context, ended.isEmpty ? "That app was already signed out" : "The app is signed out")
            return redirect("/profile")
        }
        pages.post("/profile/sessions/end-all") { _, context in
            let account = try signedIn(context)
            let ended = try await service.deviceSessions.end(subject: account.sid, only: nil, keeping: nil)
            flash(context, ended.count == 1 ? "1 app is signed out" : "\(ended.count) apps are signed out")
            return redirect("/profile")
        }
        pages.get("/profile/edit") { _, context in
            let account = try signedIn(context)
            return try await editPage(context, username: account.username, about: account.about)
        }
        pages.post("/profile/edit") { request, context in
            let account = try signedIn(context)
            let username = context.form["username"] ?? ""
            let about = context.form["about"] ?? ""
            return try await submit(context, then: "/profile", flash: "Your profile is saved") {
                _ = try await service.updateProfile(account, username: username, about: about)
            } otherwise: {
                try await editPage(context, username: username, about: about, errors: $0)
            }
        }
        // deleting the account: the password in the form, or this browser's recent confirmation
        pages.get("/profile/delete") { _, context in
            let account = try signedIn(context)
            return try await deletePage(context, account)
        }
        pages.post("/profile/delete") { request, context in
            let account = try signedIn(context)
            let password = context.form["current_password"] ?? ""
            do {
                try await service.deleteAccount(
                    account, proof: password.isEmpty ? recentProof(context) ?? .password("") : .password(password),
                    ip: ip(request, context))
            } catch let errors as FormErrors {
                return try await deletePage(context, account, errors: errors)
            }
            try await rotate(request, context, to: .fresh(flash: "Your account is deleted"))
            return redirect("/")
        }
        pages.get("/profile/password") { _, context in
            _ = try signedIn(context)
            return try await passwordPage(context)
        }
        pages.post("/profile/password") { request, context in
            let account = try signedIn(context)
            let oldKey = request.cookies[Self.sessionCookie].map { Self.keyPrefix + $0.value }
            do {
                try await service.changePassword(
                    account, current: context.form["current_password"] ?? "", new: context.form["password"] ?? "",
                    confirmation: context.form["password_confirmation"] ?? "", keepSession: oldKey,
                    ip: ip(request, context))
            } catch let errors as FormErrors {
                return try await passwordPage(context, errors: errors)
            }
            // this browser stays signed in, under a new session ID
            try await rotate(
                request, context,
                to: signedInSession(
                    account, flash: "Your password is changed; other sessions were signed out", methods: ["pwd"]))
            return redirect("/profile")
        }
    }

    func editPage(
        _ context: AuthRequestContext, username: String, about: String, errors: FormErrors? = nil
    ) async throws -> Response {
        var data: [String: Any] = [
            "fields": [field("username", "Username", value: username, errors, autocomplete: "username")],
            "about": about,
        ]
        if let error = errors?.fields["about"] { data["aboutError"] = error }
        return try await render("profile-edit", context, data, errors: errors)
    }

    func deletePage(
        _ context: AuthRequestContext, _ account: UserAccount, errors: FormErrors? = nil
    ) async throws -> Response {
        try await render(
            "delete-account", context,
            [
                "username": account.username,
                "fields": [
                    field(
                        "current_password", "Your password, to confirm", type: "password", errors,
                        autocomplete: "current-password")
                ],
            ], errors: errors)
    }

    func passwordPage(_ context: AuthRequestContext, errors: FormErrors? = nil) async throws -> Response {
        try await render(
            "profile-password", context,
            [
                "fields": [
                    field(
                        "current_password", "Current password", type: "password", errors,
                        autocomplete: "current-password")
                ] + newPasswordFields(errors, label: "New password")
            ], errors: errors)
    }

    /// A factor event as the profile lists it.
    static func describe(_ event: FactorEvent) -> String {
        switch (event.subject, event.action) {
        case (.totp, .added): "Authenticator app added"
        case (.totp, _): "Authenticator app removed"
        case (.sms, .added): "Text-message codes turned on"
        case (.sms, _): "Text-message codes turned off"
        case (.push, .added): "Phone approval added"
        case (.push, _): "Phone approval removed"
        case (.passkey, .added): "Passkey added"
        case (.passkey, _): "Passkey removed"
        case (.recoveryCodes, .used): "A recovery code was used"
        case (.recoveryCodes, _): "New recovery codes issued"
        }
    }

    /// An audit event as its owner reads it on the profile.
    static func describe(_ event: AuditRecord) -> String {
        func words(_ name: String?) -> String { (name ?? "").split(separator: "_").joined(separator: " ") }
        let method = event.detail["method"].map { " (\(words($0)))" } ?? ""
        let text =
            switch event.type {
            case .codeSent: "A code was sent to your phone"
            case .codeRefused: "A code to your phone was refused (\(event.detail["reason"] ?? "limit"))"
            case .loginSucceeded: "Signed in" + method
            case .loginFailed: "A sign-in failed" + method
            case .factorAdded: "Second factor added: \(event.detail["factor"] ?? "")"
            case .factorRemoved: "Second factor removed: \(event.detail["factor"] ?? "")"
            case .recoveryCodeUsed: "A recovery code was used"
            case .passwordChanged: "Password changed"
            case .passwordReset: "Password reset by email"
            case .sessionRevoked: "Signed out (\(words(event.detail["reason"])))"
            case .accountCreated: "Account created"
            case .accountDisabled: "Account disabled"
            case .accountEnabled: "Account enabled"
            case .accountDeleted: "Account deleted"
            // a client's events have its id as subject, never a person's: listed for completeness
            case .clientCreated: "Application registered"
            case .clientDeleted: "Application removed"
            }
        return text + (event.actor == .admin ? " by an administrator" : "")
    }

    /// `3 December 2026, 14:05 UTC`.
    static func moment(_ time: Double) -> String {
        let date = Date(timeIntervalSince1970: time)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let minutes = parts.minute! < 10 ? "0\(parts.minute!)" : "\(parts.minute!)"
        return "\(day(time)), \(parts.hour!):\(minutes) UTC"
    }
}
