// Signatures drawn with a finger, a stylus or a mouse (signature_pad, served from
// static/vendor). Each <div class="signature-field"> holds a <canvas>, a hidden <input>
// that receives the PNG data URL at each stroke's end, and an « Effacer » button.
// A static file, not an inline script: the Content-Security-Policy allows only 'self'.
(function () {
  "use strict";
  if (typeof window.SignaturePad !== "function") {
    return;
  }

  function setUp(field) {
    if (field.dataset.ready) {
      return;
    }
    field.dataset.ready = "1";
    var canvas = field.querySelector("canvas");
    var input = field.querySelector("[data-signature-value]");
    var clear = field.querySelector("[data-signature-clear]");
    var pad = new window.SignaturePad(canvas, {
      penColor: "#0b1f33",
      backgroundColor: "rgba(255,255,255,0)",
      minWidth: 0.8,
      maxWidth: 2.6,
    });

    // The canvas's pixels follow its displayed size and the screen's density, so that a
    // stroke lands under the finger; a resize keeps what was drawn.
    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var width = canvas.offsetWidth;
      var height = canvas.offsetHeight;
      if (!width || !height) {
        return;
      }
      if (canvas.width === Math.round(width * ratio) && canvas.height === Math.round(height * ratio)) {
        return;
      }
      var strokes = pad.toData();
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      if (strokes.length) {
        pad.fromData(strokes);
      } else if (input.value) {
        pad.fromDataURL(input.value, { width: width, height: height });
      }
    }

    pad.addEventListener("endStroke", function () {
      input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
      field.classList.toggle("signature-field--signed", !pad.isEmpty());
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    clear.addEventListener("click", function () {
      pad.clear();
      input.value = "";
      field.classList.remove("signature-field--signed");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });

    if ("ResizeObserver" in window) {
      new ResizeObserver(resize).observe(canvas);
    } else {
      window.addEventListener("resize", resize);
    }
    resize();
    if (input.value) {
      field.classList.add("signature-field--signed");
    }
    field.classList.add("signature-field--ready");
  }

  function setUpAll(root) {
    (root || document).querySelectorAll(".signature-field").forEach(setUp);
  }

  setUpAll(document);
  // Fields shown later (a folded section, a row ticked present) are set up on demand.
  document.addEventListener("signature-field:setup", function (event) {
    setUpAll(event.target);
  });
  window.SignatureFields = { setUp: setUpAll };
})();
