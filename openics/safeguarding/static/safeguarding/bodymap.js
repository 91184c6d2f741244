// The body map: selecting a place on an outline adds a line to the marks
// field ("front 0.420 0.300 "), ready for a note; the marks are drawn,
// numbered, from that field.  Without JavaScript the field is typed by hand,
// so the data is the same either way and keyboard users keep the text field.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function parse(text) {
    var marks = [];
    text.split("\n").forEach(function (line) {
      var parts = line.trim().split(/\s+/);
      if (parts.length < 3) return;
      var view = parts[0].toLowerCase().replace(/[:,]$/, "");
      var x = parseFloat(parts[1]);
      var y = parseFloat(parts[2]);
      if ((view !== "front" && view !== "back") || !(x >= 0 && x <= 1) || !(y >= 0 && y <= 1)) return;
      marks.push({ view: view, x: x, y: y });
    });
    return marks;
  }

  function draw(root, marks) {
    root.querySelectorAll("svg[data-view]").forEach(function (svg) {
      var layer = svg.querySelector(".openics-bodymap__marks-layer");
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      marks.forEach(function (mark, index) {
        if (mark.view !== svg.getAttribute("data-view")) return;
        var circle = document.createElementNS(NS, "circle");
        circle.setAttribute("cx", String(mark.x * 200));
        circle.setAttribute("cy", String(mark.y * 400));
        circle.setAttribute("r", "9");
        circle.setAttribute("fill", "#d4351c");
        var label = document.createElementNS(NS, "text");
        label.setAttribute("x", String(mark.x * 200));
        label.setAttribute("y", String(mark.y * 400));
        label.setAttribute("dy", "4");
        label.setAttribute("text-anchor", "middle");
        label.setAttribute("font-size", "11");
        label.setAttribute("font-family", "sans-serif");
        label.setAttribute("font-weight", "bold");
        label.setAttribute("fill", "#ffffff");
        label.textContent = String(index + 1);
        layer.appendChild(circle);
        layer.appendChild(label);
      });
    });
  }

  document.querySelectorAll("[data-bodymap]").forEach(function (root) {
    var field = root.querySelector("textarea");
    var status = root.querySelector(".openics-bodymap__status");
    if (!field) return;
    root.classList.add("openics-bodymap--interactive");
    var redraw = function () { draw(root, parse(field.value)); };
    root.querySelectorAll("svg[data-view]").forEach(function (svg) {
      svg.addEventListener("click", function (event) {
        var point = svg.createSVGPoint();
        point.x = event.clientX;
        point.y = event.clientY;
        var local = point.matrixTransform(svg.getScreenCTM().inverse());
        var x = Math.min(1, Math.max(0, local.x / 200));
        var y = Math.min(1, Math.max(0, local.y / 400));
        var text = field.value.replace(/\s+$/, "");
        field.value = (text ? text + "\n" : "") + svg.getAttribute("data-view") + " " + x.toFixed(3) + " " + y.toFixed(3) + " ";
        redraw();
        var count = parse(field.value).length;
        if (status) status.textContent = "Mark " + count + " added. Describe it at the end of its line in the marks field.";
        field.focus();
        field.setSelectionRange(field.value.length, field.value.length);
      });
    });
    field.addEventListener("input", redraw);
    redraw();
  });
})();
