(function () {
  var root = document.documentElement;
  root.classList.add("js");
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var current = 0;
  function show(n) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, k) { s.classList.toggle("active", k === current); });
    try { history.replaceState(null, "", "#" + (current + 1)); } catch (e) {}
  }
  document.addEventListener("keydown", function (e) {
    var next = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"];
    var prev = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];
    if (next.indexOf(e.key) >= 0) { e.preventDefault(); show(current + 1); }
    else if (prev.indexOf(e.key) >= 0) { e.preventDefault(); show(current - 1); }
    else if (e.key === "Home") { show(0); }
    else if (e.key === "End") { show(slides.length - 1); }
    else if (e.key === "f" || e.key === "F") {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (root.requestFullscreen) { root.requestFullscreen(); }
    }
    else if (e.key === "n" || e.key === "N") { root.classList.toggle("show-notes"); }
  });
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".notes")) { return; }
    show(e.clientX < window.innerWidth / 3 ? current - 1 : current + 1);
  });
  var start = parseInt((location.hash || "#1").slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
