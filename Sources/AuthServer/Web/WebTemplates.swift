import Mustache

/// The web pages' Mustache templates and their one stylesheet, compiled into the binary so the
/// server has no files to find at run time. Every page extends `layout`; `{{…}}` escapes HTML.
enum WebTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in templates { try library.register(text, named: name) }
        return library
    }

    static let templates: [(String, String)] = [
        ("layout", layout), ("field", field), ("home", home), ("register", register), ("login", login),
        ("login-verify", loginVerify), ("profile", profile), ("profile-edit", profileEdit),
        ("delete-account", deleteAccount),
        ("profile-password", profilePassword), ("2fa-enable", enableTwoFactor), ("2fa-disable", disableTwoFactor),
        ("2fa-totp", addAuthenticator), ("2fa-totp-remove", removeAuthenticator), ("recovery-codes", recoveryCodes),
        ("proof", proof), ("code-form", codeForm), ("2fa-push", addPush), ("2fa-push-remove", removePush),
        ("reset", resetRequest), ("reset-confirm", resetConfirm), ("error", error), ("inbox-hint", inboxHint),
        ("confirm", confirm), ("login-phone", loginPhone), ("login-phone-verify", loginPhoneVerify),
        ("continue", continueToApplication), ("logout-confirm", logoutConfirm), ("signed-out", signedOut),
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Auth Server{{/title}} · Auth Server</title>
        <link rel="stylesheet" href="/static/app.css">
        {{$head}}{{/head}}
        </head>
        <body>
        <header class="bar">
          <a class="brand" href="/">Auth Server</a>
          <nav>
          {{#signedIn}}
            {{#phoneSignedIn}}<span id="signed-in-phone">{{username}}</span>{{/phoneSignedIn}}
            {{^phoneSignedIn}}<a href="/profile">{{username}}</a>{{/phoneSignedIn}}
            <form method="post" action="/logout" class="inline">
              <input type="hidden" name="csrf_token" value="{{csrf}}">
              <button type="submit" class="link" id="logout">Log out</button>
            </form>
          {{/signedIn}}
          {{^signedIn}}
            <a href="/login">Log in</a>
            <a href="/register" class="button small">Register</a>
          {{/signedIn}}
          </nav>
        </header>
        <main>
        {{#flash}}<p class="flash" role="status">{{flash}}</p>{{/flash}}
        {{#formError}}<p class="alert" role="alert">{{formError}}</p>{{/formError}}
        {{$content}}{{/content}}
        </main>
        <footer>SMS codes through Twilio Verify · JWT for apps · sessions for people</footer>
        </body>
        </html>
        """

    /// One labelled input with its error: `{{>field}}` inside a context with name/label/type/value.
    static let field = """
        <label for="{{name}}">{{label}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}" value="{{value}}"{{#autocomplete}} autocomplete="{{autocomplete}}"{{/autocomplete}}{{#error}} aria-invalid="true" aria-describedby="{{name}}-error"{{/error}}{{#extra}} {{{extra}}}{{/extra}}>
        {{#error}}<p class="field-error" id="{{name}}-error">{{error}}</p>{{/error}}
        """

    static let home = """
        {{<layout}}{{$title}}Welcome{{/title}}{{$content}}
        <section class="card">
        {{#phoneSignedIn}}
          <h1>Hello</h1>
          <p>You are signed in with your phone, <strong>{{username}}</strong>.</p>
        {{/phoneSignedIn}}
        {{^phoneSignedIn}}
        {{#signedIn}}
          <h1>Hello, {{username}}</h1>
          <p>You are signed in. {{#twoFactor}}Two-factor authentication is on.{{/twoFactor}}{{^twoFactor}}Turn on two-factor authentication to protect your account with an SMS code.{{/twoFactor}}</p>
          <p><a class="button" href="/profile">Your profile</a></p>
        {{/signedIn}}
        {{^signedIn}}
          <h1>Sign in without surprises</h1>
          <p>Create an account with a username, email and password, and add a second step by SMS when you want it. Apps use the same accounts through the JSON API and get JWTs.</p>
          <p><a class="button" href="/register">Create an account</a> <a href="/login">or log in</a></p>
        {{/signedIn}}
        {{/phoneSignedIn}}
        </section>
        {{/content}}{{/layout}}
        """

    static let register = """
        {{<layout}}{{$title}}Register{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Create an account</h1>
          <form method="post" action="/register" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="submit">Create account</button>
          </form>
          <p class="muted">Already registered? <a href="/login">Log in</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let login = """
        {{<layout}}{{$title}}Log in{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Log in</h1>
          {{#application}}<p id="application">to continue to <strong>{{application}}</strong></p>{{/application}}
          <form method="post" action="/login" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="submit">Log in</button>
          </form>
          {{#passkeys}}
          <form class="secondary"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="button" class="secondary" id="passkey-login">Sign in with a passkey</button></form>
          <p class="muted" id="passkey-status" role="status"></p>
          <script src="/static/passkeys.js"></script>
          {{/passkeys}}
          <p class="muted"><a href="/login/phone" id="phone-login">Sign in with your phone</a> · <a href="/reset">Forgot your password?</a> · <a href="/register">Create an account</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let profile = """
        {{<layout}}{{$title}}Your profile{{/title}}{{$content}}
        <section class="card">
          <h1>{{account.username}}</h1>
          <dl class="facts">
            <dt>Email</dt><dd id="email">{{account.email}}</dd>
            <dt>About</dt><dd id="about">{{#hasAbout}}{{account.about}}{{/hasAbout}}{{^hasAbout}}<span class="muted">Nothing yet</span>{{/hasAbout}}</dd>
            <dt>Member since</dt><dd>{{memberSince}}</dd>
          </dl>
          <p class="actions">
            <a class="button" href="/profile/edit" id="edit-profile">Edit profile</a>
            <a class="button secondary" href="/profile/password" id="change-password">Change password</a>
          </p>
          <h2>Two-factor authentication</h2>
          <dl class="facts">
            <dt>Authenticator app</dt><dd id="totp">{{#totpOn}}<span class="badge on">On</span> <a href="/profile/2fa/totp/remove" id="remove-totp">Remove</a>{{/totpOn}}{{^totpOn}}<span class="badge">Off</span> <a href="/profile/2fa/totp" id="add-totp">Add an authenticator app</a>{{/totpOn}}</dd>
            {{#pushLogin}}<dt>Phone approval</dt><dd id="push">{{#pushOn}}<span class="badge on">On</span> {{device}} · <a href="/profile/2fa/push/remove" id="remove-push">Remove</a>{{/pushOn}}{{^pushOn}}<span class="badge">Off</span> <a href="/profile/2fa/push" id="add-push">Set up your phone</a>{{/pushOn}}</dd>{{/pushLogin}}
            <dt>Text message</dt><dd id="two-factor">{{#smsOn}}<span class="badge on">On</span> codes go to {{phone}} · <a href="/profile/2fa/disable" id="disable-2fa">Turn off</a>{{/smsOn}}{{^smsOn}}<span class="badge">Off</span> <a href="/profile/2fa/enable" id="enable-2fa">Turn on</a>{{/smsOn}}</dd>
            {{#twoFactor}}<dt>Recovery codes</dt><dd id="recovery">{{recoveryLeft}} unused · <a href="/profile/recovery-codes" id="new-recovery-codes">Get new codes</a></dd>{{/twoFactor}}
          </dl>
          {{#passkeysOn}}
          <h2>Passkeys</h2>
          <ul class="events" id="passkeys">
            {{#passkeys}}<li>{{name}} <form method="post" action="/profile/passkeys/{{sid}}/remove" class="inline"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit" class="link" id="remove-{{sid}}">Remove</button></form></li>{{/passkeys}}
            {{^passkeys}}<li class="muted">None yet: a passkey signs you in with your fingerprint, face or screen lock, no password.</li>{{/passkeys}}
          </ul>
          <form class="secondary"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="button" class="secondary" id="add-passkey">Add a passkey</button></form>
          <p class="muted" id="passkey-status" role="status"></p>
          <script src="/static/passkeys.js"></script>
          {{/passkeysOn}}
          <h2>Signed-in apps</h2>
          <ul class="events" id="apps">
            {{#apps}}<li>{{agent}} <span class="muted">{{ip}} · last used {{lastUsed}}</span> <form method="post" action="/profile/sessions/{{id}}/end" class="inline"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit" class="link" id="end-{{id}}">Sign out</button></form></li>{{/apps}}
            {{^apps}}<li class="muted">No app is signed in with your account.</li>{{/apps}}
          </ul>
          {{#hasApps}}<form method="post" action="/profile/sessions/end-all"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit" class="secondary" id="end-all-apps">Sign out all apps</button></form>{{/hasApps}}
          {{#hasEvents}}
          <h2>Security activity</h2>
          <ul class="events" id="events">
            {{#events}}<li>{{text}} <span class="muted">{{when}}</span></li>{{/events}}
          </ul>
          {{/hasEvents}}
          {{#hasActivity}}
          <h2>Recent activity</h2>
          <ul class="events" id="activity">
            {{#activity}}<li>{{text}} <span class="muted">{{ip}} · {{when}}</span></li>{{/activity}}
          </ul>
          {{/hasActivity}}
          <p><a href="/profile/delete" id="delete-account">Delete your account</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let deleteAccount = """
        {{<layout}}{{$title}}Delete your account{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Delete your account</h1>
          <p>This deletes <strong>{{username}}</strong> for good: your profile, your second factors and
          passkeys, your recovery codes, and every signed-in app and browser. It cannot be undone.</p>
          <form method="post" action="/profile/delete">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" class="danger" id="submit">Delete my account</button>
            <a href="/profile" class="cancel">Cancel</a>
          </form>
        </section>
        {{/content}}{{/layout}}
        """

    static let profileEdit = """
        {{<layout}}{{$title}}Edit profile{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Edit profile</h1>
          <form method="post" action="/profile/edit" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <label for="about">About you</label>
            <textarea id="about" name="about" rows="4" maxlength="500"{{#aboutError}} aria-invalid="true"{{/aboutError}}>{{about}}</textarea>
            {{#aboutError}}<p class="field-error">{{aboutError}}</p>{{/aboutError}}
            <button type="submit" id="submit">Save</button>
            <a href="/profile" class="cancel">Cancel</a>
          </form>
        </section>
        {{/content}}{{/layout}}
        """

    static let profilePassword = """
        {{<layout}}{{$title}}Change password{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Change password</h1>
          <p class="muted">Other browsers and apps signed in to your account will be signed out.</p>
          <form method="post" action="/profile/password" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="submit">Change password</button>
            <a href="/profile" class="cancel">Cancel</a>
          </form>
        </section>
        {{/content}}{{/layout}}
        """

    static let resetRequest = """
        {{<layout}}{{$title}}Reset password{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Reset your password</h1>
          <p>Enter the email address of your account and we will email you a code.</p>
          <form method="post" action="/reset" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="submit">Email me a code</button>
          </form>
          <p class="muted"><a href="/login">Back to log in</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    /// Under a page that asks for a code, in development mode only: where the code can be read.
    static let inboxHint = """
        {{#inboxURL}}<p class="muted" id="inbox-hint">Development mode: no SMS or email leaves this machine. The code is in the emulator's inbox at <a href="{{inboxURL}}/" target="_blank" rel="noopener">{{inboxURL}}/</a>.</p>{{/inboxURL}}
        """

    static let resetConfirm = """
        {{<layout}}{{$title}}Choose a new password{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Choose a new password</h1>
          <p>If an account uses <strong>{{email}}</strong>, we emailed it a code. Enter it with your new password; every session will be signed out.</p>
          {{>inbox-hint}}
          <form method="post" action="/reset/confirm" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="submit">Set new password</button>
          </form>
          <form method="post" action="/reset" class="secondary">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <input type="hidden" name="email" value="{{email}}">
            <button type="submit" class="link" id="resend">Send a new code</button>
          </form>
        </section>
        {{/content}}{{/layout}}
        """

    static let error = """
        {{<layout}}{{$title}}{{heading}}{{/title}}{{$content}}
        <section class="card narrow">
          <h1>{{heading}}</h1>
          <p>{{message}}</p>
          <p><a class="button" href="/">Go to the home page</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let stylesheet = """
        :root { --ink: #1d2433; --muted: #5d6779; --line: #d9dee7; --accent: #2857d6; --accent-ink: #fff;
          --bad: #b42318; --good: #137333; --paper: #f6f7fb; --card: #fff; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
          background: var(--paper); min-height: 100vh; display: flex; flex-direction: column; }
        .bar { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .75rem 1.25rem;
          background: var(--card); border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
        nav { display: flex; align-items: center; gap: 1rem; }
        main { width: 100%; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; flex: 1; }
        footer { text-align: center; color: var(--muted); font-size: .85rem; padding: 1.5rem; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem 1.75rem;
          box-shadow: 0 1px 2px rgba(16,24,40,.05); }
        .narrow { max-width: 28rem; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: 0 0 1rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        a { color: var(--accent); }
        label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
        input, textarea { width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid var(--line);
          border-radius: 8px; background: #fff; }
        input:focus, textarea:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
        [aria-invalid="true"] { border-color: var(--bad); }
        .field-error { color: var(--bad); margin: .3rem 0 0; font-size: .9rem; }
        button, .button { display: inline-block; margin-top: 1.25rem; padding: .6rem 1.1rem; font: inherit; font-weight: 600;
          color: var(--accent-ink); background: var(--accent); border: 0; border-radius: 8px; cursor: pointer;
          text-decoration: none; }
        .button.small { margin: 0; padding: .35rem .8rem; }
        button.secondary, .button.secondary { color: var(--accent); background: #e8eefc; }
        button.danger { background: var(--bad); }
        button.link { background: none; color: var(--accent); padding: 0; margin: 0; font-weight: 500; text-decoration: underline; }
        form.inline { display: inline; } form.secondary { margin-top: .75rem; }
        .cancel { margin-left: 1rem; } p > .cancel { margin-left: 0; }
        .flash, .alert { padding: .75rem 1rem; border-radius: 8px; margin: 0 0 1rem; }
        .flash { background: #e6f4ea; color: var(--good); } .alert { background: #fde8e7; color: var(--bad); }
        main:has(.narrow) > .flash, main:has(.narrow) > .alert { max-width: 28rem; margin: 0 auto 1rem; }
        .muted { color: var(--muted); }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .5rem 1.25rem; margin: 0 0 1rem; }
        .facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
        .badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; background: #eceff4; font-size: .85rem; }
        .badge.on { background: #e6f4ea; color: var(--good); }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; } .actions .button { margin-top: .5rem; }
        .events { list-style: none; padding: 0; margin: 0; } .events li { padding: .3rem 0; border-top: 1px solid var(--line); }
        .qr { display: flex; justify-content: center; margin: 1rem 0; } .qr svg { max-width: 100%; height: auto; }
        .secret { font: 600 1.05rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .05em;
          background: var(--paper); padding: .5rem .75rem; border-radius: 8px; overflow-wrap: anywhere; }
        .codes { columns: 2; font: 600 1.05rem/1.8 ui-monospace, SFMono-Regular, Menlo, monospace; padding-left: 1.5rem; }
        fieldset.methods { border: 0; padding: 0; margin: 1rem 0 0; } fieldset.methods legend { font-weight: 600; }
        label.choice { display: flex; align-items: center; gap: .5rem; font-weight: 500; margin: .4rem 0; }
        label.choice input { width: auto; }
        @media (max-width: 32rem) { .card { padding: 1.1rem; } .facts { grid-template-columns: 1fr; }
          .facts dd { margin-bottom: .5rem; } main { margin-top: 1rem; } }
        """
}
