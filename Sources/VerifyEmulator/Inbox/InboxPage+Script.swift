extension InboxPage {
    /// The page's behaviour, plain JavaScript: the live feed (server-sent events), the clock and
    /// countdowns, the phones' search and pins (kept in the browser), the controls (each a call to
    /// the control API, as `curl` would make it, with its answer or error shown), and the request
    /// log. Part of the template, so it must never hold two opening braces in a row.
    static let script = #"""
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
          function button(label, cls, data, ariaLabel) {
            var b = text("button", cls, label); b.type = "button";
            Object.keys(data).forEach(function (key) { b.dataset[key] = data[key]; });
            if (ariaLabel) b.setAttribute("aria-label", ariaLabel);
            return b;
          }

          // MARK: phones: search and pins

          var pinned = [];
          try { pinned = JSON.parse(localStorage.getItem("verify-emulator.pinned") || "[]"); } catch (e) { pinned = []; }
          function digits(value) { return value.replace(/[^0-9a-z@.+]/gi, "").toLowerCase(); }
          function applyPhone(phone) {
            var on = pinned.indexOf(phone.dataset.to) >= 0;
            phone.classList.toggle("pinned", on);
            var pin = phone.querySelector("button.pin");
            if (pin) { pin.setAttribute("aria-pressed", String(on)); pin.textContent = on ? "Pinned" : "Pin"; }
            var wanted = digits(document.getElementById("search").value);
            phone.hidden = wanted !== "" && digits(phone.dataset.to).indexOf(wanted) < 0;
          }
          function applyPhones() { document.querySelectorAll("#phones .phone").forEach(applyPhone); }
          document.getElementById("search").addEventListener("input", applyPhones);

          function bubble(m) {
            var b = text("div", "bubble new", "");
            b.dataset.verification = m.verification_sid;
            var meta = text("div", "meta", ""); meta.appendChild(text("span", "", m.channel.toUpperCase()));
            meta.appendChild(text("span", "state", "")); meta.appendChild(text("span", "", m.date_created.substr(11, 8)));
            b.appendChild(meta); b.appendChild(text("div", "text", m.body));
            var line = text("div", "codeline", ""); line.appendChild(text("span", "code", m.code));
            line.appendChild(button("Copy", "copy", { code: m.code }, "Copy code " + m.code));
            b.appendChild(line); return b;
          }
          function addMessage(m) {
            var empty = document.getElementById("empty"); if (empty) empty.remove();
            var phones = document.getElementById("phones");
            var phone = Array.prototype.find.call(phones.children, function (p) { return p.dataset.to === m.to; });
            if (!phone) {
              phone = text("div", "phone", ""); phone.dataset.to = m.to;
              var screen = text("div", "screen", ""), to = text("div", "to", "");
              to.appendChild(text("span", "", m.to));
              to.appendChild(button("Pin", "pin", {}, "Pin " + m.to + " first"));
              screen.appendChild(to); phone.appendChild(screen);
            }
            phones.insertBefore(phone, phones.firstChild);
            var screenEl = phone.querySelector(".screen");
            screenEl.insertBefore(bubble(m), screenEl.children[1] || null);
            applyPhone(phone);
          }

          // the phones again from the messages the emulator holds (after a restore or a reset)
          function reloadPhones() {
            fetch("/emulator/v1/messages?limit=300").then(function (r) { return r.json(); }).then(function (data) {
              document.getElementById("phones").textContent = "";
              data.messages.slice().reverse().forEach(addMessage);
              document.querySelectorAll("#phones .bubble.new").forEach(function (b) { b.classList.remove("new"); });
              refreshCards();
            }).catch(function () {});
          }

          // MARK: what the emulator holds

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
              list("factors", data.factors, "No TOTP factors yet", function (li, f) {
                li.appendChild(text("span", "", f.identity + " · " + f.friendly_name + (f.status === "verified" ? "" : " (unverified)")));
                li.appendChild(text("span", "code", f.code));
                var l = text("span", "left", f.seconds_left + " s"); l.dataset.stepEnds = now() + f.seconds_left * 1000;
                li.appendChild(l);
              });
              factorsLoading = false;
            }).catch(function () { factorsLoading = false; });
          }
          var pushLoading = false;
          function refreshPush() {
            if (pushLoading) return;
            pushLoading = true;
            fetch("/emulator/v1/challenges?status=pending&limit=50").then(function (r) { return r.json(); }).then(function (data) {
              list("push", data.challenges, "No pending push challenges", function (li, c) {
                li.dataset.sid = c.sid;
                li.appendChild(text("span", "message", c.message));
                if (c.fields.length) { li.appendChild(text("span", "fields", c.fields.map(function (f) { return f.label + ": " + f.value; }).join(" · "))); }
                li.appendChild(text("span", "", c.identity));
                var l = text("span", "left", ""); l.dataset.expires = Date.parse(c.expiration_date); li.appendChild(l);
                if (c.virtual_device) {
                  var buttons = document.createElement("span");
                  ["approve", "deny"].forEach(function (answer) {
                    buttons.appendChild(button(answer === "approve" ? "Approve" : "Deny", answer, { answer: answer, challenge: c.sid }));
                    buttons.appendChild(document.createTextNode(" "));
                  });
                  li.appendChild(buttons);
                } else { li.appendChild(text("span", "status", "on a real phone")); }
              });
              pushLoading = false;
              tick();
            }).catch(function () { pushLoading = false; });
          }

          // MARK: controls: each calls the control API and shows its answer or its error

          var status = document.getElementById("control-status");
          function say(message, failed) { status.textContent = message; status.classList.toggle("error", !!failed); }
          // state-changing calls send JSON, as the control API asks of a browser (same origin only)
          function call(method, path, body) {
            var init = { method: method, headers: {} };
            if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
            return fetch(path, init).then(function (r) {
              return r.text().then(function (raw) {
                var json = null; try { json = raw ? JSON.parse(raw) : null; } catch (e) { json = null; }
                if (!r.ok) {
                  var why = json ? (json.detail || json.message) : raw;
                  throw new Error(method + " " + path.split("?")[0] + " answered " + r.status + (why ? ": " + why : ""));
                }
                return json;
              });
            });
          }
          // a form whose call succeeded is emptied for the next one
          function act(promise, describe, form) {
            return promise.then(function (json) { say(describe(json)); if (form) form.reset(); refreshControls(); return json; })
              .catch(function (error) { say(error.message === "Failed to fetch" ? "The emulator did not answer" : error.message, true); });
          }
          function showClock(c) {
            offset = c.epoch_ms - Date.now(); frozenAt = c.frozen ? c.epoch_ms : null;
            var freeze = document.getElementById("freeze");
            freeze.setAttribute("aria-pressed", String(c.frozen)); freeze.textContent = c.frozen ? "Unfreeze" : "Freeze";
            var badge = document.getElementById("frozen-badge");
            if (c.frozen && !badge) { badge = text("span", "frozen", "frozen"); badge.id = "frozen-badge"; clockEl.parentNode.appendChild(badge); }
            if (!c.frozen && badge) badge.remove();
            tick();
          }
          function moveClock(seconds, form) {
            act(call("POST", "/emulator/v1/clock", { advance_seconds: seconds }), function (c) {
              showClock(c); refreshCards(); refreshPending();
              return "Clock moved " + (seconds < 0 ? "back " : "") + Math.abs(seconds) + " s to " + c.now;
            }, form);
          }
          document.querySelectorAll("[data-advance]").forEach(function (b) {
            b.addEventListener("click", function () { moveClock(Number(b.dataset.advance)); });
          });
          document.getElementById("clock-form").addEventListener("submit", function (e) {
            e.preventDefault(); moveClock(Number(e.target.seconds.value), e.target);
          });
          document.getElementById("freeze").addEventListener("click", function (e) {
            var frozen = e.target.getAttribute("aria-pressed") !== "true";
            act(call("POST", "/emulator/v1/clock", { frozen: frozen }), function (c) {
              showClock(c); return c.frozen ? "Clock frozen at " + c.now : "Clock running from " + c.now;
            });
          });
          function formValue(form, name) { var v = form[name].value.trim(); return v === "" ? undefined : v; }
          document.getElementById("code-form").addEventListener("submit", function (e) {
            e.preventDefault();
            var body = { code: formValue(e.target, "code"), to: formValue(e.target, "to") };
            act(call("POST", "/emulator/v1/codes", body), function (c) {
              return "New verifications" + (c.to ? " to " + c.to : "") + " get the code " + c.code;
            }, e.target);
          });
          document.getElementById("fault-form").addEventListener("submit", function (e) {
            e.preventDefault();
            var f = e.target, rule = { endpoint: f.endpoint.value, error: { code: Number(f.error.value) } };
            if (formValue(f, "times")) rule.times = Number(f.times.value);
            if (formValue(f, "to")) rule.to = formValue(f, "to");
            act(call("POST", "/emulator/v1/faults", rule), function (r) {
              return "Fault " + r.id + ": " + r.endpoint + " answers " + r.error.code + (r.times ? ", " + r.times + " time(s)" : "");
            }, e.target);
          });
          document.getElementById("snapshot-form").addEventListener("submit", function (e) {
            e.preventDefault();
            act(call("POST", "/emulator/v1/snapshots", { name: formValue(e.target, "name") }), function (s) {
              return "Snapshot " + s.name + " saved (" + s.emulator_time + ")";
            }, e.target);
          });
          document.getElementById("reset").addEventListener("click", function () {
            act(call("POST", "/emulator/v1/reset"), function () {
              reloadPhones(); refreshPending();
              return "Reset: every verification and message is gone";
            });
          });
          document.addEventListener("click", function (e) {
            var d = e.target && e.target.dataset; if (!d) return;
            if (d.removeCode !== undefined) {
              var query = d.removeCode ? "?to=" + encodeURIComponent(d.removeCode) : d.removeService ? "?service_sid=" + encodeURIComponent(d.removeService) : "";
              act(call("DELETE", "/emulator/v1/codes" + query), function () { return "Fixed code removed"; });
            } else if (d.removeFault) {
              act(call("DELETE", "/emulator/v1/faults/" + encodeURIComponent(d.removeFault)), function () { return "Fault " + d.removeFault + " removed"; });
            } else if (d.restore) {
              act(call("POST", "/emulator/v1/snapshots/" + encodeURIComponent(d.restore) + "/restore"), function () {
                reloadPhones(); refreshPending();
                call("GET", "/emulator/v1/clock").then(showClock).catch(function () {});
                return "Snapshot " + d.restore + " restored";
              });
            } else if (d.deleteSnapshot) {
              act(call("DELETE", "/emulator/v1/snapshots/" + encodeURIComponent(d.deleteSnapshot)), function () { return "Snapshot " + d.deleteSnapshot + " deleted"; });
            } else if (e.target.classList.contains("pin")) {
              var to = e.target.closest(".phone").dataset.to, at = pinned.indexOf(to);
              if (at >= 0) pinned.splice(at, 1); else pinned.push(to);
              try { localStorage.setItem("verify-emulator.pinned", JSON.stringify(pinned)); } catch (err) {}
              applyPhones();
            }
          });
          // a list redrawn from `items`, or one line saying it is empty
          function list(id, items, empty, render) {
            var ul = document.getElementById(id); ul.textContent = "";
            if (!items.length) { ul.appendChild(text("li", "none", empty)); return; }
            items.forEach(function (item) { var li = document.createElement("li"); render(li, item); ul.appendChild(li); });
          }
          function refreshControls() {
            fetch("/emulator/v1/codes").then(function (r) { return r.json(); }).then(function (data) {
              list("codes", data.codes, "No fixed codes: codes are random", function (li, c) {
                var whom = c.to ? "for " + c.to : c.service_sid ? "on " + c.service_sid : "for every verification";
                li.appendChild(text("span", "", c.code + " " + whom));
                li.appendChild(button("Remove", "quiet", c.to ? { removeCode: c.to } : c.service_sid ? { removeCode: "", removeService: c.service_sid } : { removeCode: "" }, "Remove the fixed code " + whom));
              });
            }).catch(function () {});
            fetch("/emulator/v1/faults").then(function (r) { return r.json(); }).then(function (data) {
              list("faults", data.faults, "No faults", function (li, f) {
                var what = f.endpoint + (f.error ? " → " + f.error.code : "") + (f.latency_ms ? " +" + f.latency_ms + " ms" : "") + (f.to ? " for " + f.to : "") + (f.times ? " ×" + f.times : "");
                li.appendChild(text("span", "", f.id + ": " + what));
                li.appendChild(button("Remove", "quiet", { removeFault: f.id }, "Remove fault " + f.id));
              });
            }).catch(function () {});
            fetch("/emulator/v1/snapshots").then(function (r) { return r.json(); }).then(function (data) {
              list("snapshots", data.snapshots, "No snapshots", function (li, s) {
                li.appendChild(text("span", "", s.name + " · " + s.emulator_time));
                var buttons = document.createElement("span");
                buttons.appendChild(button("Restore", "", { restore: s.name }, "Restore snapshot " + s.name));
                buttons.appendChild(document.createTextNode(" "));
                buttons.appendChild(button("Delete", "quiet", { deleteSnapshot: s.name }, "Delete snapshot " + s.name));
                li.appendChild(buttons);
              });
            }).catch(function () {});
          }
          fetch("/emulator/v1/outcomes").then(function (r) { return r.json(); }).then(function (data) {
            list("outcome-list", data.outcomes, "No outcomes", function (li, o) {
              li.appendChild(text("span", "", o.description + " (" + o.on + "): " + o.numbers[0]));
              li.appendChild(button("Copy", "quiet", { code: o.numbers[0] }, "Copy " + o.numbers[0]));
            });
          }).catch(function () {});

          // MARK: the request log

          function refreshRequests() {
            var errorsOnly = document.getElementById("errors-only").checked;
            var wanted = digits(document.getElementById("log-to").value);
            fetch("/emulator/v1/requests?limit=200" + (errorsOnly ? "&errors=true" : "")).then(function (r) { return r.json(); }).then(function (data) {
              var rows = data.requests.filter(function (q) { return wanted === "" || (q.to && digits(q.to).indexOf(wanted) >= 0); }).slice(0, 50);
              var body = document.getElementById("requests"); body.textContent = "";
              if (!rows.length) { var tr = document.createElement("tr"), td = text("td", "none", "No requests" + (errorsOnly || wanted ? " match" : " yet")); td.colSpan = 6; tr.appendChild(td); body.appendChild(tr); return; }
              rows.forEach(function (q) {
                var tr = document.createElement("tr"); if (q.status >= 400) tr.className = "failed";
                tr.appendChild(text("td", "", q.date.substr(11, 8)));
                // a path's sids shortened (the whole path in its title): the table stays readable on a phone
                var path = text("td", "path", ""), line = text("span", "", q.method + " " + q.path.replace(/\/([A-Z]{2})[0-9a-f]{32}/g, "/$1…"));
                line.title = q.method + " " + q.path; path.appendChild(line);
                path.appendChild(text("span", "id", "\n" + q.request_id)); tr.appendChild(path);
                tr.appendChild(text("td", "status-code", String(q.status)));
                tr.appendChild(text("td", "", q.error_code ? String(q.error_code) : ""));
                tr.appendChild(text("td", "hint", q.hint || ""));
                tr.appendChild(text("td", "", q.to || ""));
                body.appendChild(tr);
              });
            }).catch(function () {});
          }
          document.getElementById("errors-only").addEventListener("change", refreshRequests);
          document.getElementById("log-to").addEventListener("input", refreshRequests);

          // MARK: push, copy, enrol

          document.addEventListener("click", function (e) {
            var answer = e.target && e.target.dataset && e.target.dataset.answer;
            if (!answer) return;
            e.target.disabled = true;
            fetch("/emulator/v1/challenges/" + e.target.dataset.challenge + "/" + answer, { method: "POST" })
              .then(function () { refreshPush(); }).catch(function () { e.target.disabled = false; });
          });
          document.getElementById("enrol").addEventListener("submit", function (e) {
            e.preventDefault();
            var form = e.target, enrolStatus = document.getElementById("enrol-status");
            var body = { service_sid: form.service_sid.value, identity: form.identity.value };
            fetch("/emulator/v1/devices", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
              .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
              .then(function (r) { enrolStatus.textContent = r.ok ? "Enrolled " + r.json.factor_sid + " for " + r.json.identity : (r.json.detail || r.json.message); })
              .catch(function () { enrolStatus.textContent = "The emulator did not answer"; });
          });
          document.addEventListener("click", function (e) {
            var code = e.target && e.target.dataset && e.target.dataset.code; if (!code) return;
            var label = e.target.textContent;
            var done = function () { e.target.textContent = "Copied"; setTimeout(function () { e.target.textContent = label; }, 1200); };
            if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(code).then(done); return; }
            var area = document.createElement("textarea"); area.value = code; document.body.appendChild(area); area.select();
            try { document.execCommand("copy"); done(); } catch (err) {} area.remove();
          });

          // MARK: live

          var live = document.getElementById("live");
          var events = new EventSource("/emulator/v1/events");
          events.onopen = function () { live.classList.add("on"); };
          events.onerror = function () { live.classList.remove("on"); };
          // One refresh per burst of messages, not one per message: a load test can send thousands.
          var refreshQueued = false;
          function refreshSoon() {
            if (refreshQueued) return;
            refreshQueued = true;
            setTimeout(function () { refreshQueued = false; refreshPending(); refreshCards(); refreshRequests(); }, 300);
          }
          events.addEventListener("message", function (e) { addMessage(JSON.parse(e.data)); refreshSoon(); });
          events.addEventListener("clock", function (e) { showClock(JSON.parse(e.data)); });
          setInterval(tick, 1000);
          setInterval(refreshPending, 5000);
          setInterval(refreshCards, 2000);
          setInterval(refreshFactors, 5000);
          setInterval(refreshPush, 2000);
          setInterval(refreshRequests, 2000);
          setInterval(refreshControls, 5000);
          applyPhones();
          refreshCards();
          refreshControls();
          refreshRequests();
          tick();
        })();
        """#
}
