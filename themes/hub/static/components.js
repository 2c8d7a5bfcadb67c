// The components that do more with JavaScript, and work without it.
// A YouTube video is a link to YouTube in the page; here it gains a button
// that loads the privacy-enhanced player (youtube-nocookie.com) only when
// pressed, so nothing is asked of a third party before the reader chooses.
// Printed pages show what a closed details element hides.
(function () {
  "use strict";

  function player(figure) {
    var embed = figure.getAttribute("data-embed");
    var title = figure.getAttribute("data-title") || "Video";
    var watch = figure.querySelector(".belong-video__watch");
    if (!embed || !watch) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "belong-video__play";
    button.textContent = "Play “" + title + "” here";
    button.addEventListener("click", function () {
      var screen = document.createElement("div");
      screen.className = "belong-video__screen";
      var frame = document.createElement("iframe");
      frame.src = embed + "?autoplay=1";
      frame.title = title;
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.setAttribute("allowfullscreen", "");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      screen.appendChild(frame);
      button.replaceWith(screen);
      frame.focus();
    });
    watch.parentNode.insertBefore(button, watch);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".belong-video[data-embed]"), player);

  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (details) {
      details.setAttribute("data-belong-printing", "");
      details.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-belong-printing]"), function (details) {
      details.removeAttribute("data-belong-printing");
      details.open = false;
    });
  });
})();
