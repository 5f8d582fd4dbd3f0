// Reflections: a copy button for the persona card link. The link is a plain
// read-only field without this file, which works too (select and copy).
"use strict";

(function () {
  function setUp() {
    const source = document.querySelector("[data-copy-source]");
    const button = document.querySelector("[data-copy-button]");
    const state = document.querySelector("[data-copy-state]");
    if (!source || !button || !navigator.clipboard) return;
    button.hidden = false;
    source.addEventListener("focus", () => source.select());
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
        if (state) state.textContent = "Link copied. Send it to your practice partner.";
      } catch (error) {
        source.select();
        if (state) state.textContent = "Copying was not allowed here: the link is selected, copy it by hand.";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
