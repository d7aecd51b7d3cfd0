/* TrustDesk chat widget: one <script> tag, no framework, styles isolated in a shadow root.
   <script src="https://desk.example/chat/widget.js" data-identity-token="<signed on your server>" async></script>
   Without a token the visitor is asked for a name and email. Text is always rendered as text, never as HTML. */
(function () {
  "use strict";
  if (window.TrustDeskChat && window.TrustDeskChat.loaded) return;
  var script = document.currentScript || document.querySelector("script[src*='/chat/widget.js']");
  var base = new URL(script.src, location.href).origin;
  var conf = window.TrustDeskChatConfig || {};
  var identityToken = conf.identityToken || script.getAttribute("data-identity-token") || null;
  var title = conf.title || script.getAttribute("data-title") || "Help & safety";
  var forceSse = conf.transport === "sse" || script.getAttribute("data-transport") === "sse";
  var storeKey = "trustdesk.chat." + (script.getAttribute("data-user") || userOf(identityToken) || "visitor");

  var state = { session: load(), lastSeq: 0, ws: null, wsOk: false, wsFailures: 0, sse: null, backoff: 500,
    pending: {}, typingTimer: null, lastTyping: 0, readSent: 0, open: false, closed: false, agentReadUpTo: 0 };

  var host = document.createElement("div");
  host.id = "trustdesk-chat";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" +
    ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;background:#1f4f8f;color:#fff;font-size:15px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #f5b400;outline-offset:2px}" +
    ".panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);background:#fff;color:#1a1a1a;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden}" +
    ".panel[hidden]{display:none}header{background:#1f4f8f;color:#fff;padding:12px 14px;display:flex;gap:10px;align-items:center}" +
    ".avatar{width:34px;height:34px;border-radius:50%;background:#fff;color:#1f4f8f;display:flex;align-items:center;justify-content:center;font-weight:700}" +
    "header h2{font-size:15px;margin:0}header p{font-size:12px;margin:2px 0 0;opacity:.9}.x{margin-left:auto;background:none;border:0;color:#fff;font-size:20px;cursor:pointer}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f5f7fa}" +
    ".msg{max-width:80%;padding:8px 11px;border-radius:12px;font-size:14px;line-height:1.35;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".visitor{align-self:flex-end;background:#1f4f8f;color:#fff}.agent{align-self:flex-start;background:#fff;border:1px solid #dde3ea}" +
    ".system{align-self:stretch;background:#fff8e1;border:1px solid #f0d27a;font-size:13px}.crisis{background:#fdecea;border-color:#e57373;font-weight:600}" +
    ".who{display:block;font-size:11px;opacity:.75;margin-bottom:2px}.meta{display:block;font-size:11px;opacity:.8;text-align:right;margin-top:2px}" +
    ".typing{min-height:18px;font-size:12px;color:#555;padding:0 14px}.status{font-size:12px;color:#444;padding:6px 14px;border-top:1px solid #eee;background:#fff}" +
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #eee}textarea{flex:1;resize:none;height:44px;padding:8px;border:1px solid #c8d0da;border-radius:8px;font-size:14px}" +
    "button.send{background:#1f4f8f;color:#fff;border:0;border-radius:8px;padding:0 14px;cursor:pointer}[hidden]{display:none!important}.intro{padding:14px;display:flex;flex-direction:column;gap:8px}" +
    ".intro input{padding:8px;border:1px solid #c8d0da;border-radius:6px;font-size:14px}.err{color:#b00020;font-size:12px}" +
    ".survey{display:flex;flex-direction:column;gap:6px}.scores{display:flex;gap:6px}.scores button{flex:1;padding:6px 0;border:1px solid #c8d0da;border-radius:6px;background:#fff;font-size:14px;cursor:pointer}" +
    ".scores button[aria-pressed=true]{background:#1f4f8f;color:#fff;border-color:#1f4f8f}.survey textarea{height:52px;font-size:13px}.survey .send{padding:6px 12px;align-self:flex-end}" +
    "</style>" +
    "<button class='launcher' type='button' aria-expanded='false' aria-controls='td-panel'>Chat with us</button>" +
    "<section class='panel' id='td-panel' role='dialog' aria-label='Chat' hidden>" +
    "<header><div class='avatar' aria-hidden='true'>?</div><div><h2></h2><p class='sub'>We usually answer in a few minutes</p></div>" +
    "<button class='x' type='button' aria-label='Close chat'>×</button></header>" +
    "<form class='intro' hidden><label>Your name <input name='name' autocomplete='name' maxlength='200' required></label>" +
    "<label>Your email <input name='email' type='email' autocomplete='email' maxlength='320' required></label>" +
    "<button class='send' type='submit'>Start chat</button><span class='err' role='alert'></span></form>" +
    "<div class='log' role='log' aria-live='polite'></div><div class='typing' aria-live='polite'></div>" +
    "<div class='status' role='status'></div>" +
    "<form class='compose'><label style='position:absolute;left:-9999px' for='td-text'>Message</label>" +
    "<textarea id='td-text' maxlength='4000' placeholder='Write a message…'></textarea><button class='send' type='submit'>Send</button></form></section>";
  (document.body || document.documentElement).appendChild(host);

  var $ = function (s) { return root.querySelector(s); };
  var panel = $(".panel"), log = $(".log"), typingLine = $(".typing"), statusLine = $(".status");
  var compose = $(".compose"), text = $("textarea"), intro = $(".intro");
  $("h2").textContent = title;

  $(".launcher").addEventListener("click", function () { toggle(!state.open); });
  $(".x").addEventListener("click", function () { toggle(false); });
  compose.addEventListener("submit", function (e) { e.preventDefault(); send(); });
  text.addEventListener("keydown", function (e) { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); } });
  text.addEventListener("input", typing);
  intro.addEventListener("submit", function (e) {
    e.preventDefault();
    startSession({ visitor: { name: intro.name.value, email: intro.email.value } });
  });

  function toggle(open) {
    state.open = open;
    panel.hidden = !open;
    $(".launcher").setAttribute("aria-expanded", String(open));
    if (open) {
      /* Messages that arrived while the panel was closed could not scroll it: show the latest on opening. */
      log.scrollTop = log.scrollHeight;
      if (!state.session) {
        if (identityToken) startSession({ identityToken: identityToken }); else { intro.hidden = false; compose.hidden = true; }
      }
      setTimeout(function () { text.focus(); }, 0);
      markRead();
    }
  }

  function userOf(token) {
    try { var p = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))); return p.iss + ":" + p.sub; } catch (e) { return null; }
  }
  function load() { try { return JSON.parse(localStorage.getItem(storeKey)); } catch (e) { return null; } }
  function save() { try { localStorage.setItem(storeKey, JSON.stringify(state.session)); } catch (e) { /* private mode */ } }
  function uuid() { return (crypto.randomUUID && crypto.randomUUID()) || (Date.now().toString(36) + Math.random().toString(36).slice(2)); }

  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state.session) headers.Authorization = "Bearer " + state.session.visitorToken;
    return fetch(base + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: "omit" });
  }

  function startSession(body) {
    intro.querySelector(".err").textContent = "";
    return fetch(base + "/api/v1/chat/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "omit" })
      .then(function (r) {
        if (r.status === 201) return r.json();
        if (r.status === 401) throw new Error("Your sign-in has expired. Reload the page and try again.");
        return r.json().then(function (p) { throw new Error(p.title || "Could not start the chat."); });
      })
      .then(function (s) { state.session = { sessionId: s.sessionId, visitorToken: s.visitorToken }; save(); intro.hidden = true; compose.hidden = false; connect(); flush(); })
      .catch(function (e) { intro.hidden = !!identityToken && false; intro.querySelector(".err").textContent = e.message; statusLine.textContent = e.message; });
  }

  function path(p) { return "/api/v1/chat/sessions/" + state.session.sessionId + (p || ""); }

  /* Transport: WebSocket first; after two failures to open, Server-Sent Events (read with fetch so the token goes in a header) + POST. */
  function connect() {
    if (!state.session || state.closed) return;
    if (!forceSse && state.wsFailures < 2 && window.WebSocket) connectWs(); else connectSse();
    pollStatus();
  }

  function reconnect() {
    state.ws = null; state.sse = null;
    var delay = Math.min(state.backoff, 10000);
    state.backoff = Math.min(state.backoff * 2, 10000);
    setTimeout(connect, delay + Math.random() * 300);
  }

  function connectWs() {
    var ws = new WebSocket(base.replace(/^http/, "ws") + path("/ws"));
    var opened = false;
    state.ws = ws;
    ws.onopen = function () {
      opened = true; state.wsOk = true; state.backoff = 500;
      ws.send(JSON.stringify({ type: "auth", token: state.session.visitorToken, after: state.lastSeq }));
      flush();
    };
    ws.onmessage = function (m) { var f; try { f = JSON.parse(m.data); } catch (e) { return; } frame(f); };
    ws.onclose = function (e) {
      if (state.ws === ws) state.ws = null;
      if (!opened && !state.wsOk) state.wsFailures++;
      if (e.code === 1008) return forget();
      reconnect();
    };
  }

  function connectSse() {
    var controller = new AbortController();
    state.sse = controller;
    fetch(base + path("/events"), { headers: { Accept: "text/event-stream", Authorization: "Bearer " + state.session.visitorToken, "Last-Event-ID": String(state.lastSeq) },
      signal: controller.signal, credentials: "omit", cache: "no-store" })
      .then(function (r) {
        if (r.status === 404 || r.status === 401) { forget(); return; }
        if (!r.ok || !r.body) throw new Error("stream " + r.status);
        state.backoff = 500; flush();
        var reader = r.body.getReader(), decoder = new TextDecoder(), buf = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error("ended");
            buf += decoder.decode(chunk.value, { stream: true });
            var i;
            while ((i = buf.indexOf("\n\n")) >= 0) {
              var block = buf.slice(0, i); buf = buf.slice(i + 2);
              var data = block.split("\n").filter(function (l) { return l.indexOf("data:") === 0; }).map(function (l) { return l.slice(5).trim(); }).join("\n");
              if (data) { try { frame(JSON.parse(data)); } catch (e) { /* partial or foreign line */ } }
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () { if (state.sse === controller) reconnect(); });
  }

  function forget() { state.session = null; try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ } statusLine.textContent = "This chat is no longer available."; }

  function frame(f) {
    if (f.type === "ack") { var p = state.pending[f.clientMessageId]; if (p) { p.seq = f.seq; delete state.pending[f.clientMessageId]; meta(p.el, "Sent"); } return; }
    if (f.type === "error") { var q = state.pending[f.clientMessageId]; if (q && f.status !== 429) { meta(q.el, "Not sent"); delete state.pending[f.clientMessageId]; } return; }
    if (f.type === "ping") return;
    if (f.type === "typing") { showTyping(f); return; }
    if (f.seq <= state.lastSeq) return;
    state.lastSeq = f.seq;
    if (f.type === "message") {
      if (f.from === "visitor") {
        var mine = state.pending[f.clientMessageId] || (f.clientMessageId && root.querySelector("[data-cid='" + cssEscape(f.clientMessageId) + "']") && { el: root.querySelector("[data-cid='" + cssEscape(f.clientMessageId) + "']") });
        if (mine) { mine.el.setAttribute("data-seq", f.seq); meta(mine.el, "Sent"); delete state.pending[f.clientMessageId]; return; }
        bubble("visitor", f.text, null, f.seq).setAttribute("data-cid", f.clientMessageId || "");
      } else {
        typingLine.textContent = "";
        setAgent(f.authorName);
        bubble("agent", f.text, f.authorName, f.seq);
        markRead();
      }
    } else if (f.type === "system") {
      var el = bubble("system", f.text, null, f.seq);
      if (/988|116 123|crisis|emergency/i.test(f.text || "")) el.classList.add("crisis");
      if (/joined the chat|taking over/.test(f.text || "")) setAgent((f.text || "").split(" ")[0]);
    } else if (f.type === "survey") {
      askRating(f);
    } else if (f.type === "rated") {
      var asked = root.querySelector(".survey"), thanked = root.querySelector(".rated-here");
      if (asked) asked.remove();
      if (thanked) { thanked.classList.remove("rated-here"); thanked.setAttribute("data-seq", f.seq); } else bubble("system", f.text, null, f.seq);
    } else if (f.type === "read" && f.from === "agent") {
      state.agentReadUpTo = Math.max(state.agentReadUpTo, f.readUpTo || 0);
      root.querySelectorAll(".visitor[data-seq]").forEach(function (b) { if (+b.getAttribute("data-seq") <= state.agentReadUpTo) meta(b, "Read"); });
    }
  }

  /* The satisfaction question when an agent ends the chat: a score from 1 to 5, a comment if the visitor likes; the first answer counts. */
  function askRating(f) {
    var el = bubble("system survey", f.text, null, f.seq);
    var labels = ["very bad", "bad", "okay", "good", "very good"];
    var scores = document.createElement("div");
    scores.className = "scores"; scores.setAttribute("role", "group"); scores.setAttribute("aria-label", "Your rating");
    var chosen = 0;
    labels.forEach(function (label, i) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = String(i + 1); b.setAttribute("aria-label", (i + 1) + " of 5, " + label); b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () {
        chosen = i + 1;
        scores.querySelectorAll("button").forEach(function (o) { o.setAttribute("aria-pressed", String(o === b)); });
        submit.disabled = false;
      });
      scores.appendChild(b);
    });
    var comment = document.createElement("textarea");
    comment.maxLength = 1000; comment.placeholder = "Anything to add? (optional)"; comment.setAttribute("aria-label", "Comment (optional)");
    var submit = document.createElement("button");
    submit.type = "button"; submit.className = "send"; submit.textContent = "Send rating"; submit.disabled = true;
    var note = document.createElement("span"); note.className = "err"; note.setAttribute("role", "alert");
    submit.addEventListener("click", function () {
      if (!chosen) return;
      submit.disabled = true;
      api("POST", path("/satisfaction"), { score: chosen, comment: comment.value.trim() || null })
        .then(function (r) {
          if (r.ok) return r.json().then(function (a) {
            /* The conversation's own "rated" event may have come first (it removes the question): then it already thanked. */
            if (el.isConnected) { el.remove(); bubble("system rated-here", "Thank you. You rated this chat " + a.score + " of 5.", null, null); }
          });
          return r.json().then(function (p) { note.textContent = p.title || "Could not send your rating."; submit.disabled = false; });
        })
        .catch(function () { note.textContent = "Could not send your rating. Try again."; submit.disabled = false; });
    });
    el.appendChild(scores); el.appendChild(comment); el.appendChild(submit); el.appendChild(note);
  }

  function cssEscape(s) { return String(s).replace(/["'\\\]]/g, "\\$&"); }

  function bubble(kind, body, who, seq) {
    var el = document.createElement("div");
    el.className = "msg " + kind;
    if (who) { var w = document.createElement("span"); w.className = "who"; w.textContent = who; el.appendChild(w); }
    el.appendChild(document.createTextNode(body || ""));
    if (seq) el.setAttribute("data-seq", seq);
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }

  function meta(el, t) {
    var m = el.querySelector(".meta");
    if (!m) { m = document.createElement("span"); m.className = "meta"; el.appendChild(m); }
    if (m.textContent !== "Read") m.textContent = t;
  }

  function setAgent(name) {
    if (!name) return;
    $(".avatar").textContent = name.charAt(0).toUpperCase();
    $(".sub").textContent = name + " is helping you";
  }

  function showTyping(f) {
    if (f.from !== "agent") return;
    typingLine.textContent = (f.authorName || "An agent") + " is typing…";
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
  }

  function send() {
    var body = text.value.trim();
    if (!body) return;
    /* Before the session exists (it is being started) the message waits as pending: delivered once it does. */
    text.value = "";
    var cid = uuid();
    var el = bubble("visitor", body, null, null);
    el.setAttribute("data-cid", cid);
    meta(el, "Sending…");
    state.pending[cid] = { el: el, text: body, tries: 0 };
    deliver(cid);
  }

  /* Retries with the same clientMessageId until stored: the server keeps one copy however many times it arrives. */
  function deliver(cid) {
    var p = state.pending[cid];
    if (!p || !state.session) return;
    if (state.ws && state.ws.readyState === 1) {
      state.ws.send(JSON.stringify({ type: "message", text: p.text, clientMessageId: cid }));
      setTimeout(function () { if (state.pending[cid]) deliver(cid); }, 5000);
      return;
    }
    api("POST", path("/messages"), { text: p.text, clientMessageId: cid }).then(function (r) {
      if (r.status === 201) return r.json().then(function (m) { p.seq = m.seq; p.el.setAttribute("data-seq", m.seq); delete state.pending[cid]; meta(p.el, "Sent"); });
      if (r.status >= 400 && r.status < 500 && r.status !== 429) { delete state.pending[cid]; meta(p.el, "Not sent"); return; }
      throw new Error("retry");
    }).catch(function () { p.tries++; setTimeout(function () { deliver(cid); }, Math.min(1000 * p.tries, 8000)); });
  }

  function flush() { Object.keys(state.pending).forEach(deliver); }

  function typing() {
    var now = Date.now();
    if (!state.session || now - state.lastTyping < 2000) return;
    state.lastTyping = now;
    if (state.ws && state.ws.readyState === 1) state.ws.send(JSON.stringify({ type: "typing" }));
    else api("POST", path("/typing"));
  }

  function markRead() {
    if (!state.open || !state.session || state.lastSeq <= state.readSent || !root.querySelector(".agent")) return;
    state.readSent = state.lastSeq;
    if (state.ws && state.ws.readyState === 1) state.ws.send(JSON.stringify({ type: "read", seq: state.lastSeq }));
    else api("POST", path("/read"), { seq: state.lastSeq });
  }

  var statusTimer = null;
  function pollStatus() {
    clearTimeout(statusTimer);
    if (!state.session) return;
    api("GET", path()).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
      if (!s) return;
      if (s.agentName) { setAgent(s.agentName); statusLine.textContent = s.status === "ended" ? "This chat has ended. Write again at any time." : ""; }
      else if (s.status === "waiting" && s.queuePosition) {
        statusLine.textContent = s.agentsOnShift === 0
          ? (s.continuesByEmail ? "No agent is available right now: we will answer by email, on the same case." : "No agent is available right now; we will answer here as soon as someone is on shift.")
          : "You are number " + s.queuePosition + " in line" + (s.estimatedWaitMinutes ? ", about " + s.estimatedWaitMinutes + " min" : "") + ".";
      } else statusLine.textContent = "";
    }).catch(function () { /* offline: the stream reconnects */ }).then(function () { statusTimer = setTimeout(pollStatus, 10000); });
  }

  window.TrustDeskChat = { loaded: true, open: function () { toggle(true); }, close: function () { toggle(false); } };
  if (state.session) connect();
  if (script.getAttribute("data-open") === "true" || conf.open) toggle(true);
})();
