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

    /// Registering a passkey from the profile (`#add-passkey`) and signing in with one from the
    /// login page (`#passkey-login`): options from the server, the browser's WebAuthn call, the
    /// credential back as a form field, then the page the server names.
    static let passkeys = #"""
        (function () {
          "use strict";
          var status = document.getElementById("passkey-status");
          function say(text) { if (status) { status.textContent = text; } }
          function toBuffer(text) {
            var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
            while (base64.length % 4) { base64 += "="; }
            var raw = atob(base64), bytes = new Uint8Array(raw.length);
            for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
            return bytes.buffer;
          }
          function toText(buffer) {
            var bytes = new Uint8Array(buffer), raw = "";
            for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
            return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          }
          function descriptors(list) {
            return (list || []).map(function (c) { return { type: c.type, id: toBuffer(c.id), transports: c.transports }; });
          }
          function creation(o) {
            if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
              return PublicKeyCredential.parseCreationOptionsFromJSON(o);
            }
            var copy = Object.assign({}, o, { challenge: toBuffer(o.challenge), excludeCredentials: descriptors(o.excludeCredentials) });
            copy.user = Object.assign({}, o.user, { id: toBuffer(o.user.id) });
            return copy;
          }
          function request(o) {
            if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
              return PublicKeyCredential.parseRequestOptionsFromJSON(o);
            }
            return Object.assign({}, o, { challenge: toBuffer(o.challenge), allowCredentials: descriptors(o.allowCredentials) });
          }
          function json(credential) {
            if (credential.toJSON) { return credential.toJSON(); }
            var r = credential.response, out = { id: credential.id, rawId: toText(credential.rawId), type: credential.type,
              authenticatorAttachment: credential.authenticatorAttachment || null, clientExtensionResults: {},
              response: { clientDataJSON: toText(r.clientDataJSON) } };
            if (r.attestationObject) {
              out.response.attestationObject = toText(r.attestationObject);
              out.response.transports = r.getTransports ? r.getTransports() : [];
            }
            if (r.authenticatorData) {
              out.response.authenticatorData = toText(r.authenticatorData);
              out.response.signature = toText(r.signature);
              if (r.userHandle) { out.response.userHandle = toText(r.userHandle); }
            }
            return out;
          }
          function post(url, fields) {
            return fetch(url, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" },
              body: new URLSearchParams(fields) })
              .then(function (response) {
                return response.json().then(function (body) {
                  // a change that needs a fresh proof: the confirmation page, then back here
                  if (!response.ok && body.location) { location.assign(body.location); }
                  if (!response.ok) { throw new Error(body.message || "Refused"); }
                  return body;
                });
              });
          }
          function ceremony(button, optionsURL, finishURL, run) {
            if (!button) { return; }
            if (!window.PublicKeyCredential) { button.disabled = true; say("This browser has no passkeys."); return; }
            button.addEventListener("click", function (event) {
              event.preventDefault();
              var csrf = button.form.elements.csrf_token.value;
              button.disabled = true;
              say("Waiting for your passkey…");
              post(optionsURL, { csrf_token: csrf })
                .then(function (body) { return run(body.options.publicKey); })
                .then(function (credential) {
                  return post(finishURL, { csrf_token: csrf, credential: JSON.stringify(json(credential)) });
                })
                .then(function (body) { location.assign(body.location); })
                .catch(function (error) { button.disabled = false; say(error.message || String(error)); });
            });
          }
          ceremony(document.getElementById("add-passkey"), "/profile/passkeys/options", "/profile/passkeys",
            function (o) { return navigator.credentials.create({ publicKey: creation(o) }); });
          ceremony(document.getElementById("passkey-login"), "/login/passkey/options", "/login/passkey",
            function (o) { return navigator.credentials.get({ publicKey: request(o) }); });
        })();
        """#
}
