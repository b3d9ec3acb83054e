// One script for both attendance sheets (driving school and workshops).
// « Cocher présent·e pour les autres »: ticks "present" on every row left blank.
// A static file, not an inline script: the Content-Security-Policy allows only 'self'.
document.querySelectorAll("[data-all-present]").forEach(function (button) {
  button.addEventListener("click", function () {
    document.querySelectorAll(".sheet-row").forEach(function (row) {
      if (!row.querySelector("input[type=radio]:checked")) {
        row.querySelector("input[value=present]").checked = true;
      }
    });
  });
});
