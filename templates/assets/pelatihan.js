// Registers the training section's service worker, so modules stay readable offline.
(function () {
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  var worker = new URL("../pelatihan/sw.js", script.src);
  navigator.serviceWorker.register(worker.href, { scope: new URL("./", worker).pathname });
})();
