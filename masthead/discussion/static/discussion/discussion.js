/* Masthead comments: replying in place, voting, sorting, loading more, live updates and inline
   feedback, without page reloads. Every one of these also works without this file. */
(function () {
  "use strict";

  var section = document.getElementById("comments");
  if (!section) return;

  var list = section.querySelector("[data-comment-list]");
  var form = section.querySelector("[data-comment-form]");
  var formHome = form ? form.parentNode : null;
  var formNext = form ? form.nextSibling : null;
  var articleId = section.dataset.articleId;
  var threadUrl = section.dataset.threadUrl;
  var latestId = parseInt(section.dataset.latestId || "0", 10);
  var currentSort = section.dataset.sort;
  /* A page of the whole thread ("view all"): sorting and "show new" keep to the whole thread. */
  var wholeThread = section.hasAttribute("data-whole-thread");
  var panel;  // the passage panel, made on first use

  function csrfToken() {
    var input = section.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value.indexOf("__") !== 0) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function setCount(count) {
    var node = section.querySelector("[data-comment-count]");
    if (node && typeof count === "number") {
      node.textContent = count;
      node.parentNode.lastChild.textContent = count === 1 ? " comment" : " comments";
    }
  }

  function showError(message, fieldName) {
    showErrors([{ detail: message, field: fieldName }]);
  }

  /* Every problem at once, as the form without this script shows them: a line each above the
     form, each field at fault pointing at its own line; the first of those fields takes the focus. */
  function showErrors(problems) {
    var box = form.querySelector(".form-errors[data-js]");
    if (!box) {
      box = document.createElement("div");
      box.className = "form-errors";
      box.id = "comment-form-error";
      box.setAttribute("role", "alert");
      box.dataset.js = "1";
      form.insertBefore(box, form.firstChild.nextSibling);
    }
    box.textContent = "";
    var first = null;
    problems.forEach(function (problem, index) {
      var line = document.createElement("p");
      line.id = box.id + "-" + (index + 1);
      line.textContent = problem.detail;
      box.appendChild(line);
      var field = problem.field && form.querySelector("[name=" + problem.field + "]");
      if (!field || field.type === "hidden") return;
      field.setAttribute("aria-invalid", "true");
      describedBy(field, line.id, true);
      first = first || field;
    });
    box.hidden = false;
    if (first) first.focus();
  }

  /* The field at fault says so, points at its message and takes the focus. */
  function markInvalid(field, messageId) {
    field.setAttribute("aria-invalid", "true");
    describedBy(field, messageId, true);
    field.focus();
  }

  /* A polite status line at the end of `container`, created on first use. */
  function statusNote(container, tagName, className, message) {
    var note = container.querySelector("." + className);
    if (!note) {
      note = document.createElement(tagName);
      note.className = className;
      note.setAttribute("role", "status");
      container.appendChild(note);
    }
    note.textContent = message;
  }

  function showNotice(message) {
    statusNote(form, "p", "form-notice", message);
  }

  function clearError() {
    var box = form && form.querySelector(".form-errors[data-js]");
    if (box) box.hidden = true;
    var summary = form && form.querySelector("[data-error-summary]");  // of a post made without this script
    if (summary) summary.remove();
    if (form) {
      form.querySelectorAll("[aria-invalid]").forEach(function (field) {
        field.removeAttribute("aria-invalid");
        (field.getAttribute("aria-describedby") || "").split(" ").forEach(function (id) {
          if (id.indexOf("comment-form-error") === 0) describedBy(field, id, false);
        });
      });
    }
  }

  /* Screen readers hear what changed: one polite live region, present from the start. */
  var sectionAnnouncer = section.querySelector("[data-announce]");
  function announce(message) {
    // While the passage panel is open (modal), the rest of the page is out of a screen reader's reach.
    var announcer = panel && panel.open ? panel.querySelector("[data-announce]") : sectionAnnouncer;
    if (!announcer) return;
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = message; }, 50);
  }

  /* Keyboard focus follows what the reader asked for, instead of falling back to the page. */
  function focusOn(node) {
    if (!node) return;
    // A comment or a list takes focus only from a script; a link or a button keeps its place in
    // the tab order (tabindex="-1" would take it out).
    if (!node.matches("a[href], button, input, select, textarea, [tabindex]")) {
      node.setAttribute("tabindex", "-1");
    }
    node.focus({ preventScroll: true });
  }

  function flash(node) {
    node.classList.add("is-new");
    setTimeout(function () { node.classList.remove("is-new"); }, 2500);
  }

  /* A comment is shown twice when the passage panel is open: in the thread, and a copy in the
     panel (its ids prefixed). What is done to one is done to both. */
  function copiesOf(commentId) {
    return document.querySelectorAll('[data-comment-id="' + commentId + '"]');
  }

  function cardPart(item, selector) {
    return item.querySelector(":scope > .comment__card " + selector);
  }

  /* Replying in place: the one form moves under the comment being answered. */
  function startReply(link) {
    if (!form) return;
    var item = link.closest("[data-comment-id]");
    form.querySelector("[name=parent_id]").value = item.dataset.commentId;
    var replying = form.querySelector("[data-replying]");
    replying.hidden = false;
    replying.querySelector("[data-replying-name]").textContent = link.dataset.replyName;
    item.querySelector(".comment__card").appendChild(form);
    describeContext();
    form.querySelector("textarea").focus();
  }

  /* Focus goes straight into the box, past "Replying to …" and "Commenting on the passage …":
     the box's description says them instead. */
  function describeContext() {
    var box = form.querySelector("textarea");
    describedBy(box, "comment-form-replying", !form.querySelector("[data-replying]").hidden);
    describedBy(box, "comment-form-passage", !form.querySelector("[data-passage]").hidden);
  }

  function cancelReply() {
    if (!form) return;
    var answered = form.closest("[data-comment-id]");
    form.querySelector("[name=parent_id]").value = "";
    form.querySelector("[data-replying]").hidden = true;
    describeContext();
    formHome.insertBefore(form, formNext);
    // Keyboard focus goes back to the Reply link the reader came from, not to the page's top.
    if (answered) focusOn(cardPart(answered, ".comment__reply"));
  }

  function appendReply(parent, item) {
    var target = parent.querySelector(":scope > ol.comment-replies");
    if (!target) {
      target = document.createElement("ol");
      target.className = "comment-replies";
      parent.appendChild(target);
    }
    target.appendChild(item);
  }

  /* The posted comment goes into the thread; a reply written in the passage panel shows there too. */
  function insertComment(data, panelParent) {
    var item = fragment(data.html).firstElementChild;
    var parent = data.parent_id && document.getElementById("comment-" + data.parent_id);
    if (parent) {
      appendReply(parent, item);
    } else if (!(panelParent && data.parent_id)) {
      // (A reply from the passage panel to a comment on another page of the thread shows in
      // the panel only: here it would look like a new comment of its own.)
      var empty = section.querySelector("[data-comments-empty]");
      if (empty) empty.remove();
      if (currentSort === "oldest") list.appendChild(item); else list.insertBefore(item, list.firstChild);
    }
    if (panelParent) {
      item = panelCopies(fragment(data.html)).firstElementChild;
      // Under the comment the server hung it from, as in the thread: an answer to a comment at
      // the deepest level goes beside that comment, not one level deeper.
      var panelThreadParent = data.parent_id && panel.querySelector("#passage-comment-" + data.parent_id);
      if (panelThreadParent) appendReply(panelThreadParent, item); else panelParent.after(item);
    }
    flash(item);
    scrollToCentre(item);
    if (data.id > latestId) latestId = data.id;
    return item;
  }

  function scrollToCentre(node) {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    node.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
  }

  /* A comment's length as the server counts it: line breaks as one character, each character
     once (an emoji too), without the spaces around the text. */
  function charactersIn(text) {
    return Array.from(text.replace(/\r\n/g, "\n").trim()).length;
  }

  function describedBy(field, id, on) {
    var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (each) {
      return each && each !== id;
    });
    if (on) ids.push(id);
    if (ids.length) field.setAttribute("aria-describedby", ids.join(" ")); else field.removeAttribute("aria-describedby");
  }

  /* Near the limit a counter shows under the box; over it, it says by how much. Nothing is ever
     cut: the server refuses a comment that is too long, and the text stays in the box. */
  var NEAR_LIMIT = 0.9;
  function watchLength(textarea) {
    var limit = parseInt(textarea.dataset.maxLength, 10);
    if (!limit) return;
    var counter = document.createElement("p");
    counter.className = "field__count";
    counter.id = textarea.id + "-count";
    counter.hidden = true;
    textarea.after(counter);
    var shown = "";
    function update() {
      var length = charactersIn(textarea.value);
      var over = length - limit;
      var state = over > 0 ? "over" : length >= limit * NEAR_LIMIT ? "near" : "";
      counter.textContent = length.toLocaleString("en") + " of " + limit.toLocaleString("en") + " characters" +
        (over > 0 ? ": " + over.toLocaleString("en") + " too many. Please shorten your comment." : "");
      counter.hidden = !state;
      counter.classList.toggle("field__count--over", state === "over");
      describedBy(textarea, counter.id, Boolean(state));
      // Heard when it changes, not at every key: "near the limit", then "over it".
      if (state !== shown && state) announce(counter.textContent);
      shown = state;
    }
    textarea.addEventListener("input", update);
    update();
  }

  /* A guest who asked to be remembered finds the form filled in: from their cookie, by this
     script, since the page itself is the same for every reader (it may come from the cache). */
  function rememberedCommenter() {
    var match = document.cookie.match(/(?:^|;\s*)masthead_commenter=([^;]+)/);
    if (!match) return null;
    try { return JSON.parse(decodeURIComponent(match[1])); } catch (error) { return null; }
  }

  function fillRememberedCommenter() {
    var remember = form.querySelector("[name=remember]");
    var saved = remember && rememberedCommenter();
    var name = form.querySelector("[name=author_name]");
    var email = form.querySelector("[name=author_email]");
    // A form the server filled (their own page, or their words sent back) stays as it came.
    if (!saved || name.value || email.value) return;
    [[name, saved.name], [email, saved.email], [form.querySelector("[name=author_url]"), saved.url]].forEach(function (pair) {
      if (pair[0] && typeof pair[1] === "string") pair[0].value = pair[1];
    });
    remember.checked = true;
  }

  if (form) {
    watchLength(form.querySelector("textarea"));
    describeContext();  // a reply page opened without the script's help
    fillRememberedCommenter();
    form.addEventListener("keydown", function (event) {
      // Escape leaves a reply as Cancel reply does; what was written stays in the box.
      if (event.key !== "Escape" || !form.querySelector("[name=parent_id]").value) return;
      event.preventDefault();  // in the passage panel: the reply closes, not the panel
      cancelReply();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearError();
      var oldNotice = form.querySelector(".form-notice");  // about the comment before this one
      if (oldNotice) oldNotice.remove();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
      }).then(function (result) {
        button.disabled = false;
        if (!result.ok) {
          showErrors(result.data.errors || [{ detail: result.data.detail || "Your comment could not be posted.", field: result.data.field }]);
          return;
        }
        var wasReply = form.querySelector("[name=parent_id]").value;
        var postedQuote = form.querySelector("[name=anchor_quote]").value;
        var postedPrefix = form.querySelector("[name=anchor_prefix]").value;
        var postedSuffix = form.querySelector("[name=anchor_suffix]").value;
        var panelParent = panel && panel.open && panel.contains(form) ? form.closest("[data-comment-id]") : null;
        var box = form.querySelector("textarea");
        box.value = "";
        box.dispatchEvent(new Event("input"));  // the counter goes with the text
        clearPassage();
        if (wasReply) cancelReply();
        var posted = insertComment(result.data, panelParent);
        focusOn(posted);
        announce(result.data.status === "published" ? "Your comment is posted." : "Your comment is awaiting moderation.");
        if (result.data.notice) showNotice(result.data.notice);
        if (result.data.status === "published") {
          var counter = section.querySelector("[data-comment-count]");
          setCount(parseInt(counter.textContent, 10) + 1);
          if (postedQuote) markNewPassage(posted, postedQuote, postedPrefix, postedSuffix);
          countInBubbles(result.data.id, 1);
        }
      }).catch(function () {
        button.disabled = false;
        showError("The connection failed; your comment is still here. Please try again.");
      });
    });
    var cancel = form.querySelector("[data-cancel-reply]");
    if (cancel) cancel.addEventListener("click", function (event) { event.preventDefault(); cancelReply(); });
  }

  /* "Follow this discussion" in place: what to do next (confirm by e-mail), or that the reader
     follows (a signed-in reader's one click, no address typed), replaces the form; a refusal is
     said beside the address, which stays to be corrected. */
  var follow = section.querySelector("[data-follow-form]");
  if (follow) {
    follow.addEventListener("submit", function (event) {
      event.preventDefault();
      var field = follow.querySelector("[name=email]");
      var button = follow.querySelector("button[type=submit]");
      function refuse(message) {
        var error = follow.querySelector(".field__error");
        if (!error) {
          error = document.createElement("p");
          error.className = "field__error";
          error.id = "follow-email-error";
          error.setAttribute("role", "alert");
          follow.appendChild(error);
        }
        error.textContent = message;
        if (field) markInvalid(field, error.id);
      }
      button.disabled = true;
      fetch(follow.action, {
        method: "POST",
        body: new FormData(follow),
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        button.disabled = false;
        if (!result.ok) {
          refuse(result.data.detail || "You could not be subscribed. Please try again.");
          return;
        }
        var done = document.createElement("p");
        done.className = "comments__follow-done form-notice";
        done.setAttribute("role", "status");
        done.textContent = result.data.detail;
        follow.replaceWith(done);
        focusOn(done);
      }).catch(function () {
        button.disabled = false;
        refuse("The connection failed; please try again.");
      });
    });
  }

  /* Votes, replies, edits and deletes: one listener for the whole thread (and the passage panel). */
  function onThreadClick(event) {
    var reply = event.target.closest("[data-reply-to]");
    if (reply) {
      event.preventDefault();
      startReply(reply);
      return;
    }
    var voteButton = event.target.closest("[data-vote-form] button[name=value]");
    if (voteButton) {
      event.preventDefault();
      if (voteButton.getAttribute("aria-disabled") === "true") showWhyNot(voteButton); else castVote(voteButton);
      return;
    }
    var edit = event.target.closest("[data-edit]");
    if (edit) {
      event.preventDefault();
      startEdit(edit.closest("[data-comment-id]"));
      return;
    }
    var remove = event.target.closest("[data-delete]");
    if (remove) {
      event.preventDefault();
      deleteComment(remove.dataset.delete, remove);
      return;
    }
    var report = event.target.closest("[data-report]");
    if (report) {
      event.preventDefault();
      openReport(report);
      return;
    }
    var sortChoice = event.target.closest("[data-sort-choice]");
    if (sortChoice) {
      event.preventDefault();
      changeSort(sortChoice.dataset.sortChoice);
      return;
    }
    var more = event.target.closest("[data-load-more]");
    if (more) {
      event.preventDefault();
      loadMore(more);
      return;
    }
    if (event.target.closest("[data-show-new]")) {
      event.preventDefault();
      showNew();
    }
  }
  section.addEventListener("click", onThreadClick);

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      if (response.status === 204) return { ok: true, data: {} };
      return response.json().then(function (data) { return { ok: response.ok, data: data }; }, function () {
        return { ok: false, data: {} };  // an error page (a proxy's, say), not the API's answer
      });
    }).catch(function () {
      return { ok: false, data: {} };  // no answer at all: each caller says what was not done
    });
  }

  function castVote(button) {
    var voteForm = button.closest("[data-vote-form]");
    var commentId = button.closest("[data-comment-id]").dataset.commentId;
    var value = parseInt(button.value, 10);
    api("POST", "/api/v1/comments/" + commentId + "/vote", { value: value }).then(function (result) {
      if (!result.ok) {
        voteMessage(voteForm, result.data.detail || "Your vote was not counted. Please try again.");
        return;
      }
      copiesOf(commentId).forEach(function (item) {
        var copy = cardPart(item, "[data-vote-form]");
        if (copy) showVote(copy, result.data);
      });
    });
  }

  /* A button that cannot be pressed says why when pressed (a tap has no hover), until the reader
     moves on. */
  function showWhyNot(button) {
    var why = document.getElementById(button.getAttribute("aria-describedby"));
    if (!why) return;
    var voteForm = button.closest("[data-vote-form]");
    why.classList.add("is-shown");
    announce(why.textContent);
    function hide(event) {
      if (voteForm.contains(event.target)) return;
      why.classList.remove("is-shown");
      document.removeEventListener("pointerdown", hide, true);
      document.removeEventListener("focusin", hide, true);
    }
    document.addEventListener("pointerdown", hide, true);
    document.addEventListener("focusin", hide, true);
  }

  /* As the server writes a score (the `points` filter): "1 point", "\u22121 point", "12 points". */
  function pointsText(score) {
    var size = Math.abs(score);
    return (score < 0 ? "\u2212" : "") + size + (size === 1 ? " point" : " points");
  }

  function showVote(voteForm, data) {
    // The score only, as on every comment (see comment.html): what it counts is said beside it,
    // for screen readers.
    voteForm.querySelector("[data-score]").textContent = pointsText(data.score);
    voteForm.querySelectorAll("button[data-vote]").forEach(function (other) {
      var direction = parseInt(other.dataset.vote, 10);
      var chosen = data.value === direction;
      other.classList.toggle("is-chosen", chosen);
      other.setAttribute("aria-pressed", chosen ? "true" : "false");
      other.value = chosen ? 0 : direction;
    });
  }

  /* Under the comment's row of actions: beside the buttons it squeezed them on a phone. */
  function voteMessage(voteForm, message) {
    statusNote(voteForm.closest(".comment__actions") || voteForm, "span", "vote__message", message);
  }

  function refusedChange(item, message) {
    // Said beside the comment; Edit and Delete go, since they would only be refused again.
    var actions = cardPart(item, ".comment__actions");
    if (!actions) return;
    actions.querySelectorAll(".comment__edit, .comment__delete").forEach(function (control) {
      control.remove();
    });
    statusNote(actions, "span", "vote__message", message);
  }

  function markAwaitingModeration(item) {
    item.classList.add("comment--pending");
    var header = cardPart(item, ".comment__header");
    var badge = header.querySelector(".comment__badge");
    if (!badge) {
      badge = document.createElement("span");
      header.appendChild(badge);
    }
    badge.className = "comment__badge";
    badge.removeAttribute("title");
    badge.textContent = "Awaiting moderation";
    var actions = cardPart(item, ".comment__actions");
    if (actions) {
      actions.querySelectorAll(".comment__vote, .comment__reply, .comment__report").forEach(function (control) {
        control.remove();
      });
    }
  }

  function startEdit(item) {
    var commentId = item.dataset.commentId;
    var body = cardPart(item, ".comment__body");
    if (cardPart(item, ".comment__editor")) return;
    fetch("/comments/comment/" + commentId + "/edit/", { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var source = page.querySelector("textarea[name=body]");
        if (!source) {  // refused (the edit window has closed, say): the page says why
          var why = page.querySelector(".form-errors p");
          refusedChange(item, why ? why.textContent : "This comment can no longer be changed.");
          return;
        }
        var editor = document.createElement("form");
        editor.className = "comment__editor";
        var fieldId = "edit-" + item.id;
        editor.innerHTML = '<label class="comment-form__label" for="' + fieldId + '">Edit your comment</label>' +
          '<textarea rows="4" dir="auto" id="' + fieldId + '"></textarea>' +
          '<div class="comment-form__submit"><button type="button" class="link-button" data-cancel>Cancel</button> ' +
          '<button type="submit" class="button">Save</button></div>';
        var box = editor.querySelector("textarea");
        box.value = source.value;
        box.dataset.maxLength = source.dataset.maxLength || "";
        var pickNote = page.querySelector("[data-pick-note]");
        if (pickNote) editor.insertBefore(document.importNode(pickNote, true), editor.querySelector(".comment-form__submit"));
        body.hidden = true;
        body.parentNode.insertBefore(editor, body.nextSibling);
        var opener = cardPart(item, "[data-edit]");
        function closeEditor() {
          editor.remove();
          body.hidden = false;
          focusOn(opener);
        }
        editor.querySelector("[data-cancel]").addEventListener("click", closeEditor);
        editor.addEventListener("keydown", function (event) {
          if (event.key !== "Escape") return;
          event.preventDefault();  // in the passage panel: the edit closes, not the panel
          // A slip of the finger must not throw away a rewritten comment.
          if (box.value !== source.value && !window.confirm("Discard your changes to this comment?")) return;
          closeEditor();
        });
        editor.addEventListener("submit", function (event) {
          event.preventDefault();
          api("PATCH", "/api/v1/comments/" + commentId, { body: editor.querySelector("textarea").value }).then(function (result) {
            if (!result.ok) {
              var error = editor.querySelector(".field__error") || document.createElement("p");
              error.className = "field__error";
              error.id = fieldId + "-error";
              error.setAttribute("role", "alert");
              error.textContent = result.data.detail || "Your changes could not be saved; they are still here. Please try again.";
              editor.appendChild(error);
              markInvalid(editor.querySelector("textarea"), error.id);
              return;
            }
            body.hidden = false;
            editor.remove();
            copiesOf(commentId).forEach(function (copy) {
              cardPart(copy, ".comment__body").innerHTML = result.data.body_html;
              showEdited(cardPart(copy, ".comment__header"), result.data.edited);
            });
            if (!result.data.featured) leavePicks(commentId);
            if (result.data.status === "pending") {
              // The edit is held for review: as after a reload, the card says so and loses the
              // controls of a comment readers can see (votes, reply, report).
              markAwaitingModeration(item);
              focusOn(item);
              announce("Your comment is saved and awaits moderation.");
              return;
            }
            focusOn(item);
            announce("Your comment is saved.");
          });
        });
        watchLength(box);
        box.focus();
      });
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /* A moment as the page writes it ("30 Nov 2026, 04:52", Django's "j M Y, H:i"), in the site's
     time zone rather than the reader's. */
  function siteTime(moment) {
    var options = { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var format;
    try {
      format = new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: section.dataset.timeZone || undefined }, options));
    } catch (error) {  // a zone this browser does not know: the reader's own
      format = new Intl.DateTimeFormat("en-GB", options);
    }
    var parts = {};
    format.formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    return parseInt(parts.day, 10) + " " + MONTHS[parseInt(parts.month, 10) - 1] + " " + parts.year + ", " + parts.hour + ":" + parts.minute;
  }

  /* A moment for a <time datetime>, as the page writes it: in the site's time zone, to the second,
     with its offset from UTC ("2026-12-01T04:52:10+13:00"). */
  function siteMoment(moment) {
    var options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      second: "2-digit", hourCycle: "h23", timeZoneName: "longOffset" };
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: section.dataset.timeZone || undefined }, options))
        .formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    } catch (error) {  // a zone (or an offset format) this browser does not know: UTC says the same moment
      return moment.toISOString().replace(/\.\d+Z$/, "+00:00");
    }
    var offset = (parts.timeZoneName || "GMT").replace("GMT", "") || "+00:00";
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute + ":" + parts.second + offset;
  }

  /* "edited", with when for screen readers, where the page puts it: after the comment's time. */
  function showEdited(header, edited) {
    var mark = header.querySelector(".comment__edited");
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "comment__edited";
      header.querySelector(".comment__time").after(" ", mark);
    }
    var moment = new Date(edited || Date.now());
    mark.innerHTML = 'edited<span class="visually-hidden"> on <time></time></span>';
    var time = mark.querySelector("time");
    time.dateTime = siteMoment(moment);
    time.textContent = siteTime(moment);
  }

  /* A changed or deleted comment is no longer an editors' pick: out of the picks block, without its
     badge. */
  function leavePicks(commentId) {
    copiesOf(commentId).forEach(function (copy) {
      var badge = cardPart(copy, ".comment__badge--featured");
      if (badge) badge.remove();
    });
    var picks = document.querySelector("[data-comment-picks]");
    var pick = picks && picks.querySelector('[data-pick-of="' + commentId + '"]');
    if (!pick) return;
    pick.closest(".comment-pick").remove();
    if (!picks.querySelector(".comment-pick")) {
      var heading = document.querySelector(".comments__all-heading");
      if (heading) heading.remove();
      picks.remove();
    }
  }

  function deleteComment(commentId, link) {
    if (!window.confirm("Delete your comment? Replies to it stay, under “Comment deleted”.")) return;
    var fromPanel = panel && panel.contains(link);
    api("DELETE", "/api/v1/comments/" + commentId).then(function (result) {
      if (!result.ok) {
        if (!result.data.detail) {  // not refused, only not done: Edit and Delete stay
          statusNote(link.closest(".comment__actions"), "span", "vote__message", "Your comment could not be deleted. Please try again.");
          return;
        }
        refusedChange(link.closest("[data-comment-id]"), result.data.detail);
        return;
      }
      if (form && form.closest('[data-comment-id="' + commentId + '"]')) cancelReply();  // not lost with it
      countInBubbles(commentId, -1);  // while its card still names its passage
      leavePicks(commentId);  // a deleted comment is no longer a pick
      copiesOf(commentId).forEach(function (item) {
        if (item.querySelector(":scope > ol.comment-replies > li")) {
          var card = item.querySelector(".comment__card");
          card.innerHTML = '<p class="comment__placeholder">Comment deleted</p>';
          item.classList.add("comment--placeholder");
        } else {
          item.remove();
        }
      });
      var counter = section.querySelector("[data-comment-count]");
      setCount(Math.max(0, parseInt(counter.textContent, 10) - 1));
      focusOn(fromPanel ? panel.querySelector("#passage-panel-title") : section.querySelector("#comments-heading"));
      announce("Your comment is deleted.");
    });
  }

  /* Reporting a comment to the moderators. */
  var REPORT_REASONS = [
    ["spam", "Spam or advertising"],
    ["abuse", "Abusive, hateful or threatening"],
    ["off_topic", "Off-topic"],
    ["other", "Something else"],
  ];

  function openReport(link) {
    var actions = link.closest(".comment__actions");
    if (actions.nextElementSibling && actions.nextElementSibling.classList.contains("comment__report-form")) return;
    var commentId = link.dataset.report;
    var box = document.createElement("form");
    box.className = "comment__report-form";
    var legend = '<fieldset><legend>What is wrong with this comment?</legend>';
    REPORT_REASONS.forEach(function (reason) {
      legend += '<label class="choice"><input type="radio" name="reason" value="' + reason[0] + '" required> ' + reason[1] + "</label>";
    });
    var noteId = "report-note-" + commentId;
    box.innerHTML = legend + '</fieldset>' +
      '<div class="field"><label for="' + noteId + '">Anything a moderator should know? (optional)</label>' +
      '<input id="' + noteId + '" name="note" maxlength="300"></div>' +
      '<div class="comment-form__submit"><button type="button" class="link-button" data-cancel>Cancel</button> ' +
      '<button type="submit" class="button">Send report</button></div><p class="field__error" role="alert" hidden></p>';
    actions.after(box);
    box.querySelector("input").focus();
    function closeReport() {
      box.remove();
      focusOn(link);
    }
    box.querySelector("[data-cancel]").addEventListener("click", closeReport);
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      event.preventDefault();  // in the passage panel: the report closes, not the panel
      closeReport();
    });
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = box.querySelector("input[name=reason]:checked");
      var note = box.querySelector("input[name=note]").value;
      api("POST", "/api/v1/comments/" + commentId + "/report", { reason: chosen.value, note: note }).then(function (result) {
        if (!result.ok) {
          var error = box.querySelector(".field__error");
          error.textContent = result.data.detail || "Your report could not be sent. Please try again.";
          error.hidden = false;
          return;
        }
        box.innerHTML = '<p class="comment__reported" role="status">Thank you. A moderator will look at this comment.</p>';
        copiesOf(commentId).forEach(function (copy) {
          var other = cardPart(copy, "[data-report]");
          if (!other) return;
          var done = document.createElement("span");  // as the page says it from now on
          done.className = "comment__report";
          done.textContent = "Reported";
          other.replaceWith(done);
        });
        focusOn(box.firstChild);
      });
    });
  }

  /* Sorting and paging: the server renders the list items; pages are fixed to a snapshot. */
  function fetchThread(params) {
    var query = new URLSearchParams(params);
    if (wholeThread && !params.anchor) query.set("all", "1");
    return fetch(threadUrl + "?" + query.toString(), { credentials: "same-origin" }).then(function (response) {
      // An error page is no list of comments: the caller keeps what it shows and says so.
      if (!response.ok) throw new Error("The thread answered " + response.status);
      return response.text().then(function (html) {
        return {
          html: html,
          next: response.headers.get("X-Next-Cursor"),
          snapshot: response.headers.get("X-Snapshot"),
          repliesAfter: response.headers.get("X-Next-Replies-After"),
          votesAt: response.headers.get("X-Votes-At"),
          count: parseInt(response.headers.get("X-Comment-Count") || "0", 10),
          passageLimit: response.headers.get("X-Passage-Limit"),
        };
      });
    });
  }

  function pagingLink() {
    return section.querySelector("[data-load-more]");
  }

  /* Whether the list runs from the thread's first comment: not on a page opened at a later one. */
  var listFromFirst = !section.querySelector("[data-first-comments]");

  /* The "More comments" navigation, made when the thread first grows past a page: the page
     leaves it out while there is nothing in it. */
  function pagingNav() {
    var paging = section.querySelector("[data-paging]");
    if (!paging) {
      paging = document.createElement("nav");
      paging.className = "comments__paging";
      paging.setAttribute("aria-label", "More comments");
      paging.dataset.paging = "1";
      list.after(paging);
    }
    return paging;
  }

  /* The moment of the scores a page ranked "most voted" by: the next pages keep its order. */
  function votesAtParam(votesAt, prefix) {
    return votesAt ? "&" + prefix + "votes_at=" + encodeURIComponent(votesAt) : "";
  }

  function updatePaging(next, snapshot, repliesAfter, votesAt) {
    if (wholeThread) {
      updateWholeThreadPaging(next, snapshot, repliesAfter, votesAt);
      return;
    }
    var link = pagingLink();
    var paging = section.querySelector("[data-paging]");
    var viewAll = section.querySelector("[data-view-all]");
    if (viewAll) {
      viewAll.hidden = !next && listFromFirst;  // nothing more to view
      viewAll.href = "?comments=all&comments_sort=" + currentSort + "#comments";
    }
    var backToFirst = section.querySelector("[data-first-comments]");
    if (backToFirst) backToFirst.hidden = listFromFirst;  // sorting or "show new" went back there
    if (!next) {
      if (link) link.remove();
    } else {
      if (!link) {
        paging = pagingNav();
        link = document.createElement("a");
        link.className = "button button--ghost comments__more";
        link.dataset.loadMore = "1";
        link.textContent = "Load more comments";
        paging.insertBefore(link, paging.firstChild);
      }
      link.removeAttribute("aria-disabled");
      link.dataset.cursor = next;
      link.dataset.snapshot = snapshot;
      link.dataset.votesAt = votesAt || "";
      link.href = "?comments_sort=" + currentSort + "&comments_after=" + encodeURIComponent(next) +
        "&comments_snapshot=" + snapshot + votesAtParam(votesAt, "comments_") + "#comments";
    }
    // Out of the page's landmarks while every link in it is hidden or gone.
    if (paging) paging.hidden = !paging.querySelector("a:not([hidden])");
  }

  /* The links of a page of the whole thread: its next page, and back to its first. */
  function updateWholeThreadPaging(next, snapshot, repliesAfter, votesAt) {
    var firstPage = "?comments=all&comments_sort=" + currentSort;
    var backToFirst = section.querySelector("[data-first-comments]");
    if (backToFirst) {
      backToFirst.hidden = listFromFirst;
      backToFirst.href = firstPage + "#comments";
    }
    var link = section.querySelector("[data-next-page]");
    var paging = section.querySelector("[data-paging]");
    if (!next) {
      if (link) link.remove();
    } else {
      if (!link) {
        paging = pagingNav();
        link = document.createElement("a");
        link.className = "button button--ghost comments__next-page";
        link.dataset.nextPage = "1";
        link.rel = "next";
        link.textContent = "Next page of all comments";
        paging.insertBefore(link, paging.firstChild);
      }
      link.href = firstPage + "&comments_after=" + encodeURIComponent(next) +
        "&comments_snapshot=" + snapshot +
        (repliesAfter ? "&comments_replies_after=" + encodeURIComponent(repliesAfter) : "") +
        votesAtParam(votesAt, "comments_") + "#comments";
    }
    // Out of the page's landmarks while every link in it is hidden or gone.
    if (paging) paging.hidden = !paging.querySelector("a:not([hidden])");
  }

  /* What went wrong with the list (a sort, "load more", "show new"), said once, where the reader
     asked for it: the list itself stays as it was, still usable. */
  function listTrouble(place, message) {
    clearListTrouble();
    var note = document.createElement("p");
    note.className = "comments__trouble message message--error";
    note.setAttribute("role", "alert");
    note.dataset.listTrouble = "1";
    note.textContent = message;
    place.after(note);
  }

  function clearListTrouble() {
    var note = section.querySelector("[data-list-trouble]");
    if (note) note.remove();
  }

  function markSort(sort) {
    section.dataset.sort = sort;
    section.querySelectorAll("[data-sort-choice]").forEach(function (choice) {
      if (choice.dataset.sortChoice === sort) choice.setAttribute("aria-current", "true");
      else choice.removeAttribute("aria-current");
    });
  }

  function replaceList(html) {
    list.innerHTML = "";
    list.appendChild(fragment(html));
    var empty = section.querySelector("[data-comments-empty]");
    if (empty && list.querySelector("[data-comment-id]")) empty.remove();
  }

  /* Each sort or "show new" starts the list afresh: an answer for the list it replaced, "load
     more" of the old order say, arriving late, is dropped rather than mixed into the new one. */
  var listVersion = 0;

  function changeSort(sort) {
    var version = ++listVersion;
    var before = { sort: currentSort, fromFirst: listFromFirst };
    currentSort = sort;
    listFromFirst = true;
    markSort(sort);
    list.setAttribute("aria-busy", "true");
    // Until the new order is in, "load more" would go on in neither order.
    var more = pagingLink();
    if (more) more.setAttribute("aria-disabled", "true");
    fetchThread({ sort: sort }).then(function (result) {
      if (version !== listVersion) return;  // a later choice is on its way
      clearListTrouble();
      replaceList(result.html);
      list.removeAttribute("aria-busy");
      updatePaging(result.next, result.snapshot, result.repliesAfter, result.votesAt);
      setCount(result.count);
      if (wholeThread && window.history.replaceState) {
        // The address names the order shown: reloading it, or coming back, shows the same.
        history.replaceState(history.state, "", location.pathname + "?comments=all&comments_sort=" + sort + "#comments");
      }
      var chosen = section.querySelector('[data-sort-choice="' + sort + '"]');
      announce("Comments sorted: " + (chosen ? chosen.textContent.trim().toLowerCase() : sort) + ".");
    }).catch(function () {
      if (version !== listVersion) return;
      // The list shown is still the old order: the links say so again, and "load more" goes on in it.
      currentSort = before.sort;
      listFromFirst = before.fromFirst;
      markSort(before.sort);
      list.removeAttribute("aria-busy");
      var link = pagingLink();
      if (link) link.removeAttribute("aria-disabled");
      var chosen = section.querySelector('[data-sort-choice="' + sort + '"]');
      listTrouble(section.querySelector(".comments__header"), "The comments could not be sorted by “" +
        (chosen ? chosen.textContent.trim() : sort) + "”. Please try again.");
    });
  }

  function loadMore(link) {
    // Waiting for a new order, or for this very page: a second answer would only repeat it.
    if (link.getAttribute("aria-disabled") === "true" || link.getAttribute("aria-busy") === "true") return;
    var version = listVersion;
    var params = new URL(link.href, location.href).searchParams;
    var cursor = link.dataset.cursor || params.get("comments_after");
    var snapshot = link.dataset.snapshot || params.get("comments_snapshot");
    var votesAt = link.dataset.votesAt || params.get("comments_votes_at");
    var query = { sort: currentSort, after: cursor, snapshot: snapshot };
    if (votesAt) query.votes_at = votesAt;
    link.setAttribute("aria-busy", "true");
    fetchThread(query).then(function (result) {
      link.removeAttribute("aria-busy");
      if (version !== listVersion) return;  // the list was sorted or renewed meanwhile
      clearListTrouble();
      var nodes = fragment(result.html);
      var added = [];
      Array.prototype.slice.call(nodes.children).forEach(function (item) {
        if (!document.getElementById(item.id)) {
          list.appendChild(item);
          added.push(item);
        }
      });
      updatePaging(result.next, result.snapshot || snapshot, null, result.votesAt || votesAt);
      if (added.length) {
        focusOn(added[0]);
        announce(added.length === 1 ? "1 more comment loaded." : added.length + " more comments loaded.");
      }
    }).catch(function () {
      link.removeAttribute("aria-busy");
      if (version !== listVersion) return;
      listTrouble(section.querySelector("[data-paging]") || list, "More comments could not be loaded. Please try again.");
    });
  }

  /* Live updates: a bubble says how many comments arrived; nothing moves until the reader asks. */
  var newBubble = section.querySelector("[data-new-comments]");
  var pendingNew = 0;

  function announceNew(count) {
    if (count <= 0) return;
    pendingNew = count;
    newBubble.querySelector("[data-new-count]").textContent = count;
    newBubble.querySelector("[data-show-new]").lastChild.textContent =
      count === 1 ? " new comment – show" : " new comments – show";
    newBubble.hidden = false;
    announce(count === 1 ? "1 new comment." : count + " new comments.");
  }

  function showNew() {
    var version = ++listVersion;
    var waiting = pendingNew;
    newBubble.hidden = true;
    pendingNew = 0;
    fetchThread({ sort: currentSort }).then(function (result) {
      if (version !== listVersion) return;
      clearListTrouble();
      listFromFirst = true;
      replaceList(result.html);
      list.querySelectorAll("[data-comment-id]").forEach(function (item) {
        var id = parseInt(item.dataset.commentId, 10);
        if (id > latestId) flash(item);
      });
      latestId = parseInt(result.snapshot || latestId, 10);
      updatePaging(result.next, result.snapshot, result.repliesAfter, result.votesAt);
      setCount(result.count);
      focusOn(list.querySelector("[data-comment-id]"));
    }).catch(function () {
      if (version !== listVersion) return;
      announceNew(Math.max(waiting, pendingNew));  // still there to be shown
      listTrouble(newBubble, "The new comments could not be shown. Please try again.");
    });
  }

  var etag = null;
  function poll() {
    if (document.hidden) return;
    var headers = {};
    if (etag) headers["If-None-Match"] = etag;
    fetch(section.dataset.updatesUrl + "?since=" + latestId, { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        etag = response.headers.get("ETag") || etag;
        if (response.status === 304 || !response.ok) return null;
        return response.json();
      })
      .then(function (data) {
        if (data && data.new > 0) announceNew(data.new);
      })
      .catch(function () {});
  }

  var pollEvery = (parseInt(section.dataset.pollSeconds, 10) || 20) * 1000;
  if (section.dataset.streamUrl && window.EventSource) {
    var stream = new EventSource(section.dataset.streamUrl);
    stream.addEventListener("comment", function (event) {
      var data = JSON.parse(event.data);
      if (!document.getElementById("comment-" + data.comment_id) && data.comment_id > latestId) announceNew(pendingNew + 1);
    });
    // A dropped stream reconnects by itself (after the server's "retry:" pause). An answer other
    // than a stream (the server refused one: too many from this network, 429) closes it for
    // good: the page then polls, as it does without streams.
    stream.onerror = function () {
      if (stream.readyState === EventSource.CLOSED) setInterval(poll, pollEvery);
    };
  } else {
    setInterval(poll, pollEvery);
  }

  /* Inline feedback: comment on a passage of the article. */
  var body = document.querySelector(".article__body");

  function squeeze(text) { return text.replace(/\s+/g, " ").trim(); }

  function setPassage(quote, prefix, suffix) {
    if (!form) return;
    form.querySelector("[name=anchor_quote]").value = quote;
    form.querySelector("[name=anchor_prefix]").value = prefix || "";
    form.querySelector("[name=anchor_suffix]").value = suffix || "";
    var note = form.querySelector("[data-passage]");
    note.querySelector("[data-passage-quote]").textContent = quote.length > 160 ? quote.slice(0, 157) + "…" : quote;
    note.hidden = false;
    cancelReply();  // describes the passage too
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    form.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
    form.querySelector("textarea").focus({ preventScroll: true });
  }

  function clearPassage() {
    if (!form) return;
    ["anchor_quote", "anchor_prefix", "anchor_suffix"].forEach(function (name) {
      form.querySelector("[name=" + name + "]").value = "";
    });
    form.querySelector("[data-passage]").hidden = true;
    describeContext();
  }

  if (form) {
    form.querySelector("[data-cancel-passage]").addEventListener("click", clearPassage);
  }

  /* A selection that starts or ends inside a word quotes the whole word ("ity council vot" is
     "city council voted"), by the rules the server applies (discussion/anchors.py whole_words):
     letters of any script, their marks and digits make words; an apostrophe between letters and
     a point or comma between digits are inside a word; the punctuation selected stays. */
  var LETTER = /[\p{L}\p{M}\p{N}]/u;
  var DIGIT = /\p{Nd}/u;
  // Scripts written without spaces (Chinese, Japanese, Thai...): a run of letters is a clause there.
  var UNSPACED = /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u19E0-\u19FF\u3040-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{3FFFF}]/u;
  var BLOCKS = "p, li, blockquote, h2, h3, h4, h5, h6, td, th, caption, figcaption, dt, dd, pre";

  function isLetter(ch) { return !!ch && LETTER.test(ch) && !UNSPACED.test(ch); }

  function joins(chars, at) {
    var mark = chars[at];
    if (at <= 0 || at + 1 >= chars.length) return false;
    if (mark === "'" || mark === "’") return isLetter(chars[at - 1]) && isLetter(chars[at + 1]);
    if (mark === "." || mark === ",") return DIGIT.test(chars[at - 1]) && DIGIT.test(chars[at + 1]);
    return false;
  }

  /* Whether the boundary between chars[at - 1] and chars[at] falls inside a word. */
  function insideWord(chars, at) {
    if (at <= 0 || at >= chars.length) return false;
    return (isLetter(chars[at - 1]) && isLetter(chars[at])) || joins(chars, at) || joins(chars, at - 1);
  }

  /* The article's text of the block holding a point of the selection, before and after it, in
     characters (not UTF-16 halves); the bubbles' and buttons' labels are not article text. */
  function textAround(container, offset) {
    var element = container.nodeType === 1 ? container : container.parentElement;
    var block = element.closest(BLOCKS);
    if (!block || !body.contains(block)) block = body;
    var point = document.createRange();
    point.setStart(container, offset);
    var before = "", after = "";
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, null);
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (node.nodeType === 1) {
        // A line break or a paragraph of its own parts words, as it does on the server.
        var gap = node.matches("br, " + BLOCKS) ? " " : "";
        if (point.comparePoint(node, 0) < 0) before += gap;
        else after += gap;
      } else if (node.parentElement.closest("button")) {
        continue;
      } else if (node === container) {
        before += node.data.slice(0, offset);
        after += node.data.slice(offset);
      } else if (point.comparePoint(node, 0) < 0) {
        before += node.data;
      } else {
        after += node.data;
      }
    }
    return { before: Array.from(before), after: Array.from(after) };
  }

  /* What the reader selected (`selected`, the selection's text), with the rest of the words it
     cuts at either end. */
  function wholeWordsOf(range, selected) {
    var head = textAround(range.startContainer, range.startOffset);
    var chars = head.before.concat(head.after);
    var start = head.before.length;
    while (insideWord(chars, start)) start--;
    var tail = textAround(range.endContainer, range.endOffset);
    chars = tail.before.concat(tail.after);
    var end = tail.before.length;
    while (insideWord(chars, end)) end++;
    return head.before.slice(start).join("") + selected + tail.after.slice(0, end - tail.before.length).join("");
  }

  /* The words under `root` as the server reads the article: whitespace squeezed, a line break
     or a block of its own parting words (between words only), the bubbles' and buttons' labels
     left out. `places[i]` is the text node and offset `text[i]` comes from (a gap between
     blocks: the character before it). */
  function readText(root) {
    var text = "", places = [], gap = false, last = null;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, null);
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (node.nodeType === 1) {
        if (node.matches("br, " + BLOCKS)) gap = true;
        continue;
      }
      if (node.parentElement && node.parentElement.closest("button")) continue;
      for (var i = 0; i < node.data.length; i++) {
        var ch = /\s/.test(node.data[i]) ? " " : node.data[i];
        if (gap && text && text.slice(-1) !== " " && ch !== " ") { text += " "; places.push(last); }
        gap = false;
        if (ch === " " && (!text || text.slice(-1) === " ")) continue;
        text += ch;
        last = [node, i];
        places.push(last);
      }
    }
    return { text: text, places: places };
  }

  /* The text of a range of the page, read as readText reads the article. */
  function rangeText(range) {
    var holder = document.createElement("div");
    holder.appendChild(range.cloneContents());
    return readText(holder).text;
  }

  /* Of the places where `quote` is in `text`, the one whose context fits `prefix` and `suffix`
     best (as the server's anchors.locate chooses); -1 if it is nowhere. */
  function bestMatch(text, quote, prefix, suffix) {
    prefix = squeeze(prefix || "");
    suffix = squeeze(suffix || "");
    var best = -1, bestFit = -1;
    for (var at = text.indexOf(quote); at >= 0; at = text.indexOf(quote, at + 1)) {
      var before = text.slice(Math.max(0, at - prefix.length), at).trimEnd();
      var after = text.slice(at + quote.length, at + quote.length + suffix.length + 1).trimStart();
      var fit = 0;
      while (fit < before.length && fit < prefix.length && before[before.length - 1 - fit] === prefix[prefix.length - 1 - fit]) fit++;
      for (var i = 0; i < after.length && i < suffix.length && after[i] === suffix[i]; i++) fit++;
      if (fit > bestFit) { best = at; bestFit = fit; }
    }
    return best;
  }

  /* Wrap `quote` (whitespace-insensitive) in a <mark> where its context fits best; returns it or
     null. */
  function markPassage(quote, prefix, suffix) {
    var article = readText(body);
    quote = squeeze(quote);
    var start = bestMatch(article.text, quote, prefix, suffix);
    if (start < 0 || !quote) return null;
    var first = article.places[start], last = article.places[start + quote.length - 1];
    var range = document.createRange();
    range.setStart(first[0], first[1]);
    range.setEnd(last[0], last[1] + 1);
    var mark = document.createElement("mark");
    mark.className = "passage";
    try {
      range.surroundContents(mark);
    } catch (error) {
      mark.appendChild(range.extractContents());
      range.insertNode(mark);
    }
    return mark;
  }

  /* The first comment on a passage marks it in the article at once, as a reload would. */
  function markNewPassage(posted, quote, prefix, suffix) {
    var passage = body && cardPart(posted, ".comment__passage");
    var anchorId = passage && passage.dataset.anchorId;
    if (!anchorId || document.querySelector('.passage-bubble[data-anchor-id="' + anchorId + '"]')) return;
    var mark = markPassage(quote, prefix, suffix);
    if (!mark) return;
    mark.dataset.anchorId = anchorId;
    addBubble(mark, 0, squeeze(quote), anchorId);  // countInBubbles then counts the comment
    // A passage the editors opened for feedback now has its comments' bubble in place of its "+".
    var open = mark.closest(".passage--open");
    if (open && open.dataset.openQuote === squeeze(quote)) {
      open.classList.remove("passage", "passage--open");
      var offer = open.nextElementSibling;
      if (offer && offer.classList.contains("passage-bubble") && !offer.dataset.anchorId) offer.remove();
    }
  }

  function addBubble(mark, count, quote, anchorId) {
    var bubble = document.createElement("button");
    bubble.type = "button";
    bubble.className = "passage-bubble has-tip";
    if (anchorId) bubble.dataset.anchorId = anchorId;
    setBubbleCount(bubble, count);
    bubble.addEventListener("click", function () {
      if (anchorId && parseInt(bubble.dataset.count, 10) > 0) openPassage(anchorId, quote);
      else setPassage(quote, "", "");
    });
    mark.after(bubble);
  }

  /* The number is what the passage's panel shows: the comments on it and the replies below them. */
  function setBubbleCount(bubble, count) {
    bubble.dataset.count = count;
    // The number shows; what it means is the button's name, read once and shown as a tooltip on
    // hover and keyboard focus (a title besides an aria-label could be read a second time).
    bubble.innerHTML = '<span aria-hidden="true" data-bubble-count></span><span class="tip"></span>';
    bubble.firstChild.textContent = count ? count : "+";
    bubble.lastChild.textContent = count ? count + " comment" + (count === 1 ? "" : "s") + " on this passage, replies included" : "Comment on this passage";
  }

  /* The passages whose panels show a comment: its own, those of the comments it hangs under,
     and those of the comment it answers from beside (a reply to a comment at the deepest level
     sits beside it, and says "in reply to"). */
  function passagesOf(item, seen) {
    var anchorIds = [];
    seen = seen || [];
    for (var node = item; node; node = node.parentElement && node.parentElement.closest("[data-comment-id]")) {
      if (seen.indexOf(node) >= 0) break;
      seen.push(node);
      var passage = cardPart(node, ".comment__passage");
      if (passage && anchorIds.indexOf(passage.dataset.anchorId) < 0) anchorIds.push(passage.dataset.anchorId);
      var answered = cardPart(node, '.comment__in-reply a[href^="#comment-"]');
      if (answered) {
        copiesOf(answered.getAttribute("href").slice("#comment-".length)).forEach(function (copy) {
          passagesOf(copy, seen).forEach(function (id) { if (anchorIds.indexOf(id) < 0) anchorIds.push(id); });
        });
      }
    }
    return anchorIds;
  }

  /* A comment posted or deleted in a passage's conversation changes the number on its bubble. */
  function countInBubbles(commentId, change) {
    var anchorIds = [];
    copiesOf(commentId).forEach(function (copy) {
      passagesOf(copy).forEach(function (id) { if (anchorIds.indexOf(id) < 0) anchorIds.push(id); });
    });
    anchorIds.forEach(function (id) {
      var bubble = document.querySelector('.passage-bubble[data-anchor-id="' + id + '"]');
      if (bubble) setBubbleCount(bubble, Math.max(0, parseInt(bubble.dataset.count, 10) + change));
    });
  }

  function openPassage(anchorId, quote) {
    if (!panel) {
      panel = document.createElement("dialog");
      panel.className = "passage-panel";
      panel.setAttribute("aria-labelledby", "passage-panel-title");
      panel.innerHTML = '<div class="passage-panel__inner"><button type="button" class="passage-panel__close has-tip"><span aria-hidden="true">✕</span><span class="tip">Close</span></button>' +
        '<h2 class="visually-hidden" id="passage-panel-title">Comments on this passage</h2>' +
        '<blockquote class="passage-panel__quote" dir="auto"></blockquote><ol class="comment-list passage-panel__list"></ol>' +
        '<p class="passage-panel__more" hidden data-passage-more>Only the <span data-passage-limit></span> newest comments on this passage are listed here. ' +
        '<a href="?comments=all#comments">Read them all in the thread</a></p>' +
        '<button type="button" class="button" data-comment-passage>Comment on this passage</button>' +
        '<p class="visually-hidden" role="status" data-announce></p></div>';
      document.body.appendChild(panel);
      panel.querySelector(".passage-panel__close").addEventListener("click", function () { panel.close(); });
      panel.querySelector("[data-passage-more] a").addEventListener("click", function () { panel.close(); });
      panel.addEventListener("click", onThreadClick);
      panel.addEventListener("click", followCommentLink);
      panel.addEventListener("close", function () {
        if (form && panel.contains(form)) cancelReply();  // the form goes back under the article
      });
    }
    panel.dataset.anchorId = anchorId;
    panel.querySelector(".passage-panel__quote").textContent = "“" + quote + "”";
    var target = panel.querySelector(".passage-panel__list");
    target.innerHTML = "";
    var more = panel.querySelector("[data-passage-more]");
    more.hidden = true;
    var trouble = panel.querySelector("[data-panel-trouble]");
    if (trouble) trouble.remove();
    panel.querySelector("[data-comment-passage]").onclick = function () { panel.close(); setPassage(quote, "", ""); };
    fetchThread({ anchor: anchorId }).then(function (result) {
      target.appendChild(panelCopies(fragment(result.html)));
      if (result.passageLimit) {
        more.querySelector("[data-passage-limit]").textContent = result.passageLimit;
        more.hidden = false;
      }
    }).catch(function () {
      if (panel.dataset.anchorId !== String(anchorId)) return;  // another passage's panel by now
      var note = document.createElement("p");
      note.className = "comments__trouble message message--error";
      note.setAttribute("role", "alert");
      note.dataset.panelTrouble = "1";
      note.textContent = "The comments on this passage could not be loaded. Please close this and try again.";
      target.before(note);
    });
    panel.showModal();
  }

  /* Links to a comment in the panel ("in reply to …", a comment's time) point into the thread
     behind it. A comment the panel shows is brought into view there; any other one is in the
     thread, so the panel closes and the page goes to it (to the page of the thread that shows
     it, when this one does not). */
  function followCommentLink(event) {
    var link = event.target.closest('a[href^="#comment-"]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var targetId = link.getAttribute("href").slice(1);
    if (!/^comment-\d+$/.test(targetId)) return;
    event.preventDefault();
    var copy = document.getElementById("passage-" + targetId);
    if (copy && panel.contains(copy)) {
      showComment(copy);
      return;
    }
    panel.close();
    var original = document.getElementById(targetId);
    if (original) {
      if (location.hash !== "#" + targetId) history.pushState(null, "", "#" + targetId);
      showComment(original);
    } else {
      location.assign("/comments/comment/" + targetId.slice("comment-".length) + "/");
    }
  }

  function showComment(item) {
    scrollToCentre(item);
    focusOn(item);
    flash(item);
  }

  /* The same comments are in the thread below: their ids must stay unique on the page. */
  function panelCopies(copies) {
    // The panel quotes its passage once, at the top; each comment on it need not quote it again.
    copies.querySelectorAll('.comment__passage[data-anchor-id="' + (panel && panel.dataset.anchorId) + '"]').forEach(function (quote) {
      quote.hidden = true;
    });
    copies.querySelectorAll("[id]").forEach(function (node) { node.id = "passage-" + node.id; });
    ["aria-labelledby", "aria-describedby"].forEach(function (name) {
      copies.querySelectorAll("[" + name + "]").forEach(function (node) {
        node.setAttribute(name, "passage-" + node.getAttribute(name));
      });
    });
    return copies;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    try { return node ? JSON.parse(node.textContent) : []; } catch (error) { return []; }
  }

  if (body) {
    var marked = {};
    // Their words read before any bubble goes in: a bubble's own text inside one would make it
    // differ from the comments' quote of it, and the passage would show both bubbles.
    var openPassages = Array.prototype.map.call(body.querySelectorAll("[data-feedback]"), function (span) {
      return { span: span, quote: squeeze(span.textContent) };
    });
    readJson("comment-anchors").forEach(function (anchor) {
      if (!anchor.found) return;
      var mark = markPassage(anchor.quote, anchor.prefix, anchor.suffix);
      if (mark) {
        mark.dataset.anchorId = anchor.id;
        addBubble(mark, anchor.count, anchor.quote, anchor.id);
        marked[squeeze(anchor.quote)] = true;
      }
    });
    openPassages.forEach(function (open) {
      if (marked[open.quote]) return;
      open.span.classList.add("passage", "passage--open");
      open.span.dataset.openQuote = open.quote;
      addBubble(open.span, 0, open.quote, null);
    });

    /* Any sentence a reader selects can be commented on. */
    if (form) {
      var selectButton = document.createElement("button");
      selectButton.type = "button";
      selectButton.className = "selection-comment";
      selectButton.textContent = "Comment on this passage";
      selectButton.hidden = true;
      document.body.appendChild(selectButton);
      var chosen = null;
      document.addEventListener("selectionchange", function () {
        var selection = document.getSelection();
        if (!selection || selection.isCollapsed || !selection.rangeCount) { selectButton.hidden = true; return; }
        var range = selection.getRangeAt(0);
        if (!body.contains(range.commonAncestorContainer)) { selectButton.hidden = true; return; }
        // The article's words selected: a bubble inside the selection is not part of them.
        var selected = squeeze(rangeText(range));
        if (selected.length < 3 || selected.length > 1000) { selectButton.hidden = true; return; }
        // Beyond the limit with whole words, it is quoted as selected (as the server would).
        var quote = squeeze(wholeWordsOf(range, selected));
        if (quote.length > 1000) quote = selected;
        // Its context is taken where it was selected, not where the article first says it.
        var full = readText(body).text;
        var upToSelection = document.createRange();
        upToSelection.setStart(body, 0);
        upToSelection.setEnd(range.startContainer, range.startOffset);
        var near = rangeText(upToSelection).length;
        var at = -1;
        for (var from = full.indexOf(quote); from >= 0; from = full.indexOf(quote, from + 1)) {
          if (at < 0 || Math.abs(from - near) < Math.abs(at - near)) at = from;
        }
        chosen = {
          quote: quote,
          prefix: at >= 0 ? full.slice(Math.max(0, at - 48), at) : "",
          suffix: at >= 0 ? full.slice(at + quote.length, at + quote.length + 48) : "",
        };
        // Right after the selected passage in the page's order, so that Tab reaches it next.
        var end = range.endContainer.nodeType === 1 ? range.endContainer : range.endContainer.parentElement;
        // A table's own cells cannot hold a button: it goes after the table.
        var block = end.closest(".body-table, p, li, blockquote, h2, h3, h4, figure") || end;
        if (block.nextSibling !== selectButton) block.after(selectButton);
        selectButton.hidden = false;
        var rect = range.getBoundingClientRect();
        var holder = selectButton.offsetParent;
        // Without a positioned ancestor the button is placed against the document itself.
        var origin = holder && holder !== document.body
          ? holder.getBoundingClientRect()
          : { top: -window.scrollY, left: -window.scrollX };
        selectButton.style.top = rect.bottom - origin.top + 8 + "px";
        selectButton.style.left = rect.left - origin.left + "px";
      });
      selectButton.addEventListener("mousedown", function (event) { event.preventDefault(); });
      selectButton.addEventListener("click", function () {
        if (!chosen) return;
        selectButton.hidden = true;
        setPassage(chosen.quote, chosen.prefix, chosen.suffix);
        document.getSelection().removeAllRanges();
      });
    }
  }

  /* A tooltip is centred over its button; near the window's edge (a passage's bubble at the end of
     a line on a phone) it moves along to stay in sight rather than being cut off. */
  function keepTipInView(event) {
    var owner = event.target.closest && event.target.closest(".has-tip");
    var tip = owner && owner.querySelector(":scope > .tip");
    if (!tip) return;
    owner.style.removeProperty("--tip-shift");
    var box = tip.getBoundingClientRect();
    if (box.width <= 1) return;  // not shown (a disabled vote, a tap on a touch screen)
    var margin = 8;
    var room = document.documentElement.clientWidth;
    var shift = 0;
    if (box.right > room - margin) shift = room - margin - box.right;
    if (box.left + shift < margin) shift = margin - box.left;
    if (shift) owner.style.setProperty("--tip-shift", Math.round(shift) + "px");
  }
  document.addEventListener("mouseover", keepTipInView);
  document.addEventListener("focusin", keepTipInView);

  /* An editors' pick leads to its comment in the thread: here, when this page shows it (loaded
     more, or sorted), without a reload; otherwise the link opens the page of the thread that does. */
  section.addEventListener("click", function (event) {
    var link = event.target.closest("[data-pick-of]");
    var target = link && document.getElementById("comment-" + link.dataset.pickOf);
    if (!target) return;
    event.preventDefault();
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.querySelector(".comment__card").scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    flash(target);
    focusOn(target);
  });

  /* Highlight the comment the address points at (after posting without JavaScript, too). */
  if (location.hash.indexOf("#comment-") === 0) {
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.classList.contains("comment")) flash(target);
  }
})();
