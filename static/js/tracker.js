// SalesHeart live tracker: the observer marks who is talking; the page keeps the time.
//
// The whole run lives in localStorage and is written on every change, so a
// reload, a closed tab or a dropped connection loses nothing. Times are kept as
// an absolute start (Date.now()) plus seconds from it, so the clock is right
// again after a reload, however long the page was away. Finishing posts the run
// as JSON and retries until the server has it; the run id makes retries safe.
"use strict";

(function () {
  const KINDS = ["customer", "question", "pitch", "other"];
  const KIND_NAMES = {
    customer: "Customer talking",
    question: "I'm asking",
    pitch: "I'm pitching",
    other: "Other",
  };
  const KEYS = { c: "customer", a: "question", p: "pitch", o: "other" };
  const RETRY_MS = 5000;
  const NOT_SAVED = "Not saved yet: kept on this device, trying again…";
  const SIGNED_OUT = "You are signed out: sign in again in another tab; the run is kept here. Trying again…";
  const NOT_FOUND = "Not saved yet: this conversation is not open to the account signed in now " +
    "(another account, or it was deleted). The run is kept on this device; trying again…";

  let root, config, storageKey;
  let state = emptyState();
  let saving = false;
  let retrying = false;
  let retryTimer = null;
  let storageWorks = true;
  // After a sign-out the page's CSRF token is stale (signing in rotates it),
  // so later attempts read the fresh one from the cookie instead.
  let tokenFromCookie = false;
  const el = {};

  function emptyState() {
    return { v: 1, run: null, startedAt: null, finishedAt: null, segments: [], open: null, pains: [] };
  }

  function newRunId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // randomUUID exists only on HTTPS and localhost; getRandomValues works everywhere.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Storage --------------------------------------------------------------------

  function persist() {
    try {
      if (state.run) localStorage.setItem(storageKey, JSON.stringify(state));
      else localStorage.removeItem(storageKey);
      storageWorks = true;
    } catch (error) {
      // Private mode or a full disk: the run lives only in this page now.
      storageWorks = false;
      if (el.save) say("This browser is not keeping the run: do not reload or close this page.", "error");
    }
  }

  function validState(kept) {
    return kept && kept.v === 1 && typeof kept.run === "string" && typeof kept.startedAt === "number" &&
      Array.isArray(kept.segments) && Array.isArray(kept.pains);
  }

  function restore() {
    let kept = null;
    try {
      kept = JSON.parse(localStorage.getItem(storageKey));
    } catch (error) {
      kept = null;
    }
    state = validState(kept) ? kept : emptyState();
  }

  // Time -----------------------------------------------------------------------

  // Seconds since the run started, frozen once it is finished, never past the
  // longest conversation the server accepts.
  function elapsed() {
    if (state.startedAt === null) return 0;
    const until = state.finishedAt !== null ? state.finishedAt : Date.now();
    const seconds = Math.max(0, (until - state.startedAt) / 1000);
    return Math.min(Math.round(seconds * 1000) / 1000, config.maxSeconds);
  }

  function clock(seconds) {
    const whole = Math.floor(seconds);
    return String(Math.floor(whole / 60)).padStart(2, "0") + ":" + String(whole % 60).padStart(2, "0");
  }

  function short(seconds) {
    const whole = Math.floor(seconds);
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function totals(now) {
    const sums = { customer: 0, question: 0, pitch: 0, other: 0 };
    for (const segment of state.segments) sums[segment.kind] += segment.end - segment.start;
    if (state.open) sums[state.open.kind] += Math.max(0, now - state.open.start);
    return sums;
  }

  // Changes --------------------------------------------------------------------

  function ensureStarted() {
    if (state.run) return;
    state.run = newRunId();
    state.startedAt = Date.now();
  }

  function closeOpen(at) {
    if (!state.open) return;
    // A switch within the same millisecond is a stumble, not talk.
    if (at > state.open.start) state.segments.push({ kind: state.open.kind, start: state.open.start, end: at });
    state.open = null;
  }

  function change(action) {
    if (state.finishedAt !== null) return;
    action();
    persist();
    render();
  }

  function talk(kind) {
    change(() => {
      ensureStarted();
      if (state.open && state.open.kind === kind) return;
      const now = elapsed();
      if (now >= config.maxSeconds) return;
      closeOpen(now);
      state.open = { kind: kind, start: now };
    });
  }

  function pause() {
    change(() => closeOpen(elapsed()));
  }

  // H stamps the moment and nothing else: the focus stays where it was, so the
  // talk keys go on working. A note is typed in the list below, whenever the
  // observer chooses (during or after the run), never by surprise.
  function painHeard() {
    change(() => {
      ensureStarted();
      state.pains.push({ at: elapsed(), note: "" });
    });
  }

  // The notes ------------------------------------------------------------------

  function noteInput(index) {
    return el.painList.querySelector('[data-note="' + index + '"]');
  }

  function noteTyped(input) {
    const pain = state.pains[Number(input.dataset.note)];
    if (!pain) return;
    pain.note = input.value;
    persist();
  }

  // "Add a note" on the screen: to the latest stamp's note, on the observer's say-so.
  function goToLatestNote() {
    const input = noteInput(state.pains.length - 1);
    if (!input) return;
    input.scrollIntoView({ block: "center" });
    input.focus();
  }

  // Enter or Escape in a note: back to the buttons, where the keys work again.
  function leaveNote() {
    el.pain.scrollIntoView({ block: "nearest" });
    el.pain.focus();
  }

  // Finishing ------------------------------------------------------------------

  function finish() {
    if (state.finishedAt === null) {
      const now = elapsed();
      closeOpen(now);
      state.finishedAt = state.startedAt + now * 1000;
      persist();
      render();
    }
    save();
  }

  function discard() {
    if (!window.confirm("Discard this run? Its timeline and pain points are deleted from this device.")) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    retrying = false;
    state = emptyState();
    persist();
    say("Run discarded.", "");
    render();
  }

  function csrfToken() {
    if (tokenFromCookie) {
      const prefix = config.csrfCookie + "=";
      const cookie = document.cookie.split("; ").find((part) => part.startsWith(prefix));
      if (cookie) return decodeURIComponent(cookie.slice(prefix.length));
    }
    const input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function retryLater(message) {
    retrying = true;
    say(message, "warning");
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(save, RETRY_MS);
  }

  async function save() {
    if (saving || state.finishedAt === null) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    saving = true;
    // While retrying, the warning stays put: a status re-read every 5 s is noise.
    if (!retrying) say("Saving…", "");
    const run = state.run;
    let response;
    try {
      response = await fetch(config.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        // A sign-in redirect must show up as such, not as the login page's HTML.
        redirect: "manual",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({
          run: state.run,
          segments: state.segments,
          pain_points: state.pains.map((pain) => ({ at: pain.at, note: pain.note.trim() })),
        }),
      });
    } catch (error) {
      saving = false;
      retryLater(NOT_SAVED);
      return;
    }
    saving = false;
    if (state.run !== run) return; // discarded while the request was out
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      tokenFromCookie = true;
      retryLater(SIGNED_OUT);
      return;
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (response.status === 404) {
      retryLater(NOT_FOUND);
      return;
    }
    retrying = false;
    if (response.ok && data && data.saved) {
      state = emptyState();
      persist();
      say("Saved. Opening the conversation…", "");
      window.location.assign(data.url || config.conversationUrl);
      return;
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      // The server refused this run: sending it again would not change that.
      const reason = data && data.error ? data.error : "The server refused this run.";
      say("Not saved: " + reason + " The run is still kept on this device.", "error");
      return;
    }
    retryLater(NOT_SAVED);
  }

  // Drawing --------------------------------------------------------------------

  function say(text, tone) {
    const className = "tracker-save" + (tone ? " message message-" + tone : "");
    if (el.save.textContent === text && el.save.className === className) return;
    el.save.textContent = text;
    el.save.className = className;
  }

  // One row per stamp, each with its own note box. Rows are kept, not redrawn,
  // so a note being typed keeps its focus and caret whatever else changes.
  function renderPains() {
    const rows = el.painList.children;
    while (rows.length > state.pains.length) rows[rows.length - 1].remove();
    state.pains.forEach((pain, index) => {
      let input = noteInput(index);
      if (!input) {
        const item = document.createElement("li");
        const label = document.createElement("label");
        const hidden = document.createElement("span");
        const at = document.createElement("strong");
        input = document.createElement("input");
        hidden.className = "visually-hidden";
        hidden.textContent = "Note on the pain point heard at ";
        label.htmlFor = "pain-note-" + index;
        label.append(hidden, at);
        input.type = "text";
        input.id = "pain-note-" + index;
        input.dataset.note = String(index);
        input.maxLength = config.noteLimit;
        input.autocomplete = "off";
        input.enterKeyHint = "done";
        input.placeholder = "What they said (optional)";
        input.setAttribute("aria-describedby", "pain-note-help");
        item.append(label, " ", input);
        el.painList.append(item);
      }
      const label = input.labels[0].querySelector("strong");
      if (label.textContent !== clock(pain.at)) label.textContent = clock(pain.at);
      if (document.activeElement !== input && input.value !== pain.note) input.value = pain.note;
    });
    el.painEmpty.hidden = state.pains.length > 0;
    el.painHelp.hidden = state.pains.length === 0;
    el.painCount.textContent = state.pains.length + " heard";
    const latest = state.pains[state.pains.length - 1];
    const stampText = latest ? "Pain point at " + clock(latest.at) : "";
    if (el.stampText.textContent !== stampText) el.stampText.textContent = stampText;
    el.addNote.hidden = !latest;
  }

  // "Listening 58 % · target 50–64 % · on target", each part kept from wrapping inside.
  function showRatio(parts, tone) {
    const text = parts.join(" · ");
    if (el.ratio.textContent === text) return;
    const nodes = [];
    parts.forEach((part, index) => {
      const span = document.createElement("span");
      // The separator starts the next part, so a wrapped line never ends on it.
      span.textContent = index ? "· " + part : part;
      if (index) nodes.push(" ");
      nodes.push(span);
    });
    el.ratio.replaceChildren(...nodes);
    el.ratio.classList.toggle("on-target", tone === "on-target");
    el.ratio.classList.toggle("off-target", tone === "off-target");
  }

  // The clock ticks every second; the pain list is redrawn only when asked (full).
  function render(full = true) {
    const now = elapsed();
    const finished = state.finishedAt !== null;
    el.elapsed.textContent = clock(now);

    let stateText;
    if (!state.run) stateText = "Ready: press a talk button when they start.";
    else if (finished) stateText = "Finished at " + clock(now) + ".";
    else if (state.open) stateText = "Now: " + KIND_NAMES[state.open.kind];
    else stateText = "Paused";
    // Only a real change is written, so screen readers hear each state once.
    if (el.state.textContent !== stateText) el.state.textContent = stateText;

    // A display only, while the clock runs: the listening ratio is defined once, in
    // conversations/metrics.py (listening_ratio), and "on target" by Band.position in
    // conversations/bands.py; the figures stored and shown afterwards come from there.
    const sums = totals(now);
    const total = KINDS.reduce((sum, kind) => sum + sums[kind], 0);
    const parts = ["Listening –", "target " + config.low + "–" + config.high + " %"];
    let tone = "";
    if (total > 0) {
      const percent = Math.round((sums.customer / total) * 100);
      const where = percent < config.low ? "below target" : percent > config.high ? "above target" : "on target";
      parts[0] = "Listening " + percent + " %";
      parts.push(where);
      tone = where === "on target" ? "on-target" : "off-target";
    }
    showRatio(parts, tone);

    for (const button of el.kindButtons) {
      const kind = button.dataset.kind;
      button.setAttribute("aria-pressed", String(Boolean(state.open && state.open.kind === kind)));
      button.disabled = finished;
      root.querySelector('[data-total="' + kind + '"]').textContent = short(sums[kind]);
    }
    el.pause.setAttribute("aria-pressed", String(Boolean(state.run && !state.open && !finished)));
    el.pause.disabled = finished;
    el.pain.disabled = finished;
    el.finish.disabled = !(state.segments.length || state.open);
    el.finish.textContent = finished ? "Save now" : "Finish and save";
    el.discard.disabled = !state.run;
    if (full) renderPains();
  }

  // Keys -----------------------------------------------------------------------

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  // Space is Pause on the tracker and on the page itself; elsewhere (the site
  // menu, a link) it keeps doing what it does there.
  function spaceIsOurs(target) {
    return target === document.body || target === document.documentElement ||
      target.id === "main" || root.contains(target);
  }

  function onKeyDown(event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const key = event.key.toLowerCase();
    if (key === " " || event.code === "Space") {
      if (!spaceIsOurs(event.target)) return;
      // Stops the page scrolling and a focused button from also being pressed.
      event.preventDefault();
      if (!event.repeat) pause();
    } else if (KEYS[key]) {
      event.preventDefault();
      talk(KEYS[key]);
    } else if (key === "h") {
      event.preventDefault();
      if (!event.repeat) painHeard();
    }
  }

  function onKeyUp(event) {
    // Some browsers press a focused button on Space's keyup.
    if ((event.key === " " || event.code === "Space") && !typing(event.target) && root.contains(event.target)) {
      event.preventDefault();
    }
  }

  // Start ------------------------------------------------------------------------

  function setUp() {
    root = document.getElementById("tracker");
    if (!root) return;
    const data = root.dataset;
    config = {
      saveUrl: data.saveUrl,
      conversationUrl: data.conversationUrl,
      low: Number(data.targetLow),
      high: Number(data.targetHigh),
      maxSeconds: Number(data.maxSeconds) || 8 * 3600,
      csrfCookie: data.csrfCookie || "csrftoken",
      noteLimit: Number(data.noteLimit) || 300,
    };
    storageKey = "salesheart:tracker:" + data.conversationId;

    el.elapsed = root.querySelector("[data-elapsed]");
    el.state = root.querySelector("[data-state]");
    el.ratio = root.querySelector("[data-ratio]");
    el.kindButtons = Array.from(root.querySelectorAll("[data-kind]"));
    el.pause = root.querySelector("[data-pause]");
    el.pain = root.querySelector("[data-pain]");
    el.painCount = root.querySelector("[data-pain-count]");
    el.finish = root.querySelector("[data-finish]");
    el.discard = root.querySelector("[data-discard]");
    el.save = root.querySelector("[data-save-state]");
    el.stampText = root.querySelector("[data-stamp-text]");
    el.addNote = root.querySelector("[data-add-note]");
    el.painList = root.querySelector("[data-pain-list]");
    el.painEmpty = root.querySelector("[data-pain-empty]");
    el.painHelp = root.querySelector("[data-pain-help]");

    for (const button of el.kindButtons) button.addEventListener("click", () => talk(button.dataset.kind));
    el.pause.addEventListener("click", pause);
    el.pain.addEventListener("click", painHeard);
    el.finish.addEventListener("click", finish);
    el.discard.addEventListener("click", discard);
    el.addNote.addEventListener("click", goToLatestNote);
    el.painList.addEventListener("input", (event) => noteTyped(event.target));
    el.painList.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === "Escape") {
        event.preventDefault();
        leaveNote();
      }
    });
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("keyup", onKeyUp);
    window.addEventListener("online", () => { if (state.finishedAt !== null) save(); });
    // Another tab on the same conversation changed the run: show that, not a stale copy.
    window.addEventListener("storage", (event) => {
      if (event.key !== storageKey) return;
      restore();
      render();
    });
    // Back from the conversation page, the browser may show this page as it was
    // left; the kept run (saved and cleared since, perhaps) is the truth.
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted) return;
      restore();
      render();
    });

    restore();
    root.hidden = false;
    render();
    // Full screen: the tracker fills the window, the site header is one swipe up.
    // Not after a reload, where the browser puts the page back where it was.
    if (window.scrollY === 0) root.querySelector(".tracker-screen").scrollIntoView({ block: "start" });
    if (state.run) {
      say(state.finishedAt !== null ? "This run is finished but not saved yet." : "Run restored from this device.", "warning");
      if (state.finishedAt !== null) save();
    }
    setInterval(() => {
      if (state.open && elapsed() >= config.maxSeconds) pause();
      else render(false);
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
