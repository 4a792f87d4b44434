// The fee's execution chart: a bar per region of its execution rate (%), drawn by the vendored
// Apache ECharts from the figures the page carries as JSON (the table beside it has the same
// numbers, so the page reads without scripts).
(function () {
  "use strict";
  var el = document.getElementById("execution-chart");
  var data = document.getElementById("execution-data");
  if (!el || !data || typeof echarts === "undefined") {
    return;
  }
  var figures = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    grid: { left: 64, right: 24, top: 8, bottom: 24 },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: figures.regions },
    series: [{ type: "bar", data: figures.rates.map(Number), label: { show: true, position: "right", formatter: "{c}%" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
