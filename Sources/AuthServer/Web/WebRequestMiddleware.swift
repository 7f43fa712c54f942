import Crypto
import Hummingbird
import HummingbirdAuth
import Logging
import Mustache
import NIOCore
import ServerOperations
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Thrown by pages that need a signed-in user; answered with a redirect to the login page.
struct SignInRequired: Error {}

// A page's change that needs a fresh proof (``FreshProofRequired``) is answered with a redirect
// to the confirmation page, which comes back to the change's page.

/// Runs before every page: reads the form of a POST, refuses cross-site posts (`Sec-Fetch-Site`)
/// and posts without the right CSRF token, loads the signed-in account (dropping sessions voided
/// by a password change or a disabled account).
///
/// A visitor who has not logged in, or started anything that needs keeping, has no server-side
/// session: its CSRF token is a random value in the `auth_csrf` cookie that the form posts back
/// (the double-submit pattern; the cookie is HttpOnly and SameSite=Lax, and cross-site posts are
/// refused by `Sec-Fetch-Site` before that). So anonymous page views write nothing to the
/// database. Once a session exists, its own token is the one that counts.
struct WebRequestMiddleware: RouterMiddleware {
    typealias Context = AuthRequestContext
    static let csrfCookie = "auth_csrf"
    let accounts: AccountStore
    let library: MustacheLibrary
    let cookieSecure: Bool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        var context = context
        let cookieToken = request.cookies[Self.csrfCookie]?.value.nonEmptyToken
        context.visitorCSRFToken = cookieToken ?? OpaqueToken.make()
        if request.method == .post {
            if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" {
                return forbidden("This form was sent from another site, so it was refused.")
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: 64 * 1024)
            } catch {
                return errorPage(status: .contentTooLarge, "Too much data", "The form was too large to accept.")
            }
            guard let form = try? FormData(parsing: Array(body.readableBytesView)) else {
                return errorPage(status: .badRequest, "Bad request", "The form could not be read.")
            }
            context.form = form
            guard let expected = context.sessions.session?.csrfToken ?? cookieToken, let sent = form["csrf_token"],
                ConstantTime.equal(expected, sent)
            else {
                return forbidden(
                    "This form has expired or did not come from this site. Go back, reload the page and try again.")
            }
        }
        if let session = context.sessions.session, let id = session.accountID {
            if let account = try await accounts.find(id: id), !account.isDisabled,
                (session.signedInAt ?? 0) >= account.sessionsValidAfter
            {
                context.account = account
            } else {
                // voided server-side: sign this browser out
                context.sessions.withLockedSession { data in
                    data?.accountID = nil
                    data?.signedInAt = nil
                }
            }
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch is SignInRequired {
            response = Response(status: .seeOther, headers: [.location: "/login"])
        } catch let required as FreshProofRequired {
            response = Response(
                status: .seeOther, headers: [.location: WebApp.confirmationLocation(for: required.change)])
        }
        if cookieToken == nil, context.sessions.session == nil {
            let cookie = Cookie(
                name: Self.csrfCookie, value: context.visitorCSRFToken, path: "/", secure: cookieSecure, httpOnly: true,
                sameSite: .lax)
            response.headers.append(.init(name: .setCookie, value: cookie.description))
        }
        return response
    }

    private func forbidden(_ message: String) -> Response {
        errorPage(status: .forbidden, "Request refused", message)
    }

    private func errorPage(status: HTTPResponse.Status, _ heading: String, _ message: String) -> Response {
        WebApp.html(
            library.render(["heading": heading, "message": message], withTemplate: "error") ?? heading, status: status)
    }

}

extension String {
    /// The value when it can be a token this server made (1 to 128 URL-safe characters), else nil.
    fileprivate var nonEmptyToken: String? {
        guard (1...128).contains(utf8.count),
            utf8.allSatisfy({
                $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
                    || (0x61...0x7A).contains($0)
            })
        else { return nil }
        return self
    }
}
