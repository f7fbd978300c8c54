/* Copy buttons: every <button data-copy-target="ID"> copies the text (or value) of the
   element with that id. Progressive enhancement: the buttons are rendered hidden and shown
   here, so that a page without JavaScript shows no button that does nothing.

   The Clipboard API needs a secure context (https, or http on localhost); elsewhere the
   text is selected and copied with document.execCommand("copy"). After a copy the button
   reads "Copied" for a moment and a polite live region tells screen-reader users. */
(function () {
  "use strict";

  var FEEDBACK_MS = 3000;
  var liveRegion = null;

  // The live region exists before anything is announced: screen readers watch only regions
  // that were in the page when their content changed.
  function createLiveRegion() {
    liveRegion = document.createElement("p");
    liveRegion.className = "visually-hidden";
    liveRegion.id = "copy-status";
    liveRegion.setAttribute("role", "status");
    liveRegion.setAttribute("aria-live", "polite");
    document.body.appendChild(liveRegion);
  }

  function announce(message) {
    // Clear first so that copying the same thing twice is announced twice.
    liveRegion.textContent = "";
    window.setTimeout(function () { liveRegion.textContent = message; }, 50);
  }

  function textOf(element) {
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
      return element.value;
    }
    return (element.textContent || "").trim();
  }

  function selectContents(element) {
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
      element.focus();
      element.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelecting(element) {
    selectContents(element);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(element) {
    var text = textOf(element);
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyBySelecting(element);
      });
    }
    return copyBySelecting(element);
  }

  function labelOf(button) {
    var hidden = button.querySelector(".visually-hidden");
    return hidden ? hidden.textContent.trim() : "Text";
  }

  function showFeedback(button, message, announcement) {
    var text = button.querySelector(".copy-text") || button;
    var original = text.getAttribute("data-original") || text.textContent;
    text.setAttribute("data-original", original);
    text.textContent = message;
    announce(announcement);
    window.clearTimeout(Number(button.getAttribute("data-timer")) || 0);
    var timer = window.setTimeout(function () { text.textContent = original; }, FEEDBACK_MS);
    button.setAttribute("data-timer", String(timer));
  }

  function onClick(event) {
    var button = event.target.closest("button[data-copy-target]");
    if (!button) {
      return;
    }
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var label = labelOf(button);
    var what = label.charAt(0).toUpperCase() + label.slice(1);
    copy(target).then(
      function () { showFeedback(button, "Copied", what + " copied to the clipboard."); },
      function () {
        selectContents(target);
        showFeedback(button, "Press Ctrl+C", what + " is selected: press Control+C to copy it.");
      }
    );
  }

  function start() {
    var buttons = document.querySelectorAll("button[data-copy-target]");
    if (buttons.length === 0) {
      return;
    }
    createLiveRegion();
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].hidden = false;
    }
    document.addEventListener("click", onClick);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
