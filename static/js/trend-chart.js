// A line chart of a rate per year with its target line (the work-injury accident rate against
// the cycle's target), drawn by the vendored Apache ECharts from the figures the page carries as
// JSON: every element with class `trend-chart` names, in `data-source`, the id of a JSON element
// {years, rates, targets} whose values are decimal strings or null (no data, no target). The
// table beside each chart has the same numbers, so the page reads without scripts.
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }
  var numbers = function (values) {
    return values.map(function (v) { return v === null ? null : Number(v); });
  };
  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll(".trend-chart"), function (el) {
    var data = document.getElementById(el.getAttribute("data-source"));
    if (!data) {
      return;
    }
    var figures = JSON.parse(data.textContent);
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(2) + "‰"; } },
      legend: { data: ["工伤事故率", "目标"], top: 0 },
      grid: { left: 56, right: 24, top: 36, bottom: 28 },
      xAxis: { type: "category", data: figures.years },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}‰" } },
      series: [
        { name: "工伤事故率", type: "line", data: numbers(figures.rates), connectNulls: false, label: { show: true, formatter: function (p) { return p.value === null ? "" : p.value.toFixed(2); } } },
        { name: "目标", type: "line", data: numbers(figures.targets), lineStyle: { type: "dashed" }, symbol: "none" }
      ]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
