// Charts page: draws the two charts from the numbers the server put in <script id="chart-data">
// (Django's json_script, so no user data is ever written into JavaScript source).
(function () {
  "use strict";

  // Tooltips drawn on the canvas (rich text), not as HTML with style attributes, which the page's
  // Content-Security-Policy (style-src without 'unsafe-inline') would refuse.
  var TOOLTIP = { trigger: "axis", renderMode: "richText" };

  function start() {
    var source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var t = JSON.parse(document.getElementById("chart-labels").textContent);
    var charts = [];

    var quarters = document.getElementById("chart-quarters");
    if (quarters) {
      var q = echarts.init(quarters);
      q.setOption({
        tooltip: TOOLTIP,
        legend: { data: [t.rate, t.done, t.pending, t.open, t.overdue] },
        xAxis: { type: "category", data: data.quarters.labels },
        yAxis: [
          { type: "value", name: t.rate_axis, min: 0, max: 100 },
          { type: "value", name: t.count_axis, minInterval: 1 },
        ],
        series: [
          { name: t.done, type: "bar", stack: "n", yAxisIndex: 1, data: data.quarters.done, itemStyle: { color: "#1a7f37" } },
          { name: t.pending, type: "bar", stack: "n", yAxisIndex: 1, data: data.quarters.pending, itemStyle: { color: "#d0d5dd" } },
          { name: t.open, type: "bar", stack: "n", yAxisIndex: 1, data: data.quarters.open, itemStyle: { color: "#84adff" } },
          { name: t.overdue, type: "bar", stack: "n", yAxisIndex: 1, data: data.quarters.overdue, itemStyle: { color: "#b42318" } },
          { name: t.rate, type: "line", yAxisIndex: 0, data: data.quarters.rate, connectNulls: false,
            label: { show: true, formatter: "{c}%" }, itemStyle: { color: "#b3261e" } },
        ],
      });
      charts.push(q);
    }

    var subordinates = document.getElementById("chart-subordinates");
    if (subordinates) {
      var s = echarts.init(subordinates);
      var many = data.subordinates.labels.length > 12;
      var category = { type: "category", data: data.subordinates.labels, axisLabel: { interval: 0, rotate: !many && data.subordinates.labels.length > 6 ? 30 : 0, width: 180, overflow: "truncate" } };
      var amount = { type: "value", minInterval: 1 };
      if (many) {
        // A long list reads better as horizontal bars, one line per organization.
        subordinates.style.height = Math.max(340, 26 * data.subordinates.labels.length) + "px";
        s.resize();
      }
      s.setOption({
        tooltip: Object.assign({ axisPointer: { type: "shadow" } }, TOOLTIP),
        legend: { data: [t.late_open, t.late_done] },
        grid: { containLabel: true, left: 10, right: 20 },
        xAxis: many ? amount : category,
        yAxis: many ? Object.assign({}, category, { inverse: true }) : amount,
        series: [
          { name: t.late_open, type: "bar", stack: "late", data: data.subordinates.overdue, itemStyle: { color: "#b42318" } },
          { name: t.late_done, type: "bar", stack: "late", data: data.subordinates.done_late, itemStyle: { color: "#f79009" } },
        ],
      });
      charts.push(s);
    }

    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
