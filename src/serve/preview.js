// kudos serve's preview bar: hide it, and bring it back. Served only by `kudos serve`.
(function () {
  var bar = document.getElementById("kudos-preview");
  var show = document.getElementById("kudos-preview-show");
  if (!bar || !show) return;
  var KEY = "kudos-preview-hidden";
  function remember(hidden) {
    try {
      if (hidden) localStorage.setItem(KEY, "1");
      else localStorage.removeItem(KEY);
    } catch (e) {}
  }
  function set(hidden) {
    bar.hidden = hidden;
    show.hidden = !hidden;
  }
  var stored = false;
  try { stored = localStorage.getItem(KEY) === "1"; } catch (e) {}
  set(stored);
  bar.querySelector(".kp-hide").addEventListener("click", function () {
    set(true);
    remember(true);
    show.focus();
  });
  show.addEventListener("click", function () {
    set(false);
    remember(false);
    bar.querySelector("summary").focus();
  });
  // Escape closes the open panel and returns to its summary.
  bar.addEventListener("keydown", function (event) {
    var details = bar.querySelector("details");
    if (event.key === "Escape" && details.open) {
      details.open = false;
      bar.querySelector("summary").focus();
    }
  });
})();
