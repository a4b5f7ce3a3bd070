/* Masthead: small enhancements. Every feature here works without this file. */
(function () {
  "use strict";

  /* Gallery lightbox: without JavaScript the thumbnail is a plain link to the full-size image. */
  function setUpGallery(gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll("a[data-full-src]"));
    if (!links.length || typeof HTMLDialogElement === "undefined") return;
    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Image viewer");
    dialog.innerHTML =
      '<div class="lightbox__inner">' +
      '<p class="lightbox__status" role="status"></p>' +
      '<img class="lightbox__image" alt="">' +
      '<p class="lightbox__caption" aria-live="polite"></p>' +
      '<button type="button" class="lightbox__close" aria-label="Close">✕</button>' +
      '<button type="button" class="lightbox__prev" aria-label="Previous image">←</button>' +
      '<button type="button" class="lightbox__next" aria-label="Next image">→</button>' +
      "</div>";
    document.body.appendChild(dialog);
    var image = dialog.querySelector(".lightbox__image");
    var caption = dialog.querySelector(".lightbox__caption");
    var status = dialog.querySelector(".lightbox__status");
    var current = 0;

    /* A browser keeps showing the previous photo until the next one has loaded: for a large
       photo, seconds of the wrong picture above the new caption. It is hidden meanwhile. */
    function loaded(failed) {
      dialog.classList.remove("lightbox--loading");
      dialog.classList.toggle("lightbox--failed", failed);
      status.textContent = failed ? "This photo could not be loaded." : "";
    }
    function settled(failed) {
      return function () {
        // Not the end of an earlier photo's loading, the reader having moved on meanwhile.
        if (image.currentSrc === image.src) loaded(failed);
      };
    }
    image.addEventListener("load", settled(false));
    image.addEventListener("error", settled(true));

    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      if (image.getAttribute("src") !== link.dataset.fullSrc) {
        dialog.classList.add("lightbox--loading");
        dialog.classList.remove("lightbox--failed");
        status.textContent = "Loading photo…";
        image.width = link.dataset.fullWidth;
        image.height = link.dataset.fullHeight;
        image.src = link.dataset.fullSrc;
        // A photo seen already is ready at once: no flash of the loading state.
        if (image.complete && image.naturalWidth) loaded(false);
      }
      var thumb = link.querySelector("img");
      image.alt = thumb ? thumb.alt : "";
      caption.textContent = link.dataset.caption || "";
      if (link.dataset.credit) {
        var credit = document.createElement("span");
        credit.className = "lightbox__credit";
        credit.textContent = "Photo: " + link.dataset.credit;
        caption.appendChild(credit);
      }
      var position = document.createElement("span");
      position.className = "lightbox__position";
      position.textContent = (current + 1) + " of " + links.length;
      caption.appendChild(position);
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        show(index);
        followZoom();
        dialog.showModal();
      });
    });
    dialog.querySelector(".lightbox__close").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".lightbox__prev").addEventListener("click", function () { show(current - 1); });
    dialog.querySelector(".lightbox__next").addEventListener("click", function () { show(current + 1); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog.firstChild) dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") show(current - 1);
      if (event.key === "ArrowRight") show(current + 1);
    });
    /* On a touch screen, a sideways swipe turns the photo, as in a phone's own gallery. A short or
       mostly vertical movement is a tap or a scroll, not a swipe. A reader who has pinched the
       photo larger drags it to see its other side: then the browser pans, as without the viewer
       (touch-action is read when a touch starts, so it follows the zoom beforehand). */
    function zoomedIn() { return !!window.visualViewport && window.visualViewport.scale > 1.01; }
    function followZoom() { dialog.classList.toggle("lightbox--zoomed", zoomedIn()); }
    if (window.visualViewport) window.visualViewport.addEventListener("resize", followZoom);
    var touchStart = null;
    dialog.addEventListener("touchstart", function (event) {
      touchStart = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : null;
    }, { passive: true });
    dialog.addEventListener("touchend", function (event) {
      if (!touchStart || !event.changedTouches.length) return;
      var dx = event.changedTouches[0].clientX - touchStart.x;
      var dy = event.changedTouches[0].clientY - touchStart.y;
      touchStart = null;
      if (zoomedIn() || Math.abs(dx) < 40 || Math.abs(dx) < Math.abs(dy) * 1.5) return;
      show(dx < 0 ? current + 1 : current - 1);
    });
    dialog.addEventListener("close", function () { links[current].focus(); });
  }

  /* Video facade: load the provider's player only when the reader clicks play. */
  function setUpVideo(facade) {
    facade.addEventListener("click", function (event) {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      var iframe = document.createElement("iframe");
      iframe.src = facade.dataset.embedUrl;
      // The frame's name, as a screen reader announces it: not the facade's "Play video… opens…".
      var kind = facade.dataset.provider + " video";
      iframe.title = facade.dataset.title ? facade.dataset.title + " (" + kind + ")" : kind;
      // "fullscreen" in `allow` is all it takes (allowfullscreen beside it is a console warning).
      iframe.allow = "accelerometer; autoplay; encrypted-media; gyroscope; picture-in-picture; fullscreen";
      iframe.referrerPolicy = "strict-origin-when-cross-origin";
      facade.replaceWith(iframe);
      iframe.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-gallery]").forEach(setUpGallery);
    document.querySelectorAll(".video__facade[data-embed-url]").forEach(setUpVideo);
  });
})();
