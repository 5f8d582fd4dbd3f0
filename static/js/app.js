// SalesHeart: small progressive enhancements; every page works without this file.
//
// 1. Forms marked data-keep="key" keep what is typed in localStorage, so a
//    reload, a dropped connection or an expired session loses nothing. A kept
//    copy comes back only when it is newer than the server's last accepted
//    write for that form (data-saved-at), measured on the server's clock.
//    Copies are kept per person (data-user): on a shared computer, whoever
//    signs in next never gets them, and theirs are thrown away.
// 2. A form with data-autosave-url posts itself there shortly after typing
//    stops, so the server holds a draft too. When the server answers with a
//    new version of what the form edits, the form's hidden version takes it, so
//    the page's own next save is not taken for someone else's (see
//    salesheart/edits.py); a submit waits for an autosave still on its way.
// 3. A form being sent disables its buttons until the answer comes, so a double
//    click sends it once. A courtesy: the server's submission token is what makes
//    a form sent twice save once (salesheart/idempotency.py). Forms htmx sends
//    say so themselves (hx-disabled-elt); this is for the plain ones.
//
// Listeners on the document are added once, here; a form swapped in by htmx is
// only registered with them (edited, below), so swaps never pile up listeners.
// 4. The sign-in form carries the browser's time zone (see fillTimeZone).
"use strict";

