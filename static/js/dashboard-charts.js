/* Dashboards: a bar chart per panel that has one. The data come from the json_script block
   "dashboard-charts" ({panel key: {categories, series: [{name, data}], unit, max, stack}}), so no
   inline script is needed under the CSP; ECharts is the vendored static/vendor/echarts-*.js
   loaded before this file. Every bar carries its value as a label and the series differ by
   pattern as well as colour (decal), so the chart reads without colour. With "stack": true
   the series of a category make one bar (parts labelled inside, an empty part unlabelled). */
(function () {
  "use strict";
  var dataEl = document.getElementById("dashboard-charts");
  if (!dataEl || !window.echarts) { return; }
  var charts = JSON.parse(dataEl.textContent);
  var colours = ["#1f5f4a", "#d08c2c", "#3b6fb6", "#8a3b5c", "#6b8e23", "#c0504d", "#5f6b7a",
                 "#9b7fd1"];
  var num = function (v) { return v === null || v === undefined ? null : Number(v); };
  // a bar's value as the tables show it: thousands separators, a percent sign for rates
  var shown = function (v, unit) {
    if (v === null || v === undefined) { return "—"; }
    return Number(v).toLocaleString(document.documentElement.lang || "zh-CN") + (unit === "%" ? " %" : "");
  };
  document.querySelectorAll("[data-dashboard-chart]").forEach(function (el) {
    var spec = charts[el.dataset.dashboardChart];
    if (!spec) { return; }
    var unit = spec.unit ? " " + spec.unit : "";
    var many = spec.categories.length > 4;
    // a bar's room, not a fixed box: one county is a short chart, nine statuses a taller one
    var alone = spec.series.filter(function (s) { return s.alone; }).length;
    var rows = spec.categories.length * (spec.stack ? 1 + alone : Math.max(1, spec.series.length));
    el.style.height = Math.max(140, 48 + rows * 22 + (spec.series.length > 1 ? 28 : 0)) + "px";
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption({
      aria: {enabled: true, decal: {show: true}},
      // richText: drawn on the canvas (the HTML tooltip carries style= attributes, refused by
      // the policy's style-src 'self')
      tooltip: {trigger: "axis", renderMode: "richText",
                valueFormatter: function (v) { return shown(v, "") + unit; }},
      legend: spec.series.length > 1 ? {bottom: 0} : {show: false},
      grid: {left: 8, right: 80, top: 16, bottom: spec.series.length > 1 ? 32 : 8, containLabel: true},
      // categories down the side: long names (statuses, counties) stay readable at 390 px
      yAxis: {type: "category", inverse: true, data: spec.categories,
              axisLabel: {width: many ? 110 : 140, overflow: "truncate"}},
      xAxis: {type: "value", min: 0, max: spec.max || null, minInterval: spec.unit === "%" ? 0 : 1,
              // on a phone the value axis is left out: each bar carries its value
              axisLabel: {show: el.clientWidth > 480,
                          formatter: function (v) { return shown(v, spec.unit); }}},
      // a series with "alone": true stands beside the stack (a total to compare it with)
      series: spec.series.map(function (s, i) {
        var stacked = spec.stack && !s.alone;
        return {name: s.name, type: "bar", data: s.data.map(num),
                stack: stacked ? "total" : undefined,
                // a part too narrow for its figure drops the label rather than overprint
                labelLayout: stacked ? {hideOverlap: true} : undefined,
                // the lone bar in a grey of its own: never the colour of a part of the stack
                itemStyle: {color: s.alone ? "#a3acb6" : colours[i % colours.length]},
                label: {show: true, position: stacked ? "inside" : "right", fontSize: 11,
                        color: stacked ? "#fff" : undefined,
                        textBorderColor: stacked ? "#000" : undefined,
                        textBorderWidth: stacked ? 2 : 0,
                        formatter: function (p) {
                          return stacked && !p.value ? "" : shown(p.value, spec.unit);
                        }}};
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  });
})();
