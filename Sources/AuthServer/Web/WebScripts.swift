/// The pages' little JavaScript, served from `/static/` (the CSP allows no inline script): a
/// push login's wait for the phone, and the WebAuthn calls of passkeys. Plain ES5-era DOM and
/// `fetch`, no build step; every page works without them but for what needs them.
enum WebScripts {
    /// Polls the pending push login's status and submits the page's form once the phone
    /// answered (approved, denied or expired): the server then signs in or says why not.
    static let pushLogin = """
        (function () {
          "use strict";
          var form = document.getElementById("push-form");
          if (!form) { return; }
          var status = document.getElementById("push-status");
          function poll() {
            fetch("/login/verify/push-status", { credentials: "same-origin", headers: { "Accept": "application/json" } })
              .then(function (response) { return response.json(); })
              .then(function (body) {
                if (body.status === "pending") { setTimeout(poll, 1000); return; }
                if (status) { status.textContent = body.status === "approved" ? "Approved; signing you in…" : "Answered."; }
                form.submit();
              })
              .catch(function () { setTimeout(poll, 2000); });
          }
          setTimeout(poll, 1000);
        })();
        """
}
