// kudos serve: live reload and the build-error overlay. Injected by the dev server only;
// never part of a built site.
(() => {
  const events = new EventSource("/__kudos/events");
  // The page itself is the overlay when no build has succeeded yet.
  let overlay = document.getElementById("kudos-error-overlay");
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "kudos-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;background:rgba(24,12,12,.94);color:#fff;" +
        "font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    const lead =
      overlay.dataset.lead || "kudos: the last rebuild failed; you are seeing the last good version.";
    overlay.textContent = lead + "\n\n" + text;
  }
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", () => {
    document.querySelectorAll('link[rel="stylesheet"]').forEach((link) => {
      const url = new URL(link.href);
      url.searchParams.set("kudos-reload", Date.now());
      link.href = url.toString();
    });
  });
  events.addEventListener("build-error", (event) => showError(event.data));
})();
