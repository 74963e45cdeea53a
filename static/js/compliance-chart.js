/* Compliance page: bar charts of the compliance rates (%) by county / park and by sector.
   Data and labels come from json_script blocks (no inline script, CSP-safe); ECharts is the
   vendored static/vendor/echarts-*.min.js loaded before this file. */
(function () {
  "use strict";
  var dataEl = document.getElementById("compliance-chart-data");
  var labelsEl = document.getElementById("compliance-chart-labels");
  if (!dataEl || !labelsEl || !window.echarts) { return; }
  var data = JSON.parse(dataEl.textContent);
  var labels = JSON.parse(labelsEl.textContent);
  var num = function (v) { return v === null ? null : Number(v); };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var groups = data[el.dataset.chart] || [];
    var chart = echarts.init(el);
    chart.setOption({
      title: {text: labels[el.dataset.chart], left: "center", textStyle: {fontSize: 13}},
      // richText: drawn on the canvas (the HTML tooltip carries style= attributes, refused by
      // the policy's style-src 'self')
      tooltip: {trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v === null ? "—" : v + " %"; }},
      legend: {bottom: 0},
      grid: {left: 8, right: 8, top: 32, bottom: 32, containLabel: true},
      xAxis: {type: "category", data: groups.map(function (g) { return g.name; }),
              axisLabel: {interval: 0, rotate: groups.length > 4 ? 30 : 0}},
      yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value} %"}},
      series: [
        {name: labels.by_count, type: "bar", data: groups.map(function (g) { return num(g.by_count); }),
         itemStyle: {color: "#1f5f4a"}},
        {name: labels.by_tonnes, type: "bar", data: groups.map(function (g) { return num(g.by_tonnes); }),
         itemStyle: {color: "#d08c2c"}}
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
