import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

/// Push approval on the pages (with `PUSH_LOGIN=1`): setting a phone up, removing it with a
/// fresh code, and the login step that waits for the phone (`/static/login-push.js` polls).
extension WebApp {
    func addPushRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/profile/2fa/push") { _, context in
            let account = try signedIn(context)
            guard service.pushLogin, account.pushFactorSid == nil else { return redirect("/profile") }
            if let confirm = confirmationFirst(context, account, for: .addPushFactor) { return confirm }
            return try await pushSetupPage(context, account)
        }
        pages.post("/profile/2fa/push/token") { request, context in
            let account = try signedIn(context)
            do {
                let token = try await service.startPushEnrolment(
                    account, proof: recentProof(context), ip: ip(request, context))
                return try await pushSetupPage(context, account, token: token)
            } catch let errors as FormErrors {
                return try await pushSetupPage(context, account, errors: errors)
            }
        }
        pages.post("/profile/2fa/push/confirm") { _, context in
            let account = try signedIn(context)
            var codes: [String]?
            return try await submit(context, then: "/profile", flash: "Push approval is on") {
                codes = try await service.confirmPushEnrolment(account)
                if let codes { keep(context, \.recoveryCodes, codes) }
            } otherwise: {
                try await pushSetupPage(context, account, errors: $0)
            }
            .redirectingToRecoveryCodes(codes != nil)
        }
        pages.get("/profile/2fa/push/remove") { request, context in
            let account = try signedIn(context)
            if account.pushFactorSid == nil { return redirect("/profile") }
            return try await proofPage(
                "2fa-push-remove", context, account,
                method: request.uri.queryParameters["method"].map(String.init) ?? "")
        }
        pages.post("/profile/2fa/push/remove") { request, context in
            let account = try signedIn(context)
            let method = context.form["method"] ?? ""
            return try await submit(context, then: "/profile", flash: "Push approval is removed") {
                try await service.removePush(
                    account, proof: .code(try service.requireMethod(account, method), context.form["code"] ?? ""),
                    ip: ip(request, context))
            } otherwise: {
                try await proofPage("2fa-push-remove", context, account, method: method, errors: $0)
            }
        }
        pages.post("/login/verify/push") { request, context in
            guard let pending = try await pendingAccount(context) else { return redirect("/login") }
            return try await submit(context, then: "/login/verify?method=push") {
                let sid = try await service.sendPushChallenge(pending, ip: ip(request, context))
                keep(context, \.pendingPushSid, sid)
                keep(context, \.pendingMethod, SecondFactor.push.rawValue)
            } otherwise: {
                try await loginVerifyPage(context, pending, method: SecondFactor.push.rawValue, errors: $0)
            }
        }
        // what the waiting page polls: {"status": "pending" | "approved" | "denied" | "expired"}
        pages.get("/login/verify/push-status") { _, context in
            guard let pending = try await pendingAccount(context),
                let sid = context.sessions.session?.pendingPushSid
            else { return try JSONResponse.make(["status": ChallengeStatus.expired.rawValue]) }
            let status = try await service.pushStatus(pending, challengeSid: sid)
            return try JSONResponse.make(["status": status.rawValue])
        }
    }

    /// The login step for `method=push`: whether the phone approved. Approved signs in; pending
    /// shows the page again; denied and expired say so (a new request can be sent).
    func checkPushLogin(_ context: AuthRequestContext, _ pending: UserAccount) async throws {
        guard let sid = context.sessions.session?.pendingPushSid else {
            throw FormErrors(message: "Send the request to your phone first", status: .conflict)
        }
        let status = try await service.pushStatus(pending, challengeSid: sid)
        guard status == .approved else {
            if status != .pending { keep(context, \.pendingPushSid, nil) }
            throw AccountService.pushRefusal(status)
        }
    }

    func pushSetupPage(
        _ context: AuthRequestContext, _ account: UserAccount, token: AccessTokenResource? = nil,
        errors: FormErrors? = nil
    ) async throws -> Response {
        var data: [String: Any] = [
            "identity": account.verifyIdentity, "serviceSid": service.serviceSid,
        ]
        if let emulatorURL { data["emulatorURL"] = emulatorURL }
        if let token {
            // what the app scans: the Verify Push SDK's enrolment payload
            let payload =
                #"{"identity":"\#(token.entityIdentity)","service_sid":"\#(token.serviceSid)","token":"\#(token.token)"}"#
            data["tokenQR"] = try QRCode.svg(payload, label: "QR code for your phone app to enrol with")
            data["token"] = token.token
        }
        return try await render("2fa-push", context, data, errors: errors)
    }
}
