import Hummingbird
import VerifyWire

/// Second factors in the JSON API: SMS (`/api/accounts/2fa/enable`, `…/disable`), the
/// authenticator app (`/api/accounts/2fa/totp`) and recovery codes. A change answers
/// ``TwoFactorState``: the methods now on, and the recovery codes when it issued them.
extension AccountsController {
    func addTwoFactorRoutes(signedIn: RouterGroup<AuthRequestContext>) {
        signedIn.post("/api/accounts/2fa/enable", use: enableTwoFactor)
        signedIn.post("/api/accounts/2fa/enable/verify", use: confirmEnablingTwoFactor)
        signedIn.post("/api/accounts/2fa/disable", use: disableTwoFactor)
        signedIn.post("/api/accounts/2fa/disable/verify", use: confirmDisablingTwoFactor)
        signedIn.post("/api/accounts/2fa/totp", use: startTOTP)
        signedIn.post("/api/accounts/2fa/totp/verify", use: confirmTOTP)
        signedIn.delete("/api/accounts/2fa/totp", use: removeTOTP)
        signedIn.post("/api/accounts/2fa/push", use: startPush)
        signedIn.post("/api/accounts/2fa/push/verify", use: confirmPush)
        signedIn.delete("/api/accounts/2fa/push", use: removePush)
        signedIn.post("/api/accounts/2fa/recovery-codes", use: regenerateRecoveryCodes)
    }

    // MARK: SMS

    @Sendable func enableTwoFactor(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let body = try await JSONRequest.fields(request, required: ["phone_number"])
        let phone = try await service.startEnablingTwoFactor(
            account, phone: body["phone_number"]!, proof: try service.proof(account, in: body), ip: ip(request, context)
        )
        return try JSONResponse.make(CodeSent(message: "Verification code sent", phoneNumber: phone))
    }

    @Sendable func confirmEnablingTwoFactor(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let body = try await JSONRequest.fields(request, required: ["code"])
        let codes = try await service.confirmEnablingTwoFactor(account, code: body["code"]!, ip: ip(request, context))
        return try await state("Two-factor authentication by SMS is on", account, recoveryCodes: codes)
    }

    /// Texts a code to the number, for `…/disable/verify` (or any change's proof with `"method": "sms"`).
    @Sendable func disableTwoFactor(_ request: Request, context: AuthRequestContext) async throws -> Response {
        try await service.startDisablingTwoFactor(try context.requireAccount(), ip: ip(request, context))
        return try JSONResponse.make(CodeSent(message: "Verification code sent"))
    }

    @Sendable func confirmDisablingTwoFactor(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let body = try await JSONRequest.fields(request, required: ["code"])
        try await service.confirmDisablingTwoFactor(account, code: body["code"]!, ip: ip(request, context))
        return try await state("Two-factor authentication by SMS is off", account)
    }

    // MARK: Authenticator app

    /// `{"factor_sid", "secret", "uri"}`: show `uri` as a QR code (and `secret` for typing in),
    /// then confirm with a first code at `/api/accounts/2fa/totp/verify`.
    @Sendable func startTOTP(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context)
        let enrolment = try await service.startTOTPEnrolment(account, proof: proof, ip: ip(request, context))
        return try JSONResponse.uncached(
            TOTPEnrolmentBody(factorSid: enrolment.factorSid, secret: enrolment.secret, uri: enrolment.uri))
    }

    @Sendable func confirmTOTP(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let body = try await JSONRequest.fields(request, required: ["code"])
        let codes = try await service.confirmTOTPEnrolment(account, code: body["code"]!, ip: ip(request, context))
        return try await state("The authenticator app is on", account, recoveryCodes: codes)
    }

    /// `{"code", "method"?}`: a fresh code from the app itself (the default), from SMS, or a
    /// recovery code; or `{"current_password"}`.
    @Sendable func removeTOTP(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context, defaultMethod: .totp)
        try await service.removeTOTP(account, proof: proof, ip: ip(request, context))
        return try await state("The authenticator app is removed", account)
    }

    // MARK: Push approval

    /// What the phone app enrols with: `{"token", "service_sid", "identity", "factor_type", "ttl"}`.
    @Sendable func startPush(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context)
        let token = try await service.startPushEnrolment(account, proof: proof, ip: ip(request, context))
        return try JSONResponse.uncached(
            PushEnrolmentBody(
                token: token.token, serviceSid: token.serviceSid, identity: token.entityIdentity,
                factorFriendlyName: token.factorFriendlyName, ttl: token.ttl))
    }

    /// After the app enrolled its factor: push logins are on.
    @Sendable func confirmPush(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let codes = try await service.confirmPushEnrolment(account)
        return try await state("Push approval is on", account, recoveryCodes: codes)
    }

    /// `{"code", "method"}`: a fresh code from another factor, or a recovery code; or
    /// `{"current_password"}`.
    @Sendable func removePush(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context)
        try await service.removePush(account, proof: proof, ip: ip(request, context))
        return try await state("Push approval is removed", account)
    }

    // MARK: Recovery codes

    /// A new set of recovery codes, with `{"code", "method"}` from a factor (or a recovery code)
    /// or `{"current_password"}`: a stolen access token alone must not mint a way past the
    /// second factor.
    @Sendable func regenerateRecoveryCodes(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context)
        let codes = try await service.regenerateRecoveryCodes(account, proof: proof, ip: ip(request, context))
        return try JSONResponse.uncached(RecoveryCodesBody(recoveryCodes: codes))
    }

    /// The signed-in account and the proof its body carries for a sensitive change
    /// (``AccountService/proof(_:in:)``; an empty body carries none).
    /// `defaultMethod` is the method of a `code` sent without one, when the account has it on.
    func proofOfIdentity(
        _ request: Request, _ context: AuthRequestContext, defaultMethod: SecondFactor? = nil
    ) async throws -> (UserAccount, IdentityProof?) {
        let account = try context.requireAccount()
        guard var body = try await JSONRequest.optionalFields(request, example: #"{"current_password": "…"}"#) else {
            return (account, nil)
        }
        if body["method"] == nil, let defaultMethod, account.secondFactors.contains(defaultMethod) {
            body["method"] = defaultMethod.rawValue
        }
        return (account, try service.proof(account, in: body))
    }

    /// The account as it is after a change.
    private func state(
        _ message: String, _ before: UserAccount, recoveryCodes: [String]? = nil
    ) async throws
        -> Response
    {
        let account = try await accounts.find(id: before.id) ?? before
        let body = TwoFactorState(message: message, account: account, recoveryCodes: recoveryCodes)
        return recoveryCodes == nil ? try JSONResponse.make(body) : try JSONResponse.uncached(body)
    }
}
