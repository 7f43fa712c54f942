extension InboxPage {
    /// The page template: the codes first (a phone's first screen holds the newest code), the
    /// controls and what the emulator holds beside them, the request log below. Kept in code
    /// rather than a resource file so the emulator is one self-contained binary; the behaviour
    /// is ``script``.
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Verify Emulator · Inbox</title>
        <style>
        :root { --bg: #f3f4f8; --ink: #1c1f2a; --muted: #565d70; --accent: #d1193f; --card: #fff; --bubble: #e9ecf5; --line: #dde1ea; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
        :focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .9rem 1.5rem; background: #121826; color: #fff; }
        header h1 { margin: 0; font-size: 1.25rem; font-weight: 650; letter-spacing: .01em; white-space: nowrap; }
        header h1 span:not(.page) { color: #ff5c80; }
        .clock { font-variant-numeric: tabular-nums; font-size: 1.05rem; white-space: nowrap; }
        .clock .frozen { margin-left: .5rem; padding: .1rem .45rem; border-radius: .4rem; background: #1d4ed8; font-size: .75rem; }
        .live { display: inline-block; width: .6rem; height: .6rem; margin-right: .4rem; border-radius: 50%; background: #9ca3af; }
        .live.on { background: #22c55e; box-shadow: 0 0 0 3px rgba(34,197,94,.25); }
        /* a phone (390 px): the header stays one line, title and clock side by side */
        @media (max-width: 480px) {
          header { padding: .6rem .75rem; gap: .5rem; }
          header h1 { font-size: .95rem; }
          header h1 .page { display: none; }
          .clock { font-size: .7rem; }
          .live { width: .5rem; height: .5rem; margin-right: .3rem; }
          .clock .frozen { margin-left: .25rem; padding: .05rem .25rem; font-size: .6rem; }
        }
        /* the codes first; on a wide screen the controls beside them and the log below them */
        main { display: grid; gap: 1.25rem; padding: 1rem; grid-template-columns: minmax(0, 1fr); grid-template-areas: "inbox" "side" "log"; }
        @media (min-width: 900px) {
          main { padding: 1.5rem; grid-template-columns: minmax(0, 1fr) minmax(300px, 360px); grid-template-rows: auto 1fr; grid-template-areas: "inbox side" "log side"; align-items: start; }
        }
        #inbox { grid-area: inbox; min-width: 0; }
        #side { grid-area: side; min-width: 0; }
        #log { grid-area: log; min-width: 0; }
        h2 { margin: 0 0 .6rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
        .toolbar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; margin-bottom: .75rem; }
        .toolbar h2 { margin: 0; }
        input, select, button { font: inherit; }
        input, select { padding: .35rem .5rem; border: 1px solid #b8bfcf; border-radius: .45rem; background: #fff; color: var(--ink); min-width: 0; }
        input[type=search] { flex: 1 1 12rem; max-width: 22rem; }
        button { border: 0; border-radius: .55rem; padding: .4rem .75rem; font-weight: 600; cursor: pointer; background: #2b3247; color: #fff; }
        button:disabled { opacity: .6; cursor: default; }
        button.quiet { background: #e4e7ef; color: var(--ink); }
        button.danger { background: #b91c1c; }
        .card { background: var(--card); border-radius: .9rem; padding: .9rem 1rem; margin-bottom: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
        .card h3 { margin: 0 0 .4rem; font-size: .95rem; }
        .card ul { list-style: none; margin: .4rem 0 0; padding: 0; }
        .card li { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; padding: .35rem 0; border-top: 1px solid var(--line); font-size: .9rem; overflow-wrap: anywhere; }
        .card .none { color: var(--muted); font-size: .85rem; }
        .card form, .row { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .4rem 0; }
        .card form input, .card form select { flex: 1 1 7rem; }
        .sid { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); overflow-wrap: anywhere; }
        .left { font-variant-numeric: tabular-nums; color: var(--muted); }
        .status { color: var(--muted); font-size: .85rem; min-height: 1.2em; margin: .3rem 0 0; overflow-wrap: anywhere; }
        .status.error { color: #b91c1c; }
        .phones { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 1rem; align-content: start; align-items: start; }
        .phone { background: #0f1320; border-radius: 1.6rem; padding: .6rem; box-shadow: 0 8px 24px rgba(15,19,32,.18); min-width: 0; }
        .phone.pinned { order: -1; box-shadow: 0 0 0 3px #ff5c80, 0 8px 24px rgba(15,19,32,.18); }
        .screen { background: var(--card); border-radius: 1.2rem; min-height: 160px; max-height: 460px; overflow-y: auto; padding: .8rem; }
        .to { display: flex; align-items: center; justify-content: space-between; gap: .5rem; font-weight: 650; font-variant-numeric: tabular-nums; padding-bottom: .5rem; border-bottom: 1px solid var(--line); margin-bottom: .5rem; overflow-wrap: anywhere; }
        button.pin { background: #e4e7ef; color: var(--ink); padding: .2rem .55rem; font-size: .8rem; }
        button.pin[aria-pressed=true] { background: #ff5c80; color: #121826; }
        .bubble { background: var(--bubble); border-radius: 1.1rem 1.1rem 1.1rem .3rem; padding: .6rem .8rem; margin: .5rem 0; }
        .bubble.new { animation: pop .6s ease-out; }
        @keyframes pop { from { transform: scale(.92); background: #ffe3ea; } to { transform: scale(1); } }
        @media (prefers-reduced-motion: reduce) { .bubble.new { animation: none; } }
        .bubble .meta { display: flex; justify-content: space-between; gap: .4rem; font-size: .72rem; color: var(--muted); margin-bottom: .2rem; }
        .bubble .text { font-size: .92rem; overflow-wrap: anywhere; white-space: pre-line; }
        .bubble .state { font-variant-numeric: tabular-nums; font-weight: 600; color: #166534; }
        .bubble.done { opacity: .55; }
        .bubble.done .code { text-decoration: line-through; }
        .bubble.done .state { color: var(--muted); }
        .codeline { display: flex; align-items: center; justify-content: space-between; gap: .5rem; margin-top: .45rem; }
        .code { font: 700 1.6rem/1 ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .1em; color: var(--ink); overflow-wrap: anywhere; }
        button.copy { background: var(--accent); }
        button.copy:active { transform: scale(.97); }
        .push .message { flex: 1 1 100%; font-weight: 600; }
        .push .fields { flex: 1 1 100%; color: var(--muted); font-size: .82rem; }
        button.approve { background: #15803d; }
        button.deny { background: #b91c1c; }
        .empty { grid-column: 1 / -1; color: var(--muted); background: var(--card); border-radius: 1rem; padding: 1.5rem; text-align: center; overflow-wrap: anywhere; }
        .empty code { background: var(--bubble); padding: .1rem .35rem; border-radius: .3rem; }
        details summary { cursor: pointer; font-weight: 600; }
        .log-wrap { overflow-x: auto; background: var(--card); border-radius: .9rem; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
        table { border-collapse: collapse; width: 100%; font-size: .85rem; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .72rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
        td.path { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .78rem; white-space: pre; }
        td.path .id { color: var(--muted); font-size: .72rem; }
        td.hint { overflow-wrap: anywhere; min-width: 9rem; }
        tr.failed td.status-code { color: #b91c1c; font-weight: 700; }
        </style>
        </head>
        <body>
        <header>
          <h1>Verify <span>Emulator</span><span class="page"> · Inbox</span></h1>
          <div class="clock" role="status" aria-label="Emulator clock"><span id="live" class="live" title="live updates"></span><span id="clock" data-ms="{{clockMs}}">{{clock}}</span>{{#frozen}}<span class="frozen" id="frozen-badge">frozen</span>{{/frozen}}</div>
        </header>
        <main>
          <section id="inbox" aria-labelledby="inbox-heading">
            <div class="toolbar">
              <h2 id="inbox-heading">Inbox · every code "sent"</h2>
              <label class="visually-hidden" for="search">Show the phones whose number contains</label>
              <input type="search" id="search" placeholder="Filter by number" autocomplete="off">
            </div>
            <div id="phones" class="phones">
            {{#phones}}
              <div class="phone" data-to="{{to}}"><div class="screen">
                <div class="to"><span>{{to}}</span><button class="pin" type="button" aria-pressed="false" aria-label="Pin {{to}} first">Pin</button></div>
                {{#bubbles}}
                <div class="bubble" data-verification="{{verificationSid}}"><div class="meta"><span>{{channel}}</span><span class="state"></span><span>{{time}}</span></div>
                  <div class="text">{{body}}</div>
                  <div class="codeline"><span class="code">{{code}}</span><button class="copy" type="button" data-code="{{code}}" aria-label="Copy code {{code}}">Copy</button></div></div>
                {{/bubbles}}
              </div></div>
            {{/phones}}
            {{^hasPhones}}<div class="empty" id="empty">No messages yet. Start a verification, e.g.
              <code>client.verify.v2.services(sid).verifications.create(to="+15005550006", channel="sms")</code></div>{{/hasPhones}}
            </div>
          </section>
          <aside id="side" aria-label="Controls and state">
            <section class="card" id="controls" aria-labelledby="controls-heading">
              <h2 id="controls-heading">Controls</h2>
              <p class="status" id="control-status" role="status" aria-live="polite"></p>
              <h3>Clock</h3>
              <div class="row">
                <button type="button" data-advance="60">+1 min</button>
                <button type="button" data-advance="600">+10 min</button>
                <button type="button" id="freeze" aria-pressed="{{frozen}}">{{#frozen}}Unfreeze{{/frozen}}{{^frozen}}Freeze{{/frozen}}</button>
              </div>
              <form id="clock-form">
                <label class="visually-hidden" for="advance-seconds">Seconds to move the clock by</label>
                <input id="advance-seconds" name="seconds" type="number" step="1" placeholder="seconds (−60, 3600…)" required>
                <button type="submit">Move clock</button>
              </form>
              <h3>Fixed codes</h3>
              <form id="code-form">
                <label class="visually-hidden" for="fixed-code">Code</label>
                <input id="fixed-code" name="code" placeholder="code (123456)" required minlength="4" maxlength="10">
                <label class="visually-hidden" for="fixed-to">For the number (empty: every verification)</label>
                <input id="fixed-to" name="to" placeholder="for number (optional)">
                <button type="submit">Set code</button>
              </form>
              <ul id="codes"></ul>
              <h3>Faults</h3>
              <form id="fault-form">
                <label class="visually-hidden" for="fault-endpoint">Endpoint</label>
                <select id="fault-endpoint" name="endpoint">
                  <option value="verifications">start verification</option>
                  <option value="verification_checks">check</option>
                  <option value="any">any endpoint</option>
                </select>
                <label class="visually-hidden" for="fault-error">Twilio error code</label>
                <input id="fault-error" name="error" type="number" placeholder="error (60410)" required>
                <label class="visually-hidden" for="fault-times">How many times (empty: until removed)</label>
                <input id="fault-times" name="times" type="number" min="1" placeholder="times">
                <label class="visually-hidden" for="fault-to">Only for the number (optional)</label>
                <input id="fault-to" name="to" placeholder="for number (optional)">
                <button type="submit">Add fault</button>
              </form>
              <ul id="faults"></ul>
              <h3>Snapshots</h3>
              <form id="snapshot-form">
                <label class="visually-hidden" for="snapshot-name">Snapshot name</label>
                <input id="snapshot-name" name="name" placeholder="name (seeded)" required maxlength="64">
                <button type="submit">Save snapshot</button>
              </form>
              <ul id="snapshots"></ul>
              <div class="row"><button type="button" class="danger" id="reset">Reset: forget every verification and message</button></div>
              <details id="outcomes"><summary>Numbers with a known outcome</summary><ul id="outcome-list"></ul></details>
            </section>
            <section class="card" aria-labelledby="services-heading">
              <h2 id="services-heading">Services · pending verifications</h2>
              <div id="services">
              {{#services}}
                <div class="service" data-sid="{{sid}}">
                  <h3>{{name}}</h3>
                  <div class="sid">{{sid}}</div>
                  {{#hasPending}}
                  <ul>
                    {{#pending}}<li><span>{{to}} · {{channel}}</span><span class="left" data-expires="{{expiresAtMs}}">{{timeLeft}}</span></li>{{/pending}}
                  </ul>
                  {{/hasPending}}
                  {{^hasPending}}<p class="none">No pending verifications</p>{{/hasPending}}
                </div>
              {{/services}}
              </div>
            </section>
            <section class="card" aria-labelledby="factors-heading">
              <h2 id="factors-heading">Authenticator · TOTP factors</h2>
              <ul id="factors">
              {{#factors}}<li><span>{{identity}} · {{name}}{{^verified}} (unverified){{/verified}}</span><span class="code">{{code}}</span><span class="left" data-step-ends="{{stepEndsMs}}">{{secondsLeft}} s</span></li>{{/factors}}
              {{^hasFactors}}<li class="none">No TOTP factors yet</li>{{/hasFactors}}
              </ul>
            </section>
            <section class="card push" aria-labelledby="push-heading">
              <h2 id="push-heading">Push · pending challenges</h2>
              <ul id="push">
              {{#pushChallenges}}<li data-sid="{{sid}}"><span class="message">{{message}}</span>{{#hasFields}}<span class="fields">{{fields}}</span>{{/hasFields}}<span>{{identity}}</span><span class="left" data-expires="{{expiresAtMs}}">{{timeLeft}}</span>{{#virtualDevice}}<span><button class="approve" type="button" data-answer="approve" data-challenge="{{sid}}">Approve</button> <button class="deny" type="button" data-answer="deny" data-challenge="{{sid}}">Deny</button></span>{{/virtualDevice}}{{^virtualDevice}}<span class="status">on a real phone</span>{{/virtualDevice}}</li>{{/pushChallenges}}
              {{^hasPushChallenges}}<li class="none">No pending push challenges</li>{{/hasPushChallenges}}
              </ul>
              <form id="enrol">
                <label class="visually-hidden" for="enrol-service">Service</label>
                <select id="enrol-service" name="service_sid">{{#services}}<option value="{{sid}}">{{name}}</option>{{/services}}</select>
                <label class="visually-hidden" for="enrol-identity">Entity identity</label>
                <input id="enrol-identity" name="identity" placeholder="entity identity" required minlength="8" maxlength="64">
                <button class="approve" type="submit">Enrol a virtual device</button>
              </form>
              <p class="status" id="enrol-status" role="status"></p>
            </section>
          </aside>
          <section id="log" aria-labelledby="log-heading">
            <div class="toolbar">
              <h2 id="log-heading">Requests · the Twilio API's last answers</h2>
              <div class="row">
                <label><input type="checkbox" id="errors-only"> errors only</label>
                <label class="visually-hidden" for="log-to">Show the requests for the number</label>
                <input type="search" id="log-to" placeholder="number" autocomplete="off">
              </div>
            </div>
            <div class="log-wrap">
              <table>
                <caption class="visually-hidden">The last requests to the Twilio API, newest first</caption>
                <thead><tr><th scope="col">Time</th><th scope="col">Request · id</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">Why</th><th scope="col">To</th></tr></thead>
                <tbody id="requests"><tr><td colspan="6" class="none">No requests yet</td></tr></tbody>
              </table>
            </div>
          </section>
        </main>
        <script>
        """# + script + #"""
            </script>
            </body>
            </html>
            """#
}
