/* Charts for the public screens, drawn with the vendored ECharts (static/vendor/echarts).
 *
 * ECharts is loaded as a classic script and publishes `echarts` on window; this module is the
 * only place that reads it. Without it (not loaded) the charts are simply left out. */
import { jurorLabel, pick } from "../js/format.js";
import { whoText } from "./blocks.js";

var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
var GOLD = "#f4c95d", GREY = "#5d5558", RED = "#e0393e", INK = "#f6efe4";
// Default bands (scoring.aggregate.DEFAULT_BANDS); a custom band key falls back to gold.
var BAND_COLOURS = { excellent: "#f4c95d", qualified: "#5fd08a", basically_qualified: "#f0a04b",
                     unqualified: "#ff5a52" };
var charts = [];

export function bandColour(band) { return BAND_COLOURS[(band && band.key) || ""] || GOLD; }

/** Whether the vendored ECharts is on the page. */
export function hasCharts() { return !!window.echarts; }

function make(node) {
  if (!hasCharts()) { return null; }
  var chart = window.echarts.init(node, null, { renderer: "canvas" });
  charts.push(chart);
  return chart;
}

/** Forget every chart of the previous render (their nodes are gone). */
export function disposeAll() {
  charts.forEach(function (c) { try { c.dispose(); } catch (e) { /* already gone */ } });
  charts = [];
}

/** Ballot totals as bars; dropped ones grey; a line at the final score. `size` scales text. */
export function ballotsChart(node, result, maxScore, size) {
  var chart = make(node);
  if (!chart) { return; }
  var fs = size || 28;
  var ballots = result.ballots || [];
  chart.setOption({
    animationDuration: 900,
    textStyle: { fontFamily: FONT, color: INK },
    grid: { left: fs * 2.6, right: fs * 3.6, top: fs * 1.8, bottom: fs * 2.2 },
    xAxis: { type: "category", data: ballots.map(function (b) { return jurorLabel(b); }),
             axisLabel: { color: INK, fontSize: fs }, axisLine: { lineStyle: { color: "#8a7f80" } }, axisTick: { show: false } },
    yAxis: { type: "value", min: 0, max: maxScore || null, interval: maxScore ? maxScore / 5 : null,
             axisLabel: { color: "#bdb3a9", fontSize: fs * 0.75 }, splitLine: { lineStyle: { color: "rgba(255,255,255,0.08)" } } },
    series: [{
      type: "bar", barWidth: "52%",
      data: ballots.map(function (b) {
        return { value: Number(b.total), itemStyle: { color: b.dropped ? GREY : GOLD, borderRadius: [fs / 4, fs / 4, 0, 0],
                 opacity: b.dropped ? 0.7 : 1 } };
      }),
      label: { show: true, position: "top", color: INK, fontSize: fs, fontWeight: "bold",
               formatter: function (p) { return ballots[p.dataIndex].total; } },
      markLine: { symbol: "none", silent: true, data: [{ yAxis: Number(result.final) }],
                  lineStyle: { color: RED, width: Math.max(2, fs / 8), type: "dashed" },
                  label: { color: RED, fontSize: fs * 0.8, fontWeight: "bold", position: "end", formatter: String(result.final) } }
    }]
  });
}

/** The leaderboard as horizontal bars, best on top, coloured by grade band. */
export function leaderboardChart(node, board, size) {
  var chart = make(node);
  if (!chart) { return; }
  var fs = size || 28;
  var rows = (board || []).slice(0, 12).reverse(), n = rows.length;
  chart.setOption({
    animationDuration: 1000,
    textStyle: { fontFamily: FONT, color: INK },
    grid: { left: 10, right: fs * 3.6, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value", min: 0, max: 100, show: false },
    yAxis: { type: "category", data: rows.map(function (r) { return whoText(r); }),
             axisLabel: { color: INK, fontSize: fs, formatter: function (v, i) { return "{rank|" + (n - i) + "}  " + v; },
                          rich: { rank: { color: GOLD, fontWeight: "bold", fontSize: fs * 1.1, width: fs * 1.2, align: "right" } } },
             axisLine: { show: false }, axisTick: { show: false } },
    series: [{
      type: "bar", barWidth: "58%", barMaxWidth: fs * 2.2,
      data: rows.map(function (r) {
        return { value: Number(r.final), itemStyle: { color: bandColour(r.band), borderRadius: [0, fs / 4, fs / 4, 0] } };
      }),
      label: { show: true, position: "right", color: INK, fontSize: fs, fontWeight: "bold",
               formatter: function (p) { var r = rows[p.dataIndex]; return r.final + "  " + pick(r.band); } },
      showBackground: true, backgroundStyle: { color: "rgba(255,255,255,0.05)" }
    }]
  });
}

export function resizeAll() { charts.forEach(function (c) { c.resize(); }); }

window.addEventListener("resize", resizeAll);
