// A live count under a text box with data-max: the citizen sees the limit coming instead of
// learning about it from the server. The page works the same without it.
(function () {
  "use strict";
  function attach(box) {
    var max = parseInt(box.getAttribute("data-max"), 10);
    var count = document.getElementById(box.id + "-count");
    if (!max || !count) {
      return;
    }
    function show() {
      var used = Array.from(box.value).length;  // characters as the server counts them
      var over = used - max;
      count.hidden = false;
      count.classList.toggle("over", over > 0);
      count.textContent = over > 0
        ? box.getAttribute("data-over-text").replace("{over}", over)
        : box.getAttribute("data-used-text").replace("{used}", used);
    }
    box.addEventListener("input", show);
    show();
  }
  document.querySelectorAll("textarea[data-max]").forEach(attach);
})();
