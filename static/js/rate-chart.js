// A bar chart of percentages by region (the fee's execution rate, training coverage …), drawn
// by the vendored Apache ECharts from the figures the page carries as JSON: every element with
// class `rate-chart` names, in `data-source`, the id of a JSON element {regions, rates}. The
// table beside each chart has the same numbers, so the page reads without scripts.
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }
  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll(".rate-chart"), function (el) {
    var data = document.getElementById(el.getAttribute("data-source"));
    if (!data) {
      return;
    }
    var figures = JSON.parse(data.textContent);
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 64, right: 40, top: 8, bottom: 24 },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: figures.regions },
      series: [{ type: "bar", data: figures.rates.map(Number), label: { show: true, position: "right", formatter: "{c}%" } }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
