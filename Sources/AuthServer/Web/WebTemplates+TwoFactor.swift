import Mustache

/// The pages of the second factors: the login's second step, SMS on and off, the authenticator
/// app's set-up and removal, recovery codes, and the proof form those changes share.
extension WebTemplates {
    static let loginVerify = """
        {{<layout}}{{$title}}Two-step verification{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Two-step verification</h1>
          {{#totp}}<p>Enter the code your authenticator app shows for this account.</p>{{/totp}}
          {{#recovery}}<p>Enter one of the recovery codes you saved. Each one works once.</p>{{/recovery}}
          {{#sms}}{{#smsSent}}<p>We sent a code by SMS to <strong>{{phone}}</strong>. Enter it to finish logging in.</p>{{>inbox-hint}}{{/smsSent}}{{^smsSent}}<p>We will send a code by SMS to <strong>{{phone}}</strong>.</p>{{/smsSent}}{{/sms}}
          {{#push}}
          {{#pushSent}}
          <p>We asked <strong>{{device}}</strong> to approve this login. Open the notification there and tap Approve.</p>
          <p class="muted" id="push-status" role="status">Waiting for your phone…</p>
          <form method="post" action="/login/verify" id="push-form">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <input type="hidden" name="method" value="push">
            <button type="submit" class="secondary" id="push-continue">I approved it</button>
          </form>
          <script src="/static/login-push.js"></script>
          {{/pushSent}}
          <form method="post" action="/login/verify/push" class="secondary">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" {{#pushSent}}class="link"{{/pushSent}} id="send-push">{{#pushSent}}Send a new request{{/pushSent}}{{^pushSent}}Ask {{device}} to approve{{/pushSent}}</button>
          </form>
          {{/push}}
          {{^sms}}{{^push}}{{>code-form}}{{/push}}{{/sms}}
          {{#sms}}{{#smsSent}}{{>code-form}}{{/smsSent}}
          <form method="post" action="/login/verify/resend" class="secondary">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" {{#smsSent}}class="link"{{/smsSent}} id="resend">{{#smsSent}}Send a new code{{/smsSent}}{{^smsSent}}Send the code{{/smsSent}}</button>
          </form>
          {{/sms}}
          <h2>Other ways</h2>
          <ul class="ways">{{#others}}<li><a href="/login/verify?method={{method}}" id="use-{{method}}">{{title}}</a></li>{{/others}}</ul>
        </section>
        {{/content}}{{/layout}}
        """

    /// The code form of the login's second step.
    static let codeForm = """
        <form method="post" action="/login/verify" novalidate>
          <input type="hidden" name="csrf_token" value="{{csrf}}">
          <input type="hidden" name="method" value="{{method}}">
          {{#fields}}{{>field}}{{/fields}}
          <button type="submit" id="submit">Verify</button>
        </form>
        """

