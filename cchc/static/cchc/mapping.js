// Column-mapping page: show the sample values of the column just chosen for each field.
(function () {
  "use strict";
  const data = document.getElementById("samples");
  if (!data) return;
  const samples = JSON.parse(data.textContent);
  document.querySelectorAll("#mapping select").forEach((select) => {
    select.addEventListener("change", () => {
      const cell = document.querySelector(`.sample[data-for="${select.id}"]`);
      if (cell) cell.textContent = (samples[select.value] || []).join(" · ");
    });
  });
})();
