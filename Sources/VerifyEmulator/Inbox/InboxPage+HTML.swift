extension InboxPage {
    /// The page template. Kept in code rather than a resource file so the emulator is one
    /// self-contained binary.
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Verify Emulator · Inbox</title>
        <style>
        :root { --bg: #f3f4f8; --ink: #1c1f2a; --muted: #6b7185; --accent: #e31e4f; --card: #fff; --bubble: #e9ecf5; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
        header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .9rem 1.5rem; background: #121826; color: #fff; }
        header h1 { margin: 0; font-size: 1.25rem; font-weight: 650; letter-spacing: .01em; white-space: nowrap; }
        header h1 span:not(.page) { color: var(--accent); }
        .clock { font-variant-numeric: tabular-nums; font-size: 1.05rem; opacity: .95; white-space: nowrap; }
        /* a phone (390 px): the header stays one line, title and clock side by side */
        @media (max-width: 480px) {
          header { padding: .6rem .75rem; gap: .5rem; }
          header h1 { font-size: .95rem; }
          header h1 .page { display: none; }
          .clock { font-size: .7rem; }
          .live { width: .5rem; height: .5rem; margin-right: .3rem; }
          .clock .frozen { margin-left: .25rem; padding: .05rem .25rem; font-size: .6rem; }
        }
        .clock .frozen { margin-left: .5rem; padding: .1rem .45rem; border-radius: .4rem; background: #3b82f6; font-size: .75rem; }
        .live { display: inline-block; width: .6rem; height: .6rem; margin-right: .4rem; border-radius: 50%; background: #9ca3af; }
        .live.on { background: #22c55e; box-shadow: 0 0 0 3px rgba(34,197,94,.25); }
        main { display: grid; grid-template-columns: minmax(260px, 340px) 1fr; gap: 1.5rem; padding: 1.5rem; }
        @media (max-width: 800px) { main { grid-template-columns: 1fr; } }
        h2 { margin: 0 0 .75rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
        .service { background: var(--card); border-radius: .9rem; padding: .9rem 1rem; margin-bottom: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
        .service h3 { margin: 0; font-size: 1rem; }
        .service .sid { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); }
        .service ul { list-style: none; margin: .6rem 0 0; padding: 0; }
        .service li { display: flex; justify-content: space-between; gap: .5rem; padding: .35rem 0; border-top: 1px solid #eef0f5; font-size: .9rem; }
        .service li .left { font-variant-numeric: tabular-nums; color: var(--muted); }
        .service .none { color: var(--muted); font-size: .85rem; margin: .5rem 0 0; }
        .phones { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 1.25rem; align-content: start; align-items: start; }
        .phone { background: #0f1320; border-radius: 2rem; padding: .7rem; box-shadow: 0 8px 24px rgba(15,19,32,.18); }
        .screen { background: var(--card); border-radius: 1.5rem; min-height: 220px; max-height: 460px; overflow-y: auto; padding: .9rem; }
        .to { text-align: center; font-weight: 650; font-variant-numeric: tabular-nums; padding-bottom: .6rem; border-bottom: 1px solid #eef0f5; margin-bottom: .6rem; }
        .bubble { background: var(--bubble); border-radius: 1.1rem 1.1rem 1.1rem .3rem; padding: .6rem .8rem; margin: .5rem 0; }
        .bubble.new { animation: pop .6s ease-out; }
        @keyframes pop { from { transform: scale(.92); background: #ffe3ea; } to { transform: scale(1); } }
        .bubble .meta { display: flex; justify-content: space-between; font-size: .72rem; color: var(--muted); margin-bottom: .2rem; }
        .bubble .text { font-size: .92rem; word-wrap: break-word; white-space: pre-line; }
        .bubble .state { font-variant-numeric: tabular-nums; font-weight: 600; color: #15803d; }
        .bubble.done { opacity: .45; }
        .bubble.done .code { text-decoration: line-through; }
        .bubble.done .state { color: var(--muted); }
        .codeline { display: flex; align-items: center; justify-content: space-between; margin-top: .45rem; }
        .code { font: 700 1.7rem/1 ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .12em; color: var(--ink); }
        button.copy { border: 0; border-radius: .6rem; background: var(--accent); color: #fff; padding: .4rem .75rem; font-weight: 600; cursor: pointer; }
        button.copy:active { transform: scale(.97); }
        .push li { flex-wrap: wrap; }
        .push .message { flex: 1 1 100%; font-weight: 600; }
        .push .fields { flex: 1 1 100%; color: var(--muted); font-size: .82rem; }
        .push button { border: 0; border-radius: .6rem; padding: .35rem .8rem; font-weight: 600; cursor: pointer; color: #fff; }
        .push button.approve { background: #16a34a; }
        .push button.deny { background: #dc2626; }
        .push form { display: flex; gap: .4rem; flex-wrap: wrap; margin-top: .6rem; }
        .push form input, .push form select { flex: 1 1 8rem; padding: .3rem .4rem; border: 1px solid #d5d9e4; border-radius: .4rem; font: inherit; font-size: .85rem; }
        .push .status { color: var(--muted); font-size: .8rem; }
        .empty { grid-column: 1 / -1; color: var(--muted); background: var(--card); border-radius: 1rem; padding: 2rem; text-align: center; }
        .empty code { background: var(--bubble); padding: .1rem .35rem; border-radius: .3rem; }
        </style>
        </head>
        <body>
        <header>
          <h1>Verify <span>Emulator</span><span class="page"> · Inbox</span></h1>
          <div class="clock"><span id="live" class="live" title="live updates"></span><span id="clock" data-ms="{{clockMs}}">{{clock}}</span>{{#frozen}}<span class="frozen">frozen</span>{{/frozen}}</div>
        </header>
        <main>
          <section>
            <h2>Services · pending verifications</h2>
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
          <section>
            <h2>Authenticator · TOTP factors</h2>
            <ul id="factors">
            {{#factors}}<li><span>{{identity}} · {{name}}{{^verified}} (unverified){{/verified}}</span><span class="code">{{code}}</span><span class="left" data-step-ends="{{stepEndsMs}}">{{secondsLeft}} s</span></li>{{/factors}}
            {{^hasFactors}}<li class="none">No TOTP factors yet</li>{{/hasFactors}}
            </ul>
            <h2>Push · pending challenges</h2>
            <div class="service push">
            <ul id="push">
            {{#pushChallenges}}<li data-sid="{{sid}}"><span class="message">{{message}}</span>{{#hasFields}}<span class="fields">{{fields}}</span>{{/hasFields}}<span>{{identity}}</span><span class="left" data-expires="{{expiresAtMs}}">{{timeLeft}}</span>{{#virtualDevice}}<span><button class="approve" data-answer="approve" data-challenge="{{sid}}">Approve</button> <button class="deny" data-answer="deny" data-challenge="{{sid}}">Deny</button></span>{{/virtualDevice}}{{^virtualDevice}}<span class="status">on a real phone</span>{{/virtualDevice}}</li>{{/pushChallenges}}
            {{^hasPushChallenges}}<li class="none">No pending push challenges</li>{{/hasPushChallenges}}
            </ul>
            <form id="enrol"><select name="service_sid">{{#services}}<option value="{{sid}}">{{name}}</option>{{/services}}</select><input name="identity" placeholder="entity identity" required minlength="8" maxlength="64"><button class="approve" type="submit">Enrol a virtual device</button></form>
            <p class="status" id="enrol-status"></p>
            </div>
          </section>
          <section>
            <h2>Inbox · every code "sent"</h2>
            <div id="phones" class="phones">
            {{#phones}}
              <div class="phone" data-to="{{to}}"><div class="screen">
                <div class="to">{{to}}</div>
                {{#bubbles}}
                <div class="bubble" data-verification="{{verificationSid}}"><div class="meta"><span>{{channel}}</span><span class="state"></span><span>{{time}}</span></div>
                  <div class="text">{{body}}</div>
                  <div class="codeline"><span class="code">{{code}}</span><button class="copy" data-code="{{code}}">Copy</button></div></div>
                {{/bubbles}}
              </div></div>
            {{/phones}}
            {{^hasPhones}}<div class="empty" id="empty">No messages yet. Start a verification, e.g.
              <code>client.verify.v2.services(sid).verifications.create(to="+15005550006", channel="sms")</code></div>{{/hasPhones}}
            </div>
          </section>
        </main>
        <script>
        (function () {
          var clockEl = document.getElementById("clock");
          var offset = Number(clockEl.dataset.ms) - Date.now();
          var frozenAt = null;
          function now() { return frozenAt !== null ? frozenAt : Date.now() + offset; }
          function pad(n) { return (n < 10 ? "0" : "") + n; }
          function fmt(ms) { return new Date(ms).toISOString().replace(".000", "").replace(/\.\d+Z$/, "Z"); }
          function left(ms) { var s = Math.max(0, Math.ceil(ms / 1000)); return Math.floor(s / 60) + ":" + pad(s % 60); }
          function tick() {
            clockEl.textContent = fmt(now());
            document.querySelectorAll("[data-expires]").forEach(function (el) {
              var ms = Number(el.dataset.expires) - now();
              el.textContent = ms > 0 ? left(ms) : "expired";
            });
            document.querySelectorAll(".bubble [data-card-expires]").forEach(function (el) {
              var ms = Number(el.dataset.cardExpires) - now();
              if (ms > 0) { el.textContent = left(ms) + " left"; return; }
              el.textContent = "expired"; delete el.dataset.cardExpires;
              el.closest(".bubble").classList.add("done");
            });
            var stepEnded = false;
            document.querySelectorAll("[data-step-ends]").forEach(function (el) {
              var s = Math.ceil((Number(el.dataset.stepEnds) - now()) / 1000);
              if (s <= 0) stepEnded = true; else el.textContent = s + " s";
            });
            if (stepEnded) refreshFactors();
          }
          function text(tag, cls, value) { var el = document.createElement(tag); if (cls) el.className = cls; el.textContent = value; return el; }
          function bubble(m) {
            var b = text("div", "bubble new", "");
            b.dataset.verification = m.verification_sid;
            var meta = text("div", "meta", ""); meta.appendChild(text("span", "", m.channel.toUpperCase()));
            meta.appendChild(text("span", "state", "")); meta.appendChild(text("span", "", m.date_created.substr(11, 8)));
            b.appendChild(meta); b.appendChild(text("div", "text", m.body));
            var line = text("div", "codeline", ""); line.appendChild(text("span", "code", m.code));
            var copy = text("button", "copy", "Copy"); copy.dataset.code = m.code; line.appendChild(copy);
            b.appendChild(line); return b;
          }
          function addMessage(m) {
            var empty = document.getElementById("empty"); if (empty) empty.remove();
            var phones = document.getElementById("phones");
            var phone = Array.prototype.find.call(phones.children, function (p) { return p.dataset.to === m.to; });
            if (!phone) {
              phone = text("div", "phone", ""); phone.dataset.to = m.to;
              var screen = text("div", "screen", ""); screen.appendChild(text("div", "to", m.to)); phone.appendChild(screen);
            }
            phones.insertBefore(phone, phones.firstChild);
            var screenEl = phone.querySelector(".screen");
            screenEl.insertBefore(bubble(m), screenEl.children[1] || null);
          }
          function refreshPending() {
            fetch("/emulator/v1/verifications?status=pending&limit=200").then(function (r) { return r.json(); }).then(function (data) {
              document.querySelectorAll("#services .service").forEach(function (box) {
                var items = data.verifications.filter(function (v) { return v.service_sid === box.dataset.sid; });
                box.querySelectorAll("ul, .none").forEach(function (el) { el.remove(); });
                if (!items.length) { box.appendChild(text("p", "none", "No pending verifications")); return; }
                var ul = document.createElement("ul");
                items.forEach(function (v) {
                  var li = document.createElement("li"); li.appendChild(text("span", "", v.to + " · " + v.channel));
                  var l = text("span", "left", ""); l.dataset.expires = now() + v.seconds_left * 1000; li.appendChild(l); ul.appendChild(li);
                });
                box.appendChild(ul);
              });
              tick();
            }).catch(function () {});
          }
          // each card's code: the time it has left, or what became of it (used, expired, canceled)
          function refreshCards() {
            fetch("/emulator/v1/verifications?limit=1000").then(function (r) { return r.json(); }).then(function (data) {
              var byVerification = {};
              data.verifications.forEach(function (v) { byVerification[v.sid] = v; });
              document.querySelectorAll(".bubble[data-verification]").forEach(function (card) {
                var v = byVerification[card.dataset.verification], state = card.querySelector(".state");
                if (!v || !state) return;
                if (v.status === "pending") {
                  state.dataset.cardExpires = now() + v.seconds_left * 1000;
                  card.classList.remove("done");
                } else {
                  delete state.dataset.cardExpires;
                  state.textContent = v.status === "approved" ? "used" : v.status;
                  card.classList.add("done");
                }
              });
              tick();
            }).catch(function () {});
          }
          var factorsLoading = false;
          function refreshFactors() {
            if (factorsLoading) return;
            factorsLoading = true;
            fetch("/emulator/v1/factors?limit=50").then(function (r) { return r.json(); }).then(function (data) {
              var list = document.getElementById("factors");
              list.textContent = "";
              if (!data.factors.length) { list.appendChild(text("li", "none", "No TOTP factors yet")); }
              data.factors.forEach(function (f) {
                var li = document.createElement("li");
                li.appendChild(text("span", "", f.identity + " · " + f.friendly_name + (f.status === "verified" ? "" : " (unverified)")));
                li.appendChild(text("span", "code", f.code));
                var l = text("span", "left", f.seconds_left + " s"); l.dataset.stepEnds = now() + f.seconds_left * 1000;
                li.appendChild(l); list.appendChild(li);
              });
              factorsLoading = false;
            }).catch(function () { factorsLoading = false; });
          }
          var pushLoading = false;
          function refreshPush() {
            if (pushLoading) return;
            pushLoading = true;
            fetch("/emulator/v1/challenges?status=pending&limit=50").then(function (r) { return r.json(); }).then(function (data) {
              var list = document.getElementById("push");
              list.textContent = "";
              if (!data.challenges.length) { list.appendChild(text("li", "none", "No pending push challenges")); }
              data.challenges.forEach(function (c) {
                var li = document.createElement("li"); li.dataset.sid = c.sid;
                li.appendChild(text("span", "message", c.message));
                if (c.fields.length) { li.appendChild(text("span", "fields", c.fields.map(function (f) { return f.label + ": " + f.value; }).join(" · "))); }
                li.appendChild(text("span", "", c.identity));
                var l = text("span", "left", ""); l.dataset.expires = Date.parse(c.expiration_date); li.appendChild(l);
                if (c.virtual_device) {
                  var buttons = document.createElement("span");
                  ["approve", "deny"].forEach(function (answer) {
                    var b = text("button", answer, answer === "approve" ? "Approve" : "Deny");
                    b.dataset.answer = answer; b.dataset.challenge = c.sid; buttons.appendChild(b); buttons.appendChild(document.createTextNode(" "));
                  });
                  li.appendChild(buttons);
                } else { li.appendChild(text("span", "status", "on a real phone")); }
                list.appendChild(li);
              });
              pushLoading = false;
              tick();
            }).catch(function () { pushLoading = false; });
          }
          document.addEventListener("click", function (e) {
            var answer = e.target && e.target.dataset && e.target.dataset.answer;
            if (!answer) return;
            e.target.disabled = true;
            fetch("/emulator/v1/challenges/" + e.target.dataset.challenge + "/" + answer, { method: "POST" })
              .then(function () { refreshPush(); }).catch(function () { e.target.disabled = false; });
          });
          document.getElementById("enrol").addEventListener("submit", function (e) {
            e.preventDefault();
            var form = e.target, status = document.getElementById("enrol-status");
            var body = { service_sid: form.service_sid.value, identity: form.identity.value };
            fetch("/emulator/v1/devices", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
              .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
              .then(function (r) { status.textContent = r.ok ? "Enrolled " + r.json.factor_sid + " for " + r.json.identity : (r.json.detail || r.json.message); })
              .catch(function () { status.textContent = "The emulator did not answer"; });
          });
          document.addEventListener("click", function (e) {
            var code = e.target && e.target.dataset && e.target.dataset.code; if (!code) return;
            var done = function () { e.target.textContent = "Copied"; setTimeout(function () { e.target.textContent = "Copy"; }, 1200); };
            if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(code).then(done); return; }
            var area = document.createElement("textarea"); area.value = code; document.body.appendChild(area); area.select();
            try { document.execCommand("copy"); done(); } catch (err) {} area.remove();
          });
          var live = document.getElementById("live");
          var events = new EventSource("/emulator/v1/events");
          events.onopen = function () { live.classList.add("on"); };
          events.onerror = function () { live.classList.remove("on"); };
          // One refresh per burst of messages, not one per message: a load test can send thousands.
          var refreshQueued = false;
          function refreshSoon() {
            if (refreshQueued) return;
            refreshQueued = true;
            setTimeout(function () { refreshQueued = false; refreshPending(); refreshCards(); }, 300);
          }
          events.addEventListener("message", function (e) { addMessage(JSON.parse(e.data)); refreshSoon(); });
          events.addEventListener("clock", function (e) {
            var c = JSON.parse(e.data); offset = c.epoch_ms - Date.now(); frozenAt = c.frozen ? c.epoch_ms : null; tick();
          });
          setInterval(tick, 1000);
          setInterval(refreshPending, 5000);
          setInterval(refreshCards, 2000);
          refreshCards();
          setInterval(refreshFactors, 5000);
          setInterval(refreshPush, 2000);
          tick();
        })();
        </script>
        </body>
        </html>
        """#
}
