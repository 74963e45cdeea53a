/* Targets page: the change of energy use and CO2 per unit of GDP against 2020, year by year,
   with the straight path to each 2025 target (dashed) and the targets themselves (marked
   lines). The data come from the json_script block "targets-chart-data" ({categories,
   series: [{name, data, kind: actual|path}], targets: [{name, value}], unit}), so no inline
   script is needed under the CSP; ECharts is the vendored static/vendor/echarts-*.js loaded
   before this file. Values are text (exact decimals) and become numbers only here. */
(function () {
  "use strict";
  var dataEl = document.getElementById("targets-chart-data");
  var el = document.getElementById("targets-chart");
  if (!dataEl || !el || !window.echarts) { return; }
  var spec = JSON.parse(dataEl.textContent);
  var colours = ["#1f5f4a", "#d08c2c"];
  var num = function (v) { return v === null || v === undefined ? null : Number(v); };
  var shown = function (v) { return v === null || v === undefined ? "—" : Number(v).toFixed(2) + " %"; };
  var lowest = Math.min.apply(null, spec.targets.map(function (t) { return Number(t.value); }));
  var chart = echarts.init(el, null, {renderer: "canvas"});
  chart.setOption({
    aria: {enabled: true},
    // richText: drawn on the canvas (the HTML tooltip carries style= attributes, refused by
    // the policy's style-src 'self')
    tooltip: {trigger: "axis", renderMode: "richText", valueFormatter: shown},
    legend: {bottom: 0},
    grid: {left: 8, right: 120, top: 24, bottom: 40, containLabel: true},
    xAxis: {type: "category", boundaryGap: false, data: spec.categories},
    // from below the lowest target to 0 (or above, should an intensity have risen)
    yAxis: {type: "value", axisLabel: {formatter: "{value} %"},
            min: function (v) { return Math.floor(Math.min(v.min, lowest) - 2); },
            max: function (v) { return Math.max(0, Math.ceil(v.max)); }},
    series: spec.series.map(function (s, i) {
      var colour = colours[i % 2];
      var actual = s.kind === "actual";
      var line = {name: s.name, type: "line", data: s.data.map(num), connectNulls: false,
                  symbol: actual ? "circle" : "none", symbolSize: 7,
                  itemStyle: {color: colour},
                  lineStyle: {color: colour, width: actual ? 3 : 1.5, type: actual ? "solid" : "dashed"},
                  label: {show: actual, position: i === 0 ? "top" : "bottom", fontSize: 11, formatter: function (p) { return shown(p.value); }}};
      if (actual && spec.targets[i]) {
        line.markLine = {symbol: "none", silent: true, lineStyle: {color: colour, type: "dotted"},
                         label: {formatter: spec.targets[i].name, position: "end"},
                         data: [{yAxis: num(spec.targets[i].value)}]};
      }
      return line;
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.addEventListener("beforeprint", function () { chart.resize(); });
})();
