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
            return try await render(
                "profile", context,
                [
                    "account": ["username": account.username, "email": account.email, "about": account.about],
                    "twoFactor": account.twoFactorEnabled, "phone": account.maskedPhone ?? "",
                    "memberSince": Self.day(account.createdAt), "hasAbout": !account.about.isEmpty,
                ])
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
                    confirmation: context.form["password_confirmation"] ?? "", keepSession: oldKey)
            } catch let errors as FormErrors {
                return try await passwordPage(context, errors: errors)
            }
            // this browser stays signed in, under a new session ID
            try await rotate(
                request, context,
                to: signedInSession(account, flash: "Your password is changed; other sessions were signed out"))
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
}
