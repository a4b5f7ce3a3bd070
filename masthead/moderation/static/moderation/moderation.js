/* The moderators' pages: each decision posted once (the queue, the log, the bans); keyboard
   shortcuts for the queue: j/k move, a/s/r/b/f act, x ticks, u undoes. */
(function () {
  "use strict";
  // One decision, one request. A second key press or click before the next page comes would post
  // it again: the first request is dropped by the browser but still done by the server, and the
  // page then says "already marked as spam" or "already undone" of what the first press just did.
  var sent = false;
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    if (sent) event.preventDefault();
    sent = true;
  });
  window.addEventListener("pageshow", function () { sent = false; });  // back from the next page

  var queue = document.querySelector("[data-moderation-queue]");
  if (!queue) return;
  var items = Array.prototype.slice.call(queue.querySelectorAll("[data-item]"));
  var current = -1;
  var selectAll = queue.querySelector("[data-select-all]");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      queue.querySelectorAll("input[name=comment]").forEach(function (box) { box.checked = selectAll.checked; });
    });
  }

  // After a decision made with a key, the page comes back with the comment now in the decided
  // one's place marked, so the moderator goes on with the keys where they were (as in Coral),
  // instead of from the top with j.
  var RESUME = "moderation:resume";
  var here = location.pathname + location.search;

  function resumeLater() {
    try {
      sessionStorage.setItem(RESUME, JSON.stringify({ path: here, index: current, at: Date.now() }));
    } catch (e) { /* storage off: start from the top, as before */ }
  }

  function resume() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(RESUME) || "null");
      sessionStorage.removeItem(RESUME);
    } catch (e) { return; }
    if (saved && saved.path === here && Date.now() - saved.at < 60000) focus(saved.index);
  }

  function focus(index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("is-focused", i === current); });
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  // A click into a comment, or Tab to one of its buttons, makes it the one the keys act on: the
  // keys must never decide on a comment other than the one the moderator is looking at.
  queue.addEventListener("focusin", function (event) {
    var item = event.target.closest("[data-item]");
    if (!item) return;
    current = items.indexOf(item);
    items.forEach(function (other) { other.classList.toggle("is-focused", other === item); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var key = event.key.toLowerCase();
    // While a decision is on its way the deciding keys wait (j and k still move); F5, Escape,
    // Tab and the rest do what the browser does, so a hung request can be stopped or reloaded.
    if (sent && "asrbfxu".indexOf(key) !== -1 && key.length === 1) { event.preventDefault(); return; }
    if (key === "j") { event.preventDefault(); focus(current + 1); return; }
    if (key === "k") { event.preventDefault(); focus(current - 1); return; }
    if (key === "u") {
      // The newest decision of this moderator still standing, never a colleague's.
      var undo = document.querySelector("[data-undo-mine]");
      if (undo) { event.preventDefault(); undo.requestSubmit(); }
      return;
    }
    if (current < 0) return;
    var item = items[current];
    if (key === "x") {
      event.preventDefault();
      var box = item.querySelector("input[name=comment]");
      box.checked = !box.checked;
      return;
    }
    var button = item.querySelector("button[data-key='" + key + "']");
    if (button) { event.preventDefault(); resumeLater(); button.click(); }
  });

  resume();
})();
