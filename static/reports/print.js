// The « Imprimer » button of the report page (no inline onclick: see the CSP settings).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