(function () {
  const KEEP = "salesheart:keep:";
  const user = document.body.dataset.user || "";
  const PREFIX = KEEP + user + ":";

  function forgetOthersCopies() {
    if (!user) return;  // the sign-in page: nobody to tell apart yet
    try {
      for (let index = localStorage.length - 1; index >= 0; index--) {
        const key = localStorage.key(index);
        if (key && key.startsWith(KEEP) && !key.startsWith(PREFIX)) localStorage.removeItem(key);
      }
    } catch (error) {
      // Storage disabled: nothing was kept either.
    }
  }
  forgetOthersCopies();

  // What to do when a field of a form is edited, per form. Fields may live outside
  // the form element (form="id"), so one listener on the document hands each edit to
  // its form; a form swapped out is forgotten with it.
  const whenEdited = new WeakMap();

  function onEdit(form, handler) {
    if (!whenEdited.has(form)) whenEdited.set(form, []);
    whenEdited.get(form).push(handler);
  }

  function edited(event) {
    const form = event.target.form;
    for (const handler of (form && whenEdited.get(form)) || []) handler(event);
  }

  document.addEventListener("input", edited);
  document.addEventListener("change", edited);

  // Autosaving forms with an edit not yet saved, to send when the connection is back.
  const waitingForOnline = new Map();
  window.addEventListener("online", () => {
    for (const [form, resume] of waitingForOnline) {
      if (form.isConnected) resume();
      else waitingForOnline.delete(form);
    }
  });
  const serverNow = Number(document.body.dataset.serverNow || Date.now());
  const clockOffset = serverNow - Date.now();
  const now = () => Date.now() + clockOffset;

  function fieldsOf(form) {
    return Array.from(form.elements).filter(
      (el) => el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" &&
        el.type !== "button" && el.type !== "hidden" && el.type !== "file"
    );
  }

  function valuesOf(form) {
    const values = {};
    for (const el of fieldsOf(form)) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    }
    return values;
  }

  function apply(form, values) {
    for (const el of fieldsOf(form)) {
      if (!(el.name in values)) continue;
      const value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.includes(el.value);
      } else if (typeof value === "string") {
        el.value = value;
      }
    }
  }

  function read(key) {
    try {
      return JSON.parse(localStorage.getItem(PREFIX + key));
    } catch (error) {
      return null;
    }
  }

  function write(key, values) {
    try {
      localStorage.setItem(PREFIX + key, JSON.stringify({ at: now(), values: values }));
    } catch (error) {
      // Storage full or disabled: the server draft still holds the text.
    }
  }

  function note(form, text) {
    let box = form.querySelector("[data-kept-note]");
    if (!box) {
      box = document.createElement("p");
      box.className = "message message-warning";
      box.setAttribute("role", "status");
      box.dataset.keptNote = "";
      form.prepend(box);
    }
    box.textContent = text;
  }

  function setUpKeeping(form) {
    if (form.dataset.keepReady) return;
    form.dataset.keepReady = "1";
    const key = form.dataset.keep;
    const savedAt = Number(form.dataset.savedAt || 0);
    const kept = read(key);
    if (kept && kept.at > savedAt) {
      const current = JSON.stringify(valuesOf(form));
      apply(form, kept.values);
      if (JSON.stringify(valuesOf(form)) !== current) {
        note(form, "We brought back what you typed on this device before it was saved.");
      }
    } else if (kept) {
      localStorage.removeItem(PREFIX + key);
    }
    onEdit(form, () => write(key, valuesOf(form)));
  }

  function setUpAutosave(form) {
    if (form.dataset.autosaveReady) return;
    form.dataset.autosaveReady = "1";
    const url = form.dataset.autosaveUrl;
    const status = form.querySelector("[data-saved-state]");
    let timer = null;
    let dirty = false;
    let inFlight = null;
    const say = (text) => { if (status) status.textContent = text; };

    async function save() {
      timer = null;
      if (!dirty) return;
      if (inFlight) {
        // One at a time: the next one carries the version this one brings back.
        inFlight.finally(() => schedule(0));
        return;
      }
      dirty = false;
      inFlight = send();
      try {
        await inFlight;
      } finally {
        inFlight = null;
      }
    }

    async function send() {
      const body = new FormData(form);
      body.delete("action");
      try {
        const response = await fetch(url, {
          method: "POST",
          body: body,
          headers: { "X-CSRFToken": body.get("csrfmiddlewaretoken") || "" },
          credentials: "same-origin",
          redirect: "manual",
        });
        if (response.ok) {
          const data = await response.json();
          if (data.version && form.elements.version) form.elements.version.value = data.version;
          say("Draft saved at " + data.saved_at + ".");
          return;
        }
        dirty = true;
        if (response.status === 409) {
          // Refused, not failed (someone saved first, or it was sent already):
          // trying again would be refused again; the words say what to do.
          const data = await response.json().catch(() => ({}));
          say(data.error || "Not saved here. What you typed is kept on this device.");
        } else if (response.type === "opaqueredirect" || response.status === 403) {
          say("You are signed out. What you typed is kept on this device: sign in again in another tab, then reload this page.");
        } else {
          say("Could not save the draft just now. It is kept on this device and will be tried again.");
          schedule(10000);
        }
      } catch (error) {
        dirty = true;
        say("Offline. What you typed is kept on this device and will be saved when you are back online.");
        schedule(10000);
      }
    }

    function schedule(delay) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, delay);
    }

    onEdit(form, (event) => {
      if (event.target.name === "csrfmiddlewaretoken") return;
      dirty = true;
      say("Unsaved changes…");
      schedule(1200);
    });
    waitingForOnline.set(form, () => { if (dirty) schedule(0); });
    form.addEventListener("submit", (event) => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!inFlight) return;
      // Posted now, the form would carry the version from before that autosave.
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.finally(() => setTimeout(() => form.requestSubmit(submitter), 0));
    });
  }

  // Long enough for any answer; a connection that never answers must not leave the
  // form unsendable, and sending it again then is safe.
  const SENDING_AT_MOST_MS = 15000;

  function buttonsOf(form) {
    return Array.from(form.elements).filter(
      (el) => (el.type === "submit" || el.type === "image") && !el.disabled
    );
  }

  function holdButtons(form) {
    for (const button of buttonsOf(form)) {
      button.disabled = true;
      button.dataset.heldForSending = "";
    }
    form.setAttribute("aria-busy", "true");
  }

  function releaseButtons(form) {
    for (const button of form.querySelectorAll("[data-held-for-sending]")) {
      button.disabled = false;
      delete button.dataset.heldForSending;
    }
    form.removeAttribute("aria-busy");
    delete form.dataset.sending;
  }

  function setUpSending() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      // htmx sends its own forms (it prevents the browser's submission), and holds
      // their buttons itself while they are on their way (hx-disabled-elt).
      if (event.defaultPrevented || form.method !== "post") return;
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      // After this event the browser reads the clicked button's name and value: a
      // button disabled now would be left out, so disable it just after.
      setTimeout(() => holdButtons(form), 0);
      setTimeout(() => releaseButtons(form), SENDING_AT_MOST_MS);
    });
    // Back to this page from the history: its answer came long ago.
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted) return;
      for (const form of document.querySelectorAll("form[data-sending]")) releaseButtons(form);
    });
  }

  function setUp(root) {
    const scope = root || document;
    const forms = scope.matches && scope.matches("form") ? [scope] : [];
    forms.push(...scope.querySelectorAll("form[data-keep], form[data-autosave-url]"));
    for (const form of forms) {
      if (form.dataset.keep) setUpKeeping(form);
      if (form.dataset.autosaveUrl) setUpAutosave(form);
    }
  }

  // 4. The sign-in form tells the server the browser's time zone, proposed to a
  //    person who has not chosen one yet (salesheart/time_zones.py). Read when the
  //    form is sent, not on load: the first Intl call is slow on a slow phone.
  function fillTimeZone(event) {
    const input = event.target.querySelector && event.target.querySelector("input[data-browser-time-zone]");
    if (!input) return;
    try {
      input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      // No zone to propose; the organisation's applies.
    }
  }

  // Capturing, so the zone is in the form before anything else handles the submit.
  document.addEventListener("submit", fillTimeZone, true);
  setUpSending();
  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("htmx:load", (event) => setUp(event.detail.elt));
})();