    static let enableTwoFactor = """
        {{<layout}}{{$title}}Turn on two-factor{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Turn on two-factor authentication</h1>
          {{#pendingPhone}}
          <p>We sent a code by SMS to <strong>{{pendingPhone}}</strong>. Enter it to turn two-factor on.</p>
          {{>inbox-hint}}
          <form method="post" action="/profile/2fa/enable/confirm" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#codeFields}}{{>field}}{{/codeFields}}
            <button type="submit" id="confirm">Turn on</button>
          </form>
          <form method="post" action="/profile/2fa/enable/resend" class="secondary">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" class="link" id="resend">Send a new code</button>
          </form>
          <h2>Use another number</h2>
          {{/pendingPhone}}
          {{^pendingPhone}}
          <p>After your password, we will ask for a code sent by SMS to this number each time you log in.</p>
          {{/pendingPhone}}
          <form method="post" action="/profile/2fa/enable" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#phoneFields}}{{>field}}{{/phoneFields}}
            <button type="submit" id="send-code" {{#pendingPhone}}class="secondary"{{/pendingPhone}}>Send code</button>
          </form>
          <p><a href="/profile" class="cancel">Cancel</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let disableTwoFactor = """
        {{<layout}}{{$title}}Turn off two-factor{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Turn off two-factor authentication</h1>
          {{#sent}}
          <p>We sent a code by SMS to <strong>{{phone}}</strong>. Enter it to turn two-factor off.</p>
          {{>inbox-hint}}
          <form method="post" action="/profile/2fa/disable" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" class="danger" id="confirm">Turn off</button>
          </form>
          {{/sent}}
          {{^sent}}
          <p>To make sure it is you, we will send a code by SMS to <strong>{{phone}}</strong>.</p>
          {{/sent}}
          <form method="post" action="/profile/2fa/disable/send" class="secondary">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" {{#sent}}class="link"{{/sent}} id="send-code">{{#sent}}Send a new code{{/sent}}{{^sent}}Send code{{/sent}}</button>
          </form>
          <p><a href="/profile" class="cancel">Cancel</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let addAuthenticator = """
        {{<layout}}{{$title}}Add an authenticator app{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Add an authenticator app</h1>
          {{#pending}}
          <p>Scan this code with your authenticator app (Google Authenticator, 1Password, Authy, Microsoft Authenticator…).</p>
          <div class="qr" id="qr">{{{qr}}}</div>
          <p>Or type this key into the app:</p>
          <p class="secret" id="secret" data-secret="{{rawSecret}}">{{secret}}</p>
          <p>Then enter the code the app shows to finish.</p>
          <form method="post" action="/profile/2fa/totp/confirm" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="confirm">Turn on</button>
          </form>
          {{/pending}}
          {{^pending}}
          <p>An authenticator app on your phone makes a new code every 30 seconds. After your password we will ask for the code it shows; it works without signal and costs nothing.</p>
          <form method="post" action="/profile/2fa/totp/start">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" id="start-totp">Show the QR code</button>
          </form>
          {{/pending}}
          <p><a href="/profile" class="cancel">Cancel</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let removeAuthenticator = """
        {{<layout}}{{$title}}Remove the authenticator app{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Remove the authenticator app</h1>
          <p>To make sure it is you, confirm with a fresh code.</p>
          {{>proof}}
          <p><a href="/profile" class="cancel">Cancel</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let addPush = """
        {{<layout}}{{$title}}Approve logins on your phone{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Approve logins on your phone</h1>
          <p>After your password we can ask your phone to approve the login: one tap, no code to type. It needs our phone app.</p>
          {{#tokenQR}}
          <p>Scan this with the app (the code works for five minutes):</p>
          <div class="qr" id="push-qr">{{{tokenQR}}}</div>
          {{/tokenQR}}
          {{^tokenQR}}
          <form method="post" action="/profile/2fa/push/token">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" id="push-token">Show the enrolment code</button>
          </form>
          {{/tokenQR}}
          {{#emulatorURL}}
          <p class="muted" id="emulator-hint">Development mode: with the emulator, enrol a virtual phone in its inbox at <a href="{{emulatorURL}}/">{{emulatorURL}}</a> with identity <code>{{identity}}</code> and service <code>{{serviceSid}}</code>; its Approve button then answers your logins.</p>
          {{/emulatorURL}}
          <p>When the app says your phone is enrolled:</p>
          <form method="post" action="/profile/2fa/push/confirm">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" id="confirm-push">My phone is enrolled</button>
          </form>
          <p><a href="/profile" class="cancel">Cancel</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let removePush = """
        {{<layout}}{{$title}}Remove phone approval{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Remove phone approval</h1>
          <p>To make sure it is you, confirm with a fresh code from another method.</p>
          {{>proof}}
          <p><a href="/profile" class="cancel">Cancel</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let recoveryCodes = """
        {{<layout}}{{$title}}Recovery codes{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Recovery codes</h1>
          {{#fresh}}
          <p>If you lose your phone, each of these codes signs you in once. Save them somewhere safe now: this page shows them only this time.</p>
          <ol class="codes" id="recovery-codes">{{#codes}}<li>{{.}}</li>{{/codes}}</ol>
          <p><a class="button" href="/profile" id="saved-codes">I have saved them</a></p>
          {{/fresh}}
          {{^fresh}}
          <p>New codes replace the old ones, which stop working. Confirm with a fresh code first.</p>
          {{>proof}}
          <p><a href="/profile" class="cancel">Cancel</a></p>
          {{/fresh}}
        </section>
        {{/content}}{{/layout}}
        """

    /// The pages' sudo mode: the password before a change that adds a way into the account.
    static let confirm = """
        {{<layout}}{{$title}}Confirm it is you{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Confirm it is you</h1>
          <p>This change adds or removes a way into your account, so enter your password first. For the next five minutes you will not be asked again.</p>
          <form method="post" action="/profile/confirm" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <input type="hidden" name="next" value="{{next}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="confirm">Confirm</button>
          </form>
          <p><a href="/profile" class="cancel">Cancel</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    /// The form that proves the user holds a factor: which one, its code, and an SMS code on request.
    static let proof = """
        <form method="post" novalidate>
          <input type="hidden" name="csrf_token" value="{{csrf}}">
          <fieldset class="methods"><legend>Confirm with</legend>
          {{#methods}}<label class="choice"><input type="radio" name="method" value="{{method}}" id="method-{{method}}"{{#checked}} checked{{/checked}}> {{title}}</label>{{/methods}}
          </fieldset>
          {{#fields}}{{>field}}{{/fields}}
          <button type="submit" id="confirm">Confirm</button>
        </form>
        {{#smsOn}}
        <form method="post" action="/profile/2fa/sms-code" class="secondary">
          <input type="hidden" name="csrf_token" value="{{csrf}}">
          <input type="hidden" name="return_to" value="{{path}}">
          <button type="submit" class="link" id="send-sms">Send a code by SMS to {{phone}}</button>
        </form>
        {{>inbox-hint}}
        {{/smsOn}}
        """
}
