/// The pages of signing in for an application (OpenID Connect) and by phone.
extension WebTemplates {
    /// "Sign in with your phone": the number.
    static let loginPhone = """
        {{<layout}}{{$title}}Sign in with your phone{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Sign in with your phone</h1>
          {{#application}}<p id="application">to continue to <strong>{{application}}</strong></p>{{/application}}
          <p>We send a code by text message to your number.</p>
          <form method="post" action="/login/phone" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="submit">Send the code</button>
          </form>
          <p class="muted"><a href="/login">Log in with a username and password instead</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    /// "Sign in with your phone": the code.
    static let loginPhoneVerify = """
        {{<layout}}{{$title}}Enter your code{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Enter your code</h1>
          {{#application}}<p id="application">to continue to <strong>{{application}}</strong></p>{{/application}}
          <p>We sent a code by text message to <strong id="phone">{{phone}}</strong>.</p>
          {{>inbox-hint}}
          <form method="post" action="/login/phone/verify" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#fields}}{{>field}}{{/fields}}
            <button type="submit" id="submit">Sign in</button>
          </form>
          <form method="post" action="/login/phone" class="secondary">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <input type="hidden" name="phone_number" value="{{phone}}">
            <button type="submit" class="secondary" id="resend">Send a new code</button>
          </form>
          <p class="muted"><a href="/login/phone">Use another number</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    /// Signed in: on to the application. A page that moves on by itself (and a link), because a
    /// redirect from the posted sign-in form to another site is blocked by `form-action 'self'`.
    static let continueToApplication = """
        {{<layout}}{{$title}}{{heading}}{{/title}}{{$head}}<meta http-equiv="refresh" content="0;url={{location}}">{{/head}}{{$content}}
        <section class="card narrow">
          <h1>{{heading}}</h1>
          <p>Taking you back to the application…</p>
          <p><a class="button" id="continue" href="{{location}}">Continue</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    /// RP-initiated logout without proof that the application asked: the person confirms.
    static let logoutConfirm = """
        {{<layout}}{{$title}}Sign out{{/title}}{{$content}}
        <section class="card narrow">
          <h1>Sign out?</h1>
          <p>{{#application}}<strong>{{application}}</strong> asks to sign you out{{/application}}{{^application}}An application asks to sign you out{{/application}} of Auth Server.</p>
          <form method="post" action="/oauth/logout">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
            <button type="submit" id="sign-out">Sign out</button>
          </form>
          <p class="muted"><a href="/">Stay signed in</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    /// Signed out, with no application to go back to.
    static let signedOut = """
        {{<layout}}{{$title}}Signed out{{/title}}{{$content}}
        <section class="card narrow">
          <h1>You are signed out</h1>
          <p><a href="/login">Sign in again</a></p>
        </section>
        {{/content}}{{/layout}}
        """
}
