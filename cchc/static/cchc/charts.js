// Charts drawn in the browser from the figures the server put in the page (json_script),
// with the vendored Chart.js: the same numbers as the table beside them, Vietnamese format.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;

  function formatter(decimals) {
    return new Intl.NumberFormat("vi-VN", { maximumFractionDigits: decimals });
  }

  function bar(data) {
    const format = formatter(data.decimals);
    const datasets = [{
      label: data.unit ? data.title + " (" + data.unit + ")" : data.title,
      data: data.values,
      backgroundColor: "#2f6fb0",
    }];
    if (data.total !== null && data.total !== undefined) {
      datasets.push({
        type: "line",
        label: data.total_label,
        data: data.values.map(function () { return data.total; }),
        borderColor: "#c0392b",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false,
      });
    }
    return {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, ticks: { callback: function (v) { return format.format(v); } } } },
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + format.format(c.parsed.x); } } },
        },
      },
    };
  }

  function line(data) {
    const format = formatter(data.decimals);
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.values, spanGaps: false, borderColor: ["#2f6fb0", "#c0392b", "#27ae60", "#8e44ad"][i % 4] };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return format.format(v); } } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + format.format(c.parsed.y); } } } },
      },
    };
  }

  const COLOURS = ["#2f6fb0", "#c0392b", "#27ae60", "#8e44ad", "#d68910"];

  function columns(data) {
    const format = formatter(data.decimals);
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.values, backgroundColor: COLOURS[i % COLOURS.length] };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return format.format(v); } } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + format.format(c.parsed.y); } } } },
      },
    };
  }

  function radar(data) {
    const format = formatter(data.decimals);
    return {
      type: "radar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          const colour = COLOURS[i % COLOURS.length];
          return { label: s.label, data: s.values, borderColor: colour, backgroundColor: colour + "33" };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { r: { min: 0, max: 100, ticks: { callback: function (v) { return format.format(v) + "%"; } } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + format.format(c.parsed.r) + "%"; } } } },
      },
    };
  }

  const BUILDERS = { bar: bar, line: line, columns: columns, radar: radar };

  document.querySelectorAll("canvas.cchc-chart").forEach(function (canvas) {
    const source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    if (!data.labels || data.labels.length === 0) {
      canvas.replaceWith(Object.assign(document.createElement("p"), {
        className: "hint", textContent: "Chưa có đơn vị nào có số liệu để vẽ biểu đồ.",
      }));
      return;
    }
    if (data.type === "bar") {
      canvas.parentElement.style.height = Math.max(160, 28 * data.labels.length + 60) + "px";
    }
    const chart = new Chart(canvas, (BUILDERS[data.type] || bar)(data));
    canvas.dataset.drawn = String(chart.data.labels.length);
  });
})();
