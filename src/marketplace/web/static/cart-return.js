/* The cart page posts its form to the procurement system by itself (cXML form post). The
   page also works without scripts: its visible button posts the same form. */
(function () {
  "use strict";
  var form = document.getElementById("cart-return");
  if (form) {
    // The prototype's submit, in case a field ever shadows form.submit.
    HTMLFormElement.prototype.submit.call(form);
  }
})();
