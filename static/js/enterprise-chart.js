/* Enterprise page: emissions (bars) and energy (line) by year. The figures come from the
   json_script block "emission-series", the translated series names from the chart element's
   data-label-* attributes (no inline script: Content-Security-Policy). ECharts is the vendored
   static/vendor/echarts-*.min.js loaded before this file. */
(function () {
  "use strict";
  var el = document.getElementById("emission-chart");
  var dataEl = document.getElementById("emission-series");
  if (!el || !dataEl || !window.echarts) { return; }
  var s = JSON.parse(dataEl.textContent);
  var num = function (v) { return v === null ? null : Number(v); };
  var chart = echarts.init(el);
  chart.setOption({
    // richText: drawn on the canvas; ECharts' HTML tooltip carries style= attributes,
    // which the policy's style-src 'self' refuses
    tooltip: {trigger: "axis", renderMode: "richText"},
    legend: {bottom: 0},
    grid: {left: 8, right: 8, top: 24, bottom: 32, containLabel: true},
    xAxis: {type: "category", data: s.years.map(String)},
    yAxis: [{type: "value", name: "tCO2e"}, {type: "value", name: "tce", splitLine: {show: false}}],
    series: [
      {name: el.dataset.labelEmissions, type: "bar", data: s.emissions.map(num), itemStyle: {color: "#1f5f4a"}},
      {name: el.dataset.labelEnergy, type: "line", yAxisIndex: 1, data: s.energy.map(num), itemStyle: {color: "#d08c2c"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
