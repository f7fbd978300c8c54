// The sandbox's only script (pages carry no inline script): it follows the link with
// id "go-on" by itself. data-navigate="top" sends the whole window on, which is how a cart
// received inside the punchout frame brings the user to the requisition; without scripts,
// the link does the same when clicked.
(function () {
  "use strict";
  var link = document.getElementById("go-on");
  if (!link) {
    return;
  }
  var where = link.getAttribute("data-navigate");
  if (where === "top" && window.top !== window.self) {
    window.top.location.href = link.href;
  } else if (where === "top" || where === "self") {
    window.location.href = link.href;
  }
})();
