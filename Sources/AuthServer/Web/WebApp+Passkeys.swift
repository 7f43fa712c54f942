import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Passkeys on the pages (with a relying party configured): `/static/passkeys.js` asks for the
/// options, runs WebAuthn in the browser and posts the credential back as a form field (so the
/// CSRF check of every form applies); the answers are JSON naming the next page.
extension WebApp {
    func addPasskeyRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.post("/profile/passkeys/options") { request, context in
            let account = try signedIn(context)
            return try await json {
                let factor = try await service.startPasskeyRegistration(
                    account, proof: recentProof(context), ip: ip(request, context))
                guard let options = factor.options else {
                    throw FormErrors(message: "The verification service returned no options", status: .badGateway)
                }
                return try AccountsController.withOptions(["factor_sid": factor.sid], options)
            }
        }
        pages.post("/profile/passkeys") { _, context in
            let account = try signedIn(context)
            return try await json {
                _ = try await service.finishPasskeyRegistration(
                    account, credential: Data((context.form["credential"] ?? "").utf8))
                flash(context, "Passkey added: next time, sign in with it")
                return try JSONResponse.make(NextPage(location: "/profile"))
            }
        }
        pages.post("/profile/passkeys/:sid/remove") { request, context in
            let account = try signedIn(context)
            let sid = try context.parameters.require("sid")
            return try await submit(context, then: "/profile", flash: "Passkey removed") {
                try await service.removePasskey(
                    account, factorSid: sid, proof: recentProof(context), ip: ip(request, context))
            } otherwise: { errors in
                flash(context, errors.summary)
                return redirect("/profile")
            }
        }
        pages.post("/login/passkey/options") { _, context in
            try await json {
                let challenge = try await service.startPasskeySignIn()
                keep(context, \.pendingPasskeyChallenge, challenge.sid)
                return try AccountsController.withOptions(["challenge_sid": challenge.sid], challenge.options)
            }
        }
        pages.post("/login/passkey") { request, context in
            try await json {
                let account = try await service.audit.observeLogin(.passkey, subjectOf: { $0.sid }) {
                    try await service.finishPasskeySignIn(
                        assertion: Data((context.form["credential"] ?? "").utf8),
                        expectedChallenge: context.sessions.session?.pendingPasskeyChallenge ?? "none",
                        ip: ip(request, context))
                }
                try await rotate(request, context, to: signedInSession(account, flash: nil, methods: ["hwk"]))
                logger.info("account \(account.sid) signed in with a passkey")
                let waiting =
                    context.sessions.session?.authorization?.isWaiting(at: service.now().timeIntervalSince1970) == true
                let next = waiting ? OpenIDController.continuePath : "/profile"
                return try JSONResponse.make(NextPage(location: next))
            }
        }
    }

    /// A script's request: the answer, or the refusal as `{"message"}` with its status; a change
    /// that needs a fresh proof answers 403 with the confirmation page's `location`.
    func json(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let errors as FormErrors {
            return try JSONResponse.make(MessageBody(errors.summary), status: errors.status)
        } catch let required as FreshProofRequired {
            return try JSONResponse.make(
                ConfirmationNeeded(
                    message: "Confirm it is you to \(required.change.rawValue)",
                    location: Self.confirmationLocation(for: required.change)),
                status: .forbidden)
        }
    }
}

/// Where the page goes next, after a script's request succeeded.
struct NextPage: Encodable, Sendable {
    var location: String
}

/// A script's refusal that sends the browser to the confirmation page.
struct ConfirmationNeeded: Encodable, Sendable {
    var message: String
    var location: String
}
