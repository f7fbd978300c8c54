/* Punchout pages: small conveniences; every page works without them.

   - An offer <select data-autosubmit> reloads the form for the chosen offer (without
     scripts, its "Choose offer" button does that).
   - A <form data-once> is sent once: a second click would reach the marketplace after the
     first had already closed the punchout session and returned the cart. */
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (select) {
    select.addEventListener("change", function () {
      HTMLFormElement.prototype.submit.call(select.form);
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "true");
      form.setAttribute("aria-busy", "true");
    });
  });
})();
