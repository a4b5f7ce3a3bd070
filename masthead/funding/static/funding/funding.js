/* Reader funding: copy buttons and the donate form's amount choice. All works without it. */
(function () {
  "use strict";

  /* A screen reader does not say a focused button's new name ("Copied"): a status line does. It is
     on the page before the first copy, or the first would not be heard. */
  var copyStatus;
  function addCopyStatus() {
    copyStatus = document.createElement("p");
    copyStatus.className = "visually-hidden";
    copyStatus.setAttribute("role", "status");
    (document.querySelector("main") || document.body).appendChild(copyStatus);
  }

  function announceCopied(button) {
    var what = button.querySelector(".visually-hidden");
    var message = "Copied" + (what ? what.textContent : "") + " to the clipboard.";
    copyStatus.textContent = "";
    setTimeout(function () { copyStatus.textContent = message; }, 50);
  }

  function setUpCopy(button) {
    button.hidden = false;  // without this script the button would do nothing: it stays hidden
    button.addEventListener("click", function () {
      var text = button.dataset.copy;
      var done = function () {
        var label = button.firstChild.textContent;
        announceCopied(button);
        button.firstChild.textContent = "Copied";
        button.setAttribute("data-copied", "");
        setTimeout(function () {
          button.firstChild.textContent = label;
          button.removeAttribute("data-copied");
        }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        var field = document.createElement("textarea");
        field.value = text;
        field.setAttribute("readonly", "");
        field.style.position = "absolute";
        field.style.left = "-9999px";
        document.body.appendChild(field);
        field.select();
        try { document.execCommand("copy"); done(); } finally { field.remove(); }
      }
    });
  }

  function parseAmount(text) {
    text = text.trim().replace(/\s/g, "");
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, "");
    else if (/^\d+,\d{1,2}$/.test(text)) text = text.replace(",", ".");
    return /^\d+(\.\d+)?$/.test(text) ? parseFloat(text) : NaN;
  }

  function setUpDonateForm(form) {
    var other = form.querySelector('input[name="amount"][value="other"]');
    var box = form.querySelector(".custom-amount");
    var input = form.querySelector("#id_custom_amount");
    var error = form.querySelector("#custom-amount-error");
    if (!other || !box || !input) return;

    function sync() {
      box.hidden = !other.checked;
      // A hidden field's amount must not be sent: the server gives a typed amount over a preset.
      input.disabled = !other.checked;
      if (other.checked) input.removeAttribute("tabindex");
    }
    function showError(message) {
      error.textContent = message;
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    form.querySelectorAll('input[name="amount"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        sync();
        showError("");
        if (other.checked) input.focus();
      });
    });
    input.addEventListener("input", function () { showError(""); });
    form.addEventListener("submit", function (event) {
      if (!other.checked) return;
      var value = parseAmount(input.value);
      var message = "";
      if (!input.value.trim()) message = form.dataset.enterAmount;
      else if (isNaN(value)) message = form.dataset.notANumber;
      else if (value < parseFloat(form.dataset.min)) message = form.dataset.tooSmall;
      else if (value > parseFloat(form.dataset.max)) message = form.dataset.tooLarge;
      if (message) {
        event.preventDefault();
        showError(message);
        input.focus();
      }
    });
    if (input.value.trim() && !form.querySelector('input[name="amount"]:checked')) other.checked = true;
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var copyButtons = document.querySelectorAll("button[data-copy]");
    if (copyButtons.length) addCopyStatus();
    copyButtons.forEach(setUpCopy);
    document.querySelectorAll(".donate-form").forEach(setUpDonateForm);
  });
})();
