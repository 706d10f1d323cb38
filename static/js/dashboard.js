/* The leaders' dashboard: draws the charts from the page's JSON (Django's json_script) with the
 * vendored Apache ECharts. Every drill-down URL is built by the server and carried in the data, so
 * this file knows nothing about the proposal list's query parameters. */
(function () {
  "use strict";

  var RED = "#b71c1c";
  var GOLD = "#c9a227";
  var SLATE = "#64748b";
  var PALETTE = [RED, GOLD, "#475569", "#e57373", "#94a3b8", "#8d6e63", "#7f1d1d", "#d6b656", "#cbd5e1"];
  var FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
  // States by family: closed deep red, in handling reds, before handling golds, stopped greys.
  var STATE_COLORS = {
    closed: "#7f1d1d",
    replied: "#c62828",
    handling: "#e57373",
    assigned: "#f3a5a5",
    rehandling: "#ea580c",
    filed: "#c9a227",
    submitted: "#e9d18a",
    not_filed: "#64748b",
    merged: "#94a3b8",
    converted: "#b8c2cf",
    withdrawn: "#d9dee5",
    draft: "#eeeeee",
  };

  // --- the period selector: choosing a year or a term reloads the page ---------------------------
  function wirePeriodForm() {
    var form = document.getElementById("dashboard-period");
    if (!form) return;
    var year = form.querySelector("select[name=year]");
    var term = form.querySelector("select[name=term]");
    if (year) {
      year.addEventListener("change", function () {
        if (term) term.value = "";
        form.submit();
      });
    }
    if (term) {
      term.addEventListener("change", function () {
        if (year && term.value) year.disabled = true; // a term covers its years; send only the term
        form.submit();
      });
    }
  }

  // --- helpers -----------------------------------------------------------------------------------
  // Every name in the data (units, categories, groups) was typed by someone: whatever a formatter
  // returns is HTML to ECharts, so each one goes through the project's one escape (static/js/app.js).
  var esc = window.cppcc.escapeHtml;

  // "名称：n 件（p%）" for pie slices, optionally under the series name.
  function sliceTooltip(withSeries) {
    return function (p) {
      return (withSeries ? esc(p.seriesName) + "<br>" : "") + esc(p.name) + "：" + esc(p.value) + " 件（" + esc(p.percent) + "%）";
    };
  }

  function base(extra) {
    var option = {
      color: PALETTE,
      textStyle: { fontFamily: FONT, color: "#374151" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    };
    return Object.assign(option, extra || {});
  }

  function axisStyle() {
    return {
      axisLine: { lineStyle: { color: "#d1d5db" } },
      axisTick: { show: false },
      axisLabel: { color: "#6b7280" },
      splitLine: { lineStyle: { color: "#f1f3f7" } },
    };
  }

  // The x axis of a bar chart over names or months; with labelWidth every label is shown, wrapped.
  function categoryAxis(data, labelWidth) {
    var axis = Object.assign({ type: "category", data: data }, axisStyle());
    if (labelWidth) axis.axisLabel = { color: "#6b7280", interval: 0, overflow: "break", width: labelWidth };
    return axis;
  }

  // An axis tooltip over the bars of one data row: format(row) gives its HTML.
  function rowTooltip(rows, format) {
    return {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: function (items) {
        return format(rows[items[0].dataIndex]);
      },
    };
  }

  // The y axis of a chart of counts (whole numbers).
  function countAxis() {
    return Object.assign({ type: "value", minInterval: 1 }, axisStyle());
  }

  function empty(text) {
    return {
      title: {
        text: text || "本期暂无数据",
        left: "center",
        top: "middle",
        textStyle: { color: "#9ca3af", fontSize: 14, fontWeight: "normal", fontFamily: FONT },
      },
    };
  }

  function sum(values) {
    return (values || []).reduce(function (a, b) {
      return a + (b || 0);
    }, 0);
  }

  function pct(value) {
    return value === null || value === undefined || value === "-" ? "—" : value + "%";
  }

  // --- one option builder per chart container (data-chart="…") -----------------------------------
  var builders = {
    monthly_proposals: function (d) {
      if (!sum(d.submitted)) return empty("本期暂无提交的提案");
      return base({
        xAxis: categoryAxis(d.months),
        yAxis: countAxis(),
        series: [
          { name: "提交", type: "bar", data: d.submitted, barMaxWidth: 26, itemStyle: { borderRadius: [3, 3, 0, 0] } },
          {
            name: "其中立案",
            type: "line",
            data: d.filed,
            smooth: true,
            smoothMonotone: "x",
            symbolSize: 6,
            showSymbol: d.months.length <= 24, // a whole term: a line without dots
            itemStyle: { color: GOLD },
          },
        ],
      });
    },

    monthly_activities: function (d) {
      var keys = Object.keys(d.labels);
      var total = keys.reduce(function (n, key) {
        return n + sum(d[key]);
      }, 0);
      if (!total) return empty("本期暂无履职活动");
      return base({
        xAxis: categoryAxis(d.months),
        yAxis: countAxis(),
        series: keys.map(function (key) {
          return { name: d.labels[key], type: "bar", stack: "activities", data: d[key], barMaxWidth: 26 };
        }),
      });
    },

    categories: function (rows) {
      if (!rows.length) return empty("本期暂无提案");
      var item = function (row, value) {
        return { value: value, url: row.url };
      };
      return base({
        xAxis: categoryAxis(rows.map(function (r) { return r.name; }), 72),
        yAxis: countAxis(),
        series: [
          {
            name: "立案",
            type: "bar",
            stack: "category",
            barMaxWidth: 38,
            cursor: "pointer",
            data: rows.map(function (r) { return item(r, r.filed); }),
          },
          {
            name: "未立案、并案等",
            type: "bar",
            stack: "category",
            barMaxWidth: 38,
            cursor: "pointer",
            itemStyle: { color: "#cbd5e1", borderRadius: [3, 3, 0, 0] },
            data: rows.map(function (r) { return item(r, r.submitted - r.filed); }),
          },
        ],
      });
    },

    states: function (rows) {
      if (!rows.length) return empty("本期暂无提案");
      return base({
        tooltip: { trigger: "item", formatter: sliceTooltip(false) },
        legend: { type: "scroll", orient: "vertical", right: 0, top: "middle", itemWidth: 10, itemHeight: 10 },
        series: [
          {
            type: "pie",
            radius: ["42%", "70%"],
            center: ["38%", "52%"],
            cursor: "pointer",
            itemStyle: { borderColor: "#fff", borderWidth: 2 },
            label: { formatter: "{c}", color: "#374151" },
            data: rows.map(function (r) {
              return { name: r.name, value: r.value, url: r.url, itemStyle: { color: STATE_COLORS[r.state] } };
            }),
          },
        ],
      });
    },

    units: function (rows, el) {
      if (!rows.length) return null;
      var visible = parseInt(el.getAttribute("data-visible"), 10) || rows.length;
      var scroll = rows.length > visible;
      var names = rows.map(function (r) { return r.unit; });
      var bar = function (field) {
        return rows.map(function (r) {
          return { value: r[field] === null ? "-" : r[field], url: r.url, due: r.due, onTime: r.on_time };
        });
      };
      var label = { show: true, position: "right", color: "#374151", fontSize: 11, formatter: function (p) { return pct(p.value); } };
      return base({
        tooltip: rowTooltip(rows, function (row) {
          return (
            "<b>" + esc(row.unit) + "</b><br>应答复 " + esc(row.due) + " 件，按时 " + esc(row.on_time) + " 件<br>" +
            "按时答复率 " + pct(row.on_time_rate) + "<br>满意率 " + pct(row.satisfaction_rate)
          );
        }),
        grid: { left: 8, right: scroll ? 64 : 48, top: 36, bottom: 8, containLabel: true },
        dataZoom: scroll
          ? [
              {
                type: "slider",
                yAxisIndex: 0,
                right: 6,
                width: 12,
                startValue: 0,
                endValue: visible - 1,
                showDetail: false,
                brushSelect: false,
                fillerColor: "rgba(183,28,28,.15)",
                borderColor: "#e5e7eb",
                handleStyle: { color: "#b71c1c" },
              },
              { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true, moveOnMouseMove: false },
            ]
          : [],
        xAxis: Object.assign({ type: "value", max: 100, axisLabel: { formatter: "{value}%", color: "#6b7280" } }, {
          splitLine: { lineStyle: { color: "#f1f3f7" } },
        }),
        yAxis: Object.assign({ type: "category", data: names, inverse: true }, axisStyle()),
        series: [
          { name: "按时答复率", type: "bar", data: bar("on_time_rate"), barMaxWidth: 14, cursor: "pointer", label: label, itemStyle: { borderRadius: [0, 3, 3, 0] } },
          { name: "满意率", type: "scatter", data: bar("satisfaction_rate"), symbol: "diamond", symbolSize: 11, cursor: "pointer", itemStyle: { color: GOLD, borderColor: "#fff", borderWidth: 1 }, z: 3 },
        ],
      });
    },

    results: function (d) {
      var results = d.results;
      var satisfaction = d.satisfaction;
      var replied = sum(results.map(function (r) { return r.value; }));
      var judged = sum(satisfaction.map(function (r) { return r.value; }));
      if (!replied && !judged) return empty("本期暂无答复和评价");
      var counts = {};
      results.concat(satisfaction).forEach(function (r) {
        counts[r.name] = r.value;
      });
      var ring = function (name, x, data, colors) {
        return {
          name: name,
          type: "pie",
          radius: ["46%", "66%"],
          center: [x, "46%"],
          color: colors,
          label: { show: false },
          itemStyle: { borderColor: "#fff", borderWidth: 2 },
          data: data,
        };
      };
      // The figure in each ring's middle: the share of A-class results, the satisfaction rate.
      var middle = function (x, value, caption) {
        return {
          left: x,
          top: "36%",
          textAlign: "center",
          text: value,
          subtext: caption,
          itemGap: 2,
          textStyle: { fontSize: 18, fontWeight: "bold", color: "#1f2937", fontFamily: FONT },
          subtextStyle: { fontSize: 11, color: SLATE, fontFamily: FONT },
        };
      };
      var aShare = replied ? Math.round((1000 * counts["A类"]) / replied) / 10 : null;
      return {
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "item", formatter: sliceTooltip(true) },
        legend: {
          bottom: 0,
          itemWidth: 10,
          itemHeight: 10,
          textStyle: { fontSize: 11 },
          formatter: function (name) {
            return name + " " + counts[name];
          },
        },
        title: [middle("25%", pct(aShare), "A类占比"), middle("75%", pct(d.satisfaction_rate), "满意率")],
        series: [
          ring("答复结果", "25%", results, [RED, GOLD, "#94a3b8"]),
          ring("委员评价", "75%", satisfaction, [RED, "#e57373", "#94a3b8"]),
        ],
      };
    },

    participation: function (rows) {
      if (!rows.length) return empty("本期暂无出勤记录");
      return base({
        tooltip: rowTooltip(rows, function (row) {
          return (
            "<b>" + esc(row.label) + "</b><br>参与委员 " + esc(row.members) + " 位<br>参与 " + esc(row.person_times) +
            " 人次<br>出勤率 " + pct(row.attendance_rate)
          );
        }),
        xAxis: categoryAxis(rows.map(function (r) { return r.label; }), 64),
        yAxis: countAxis(),
        series: [
          { name: "人次", type: "bar", barMaxWidth: 28, data: rows.map(function (r) { return r.person_times; }), itemStyle: { borderRadius: [3, 3, 0, 0] } },
          { name: "委员（人）", type: "bar", barMaxWidth: 28, data: rows.map(function (r) { return r.members; }), itemStyle: { color: GOLD, borderRadius: [3, 3, 0, 0] } },
        ],
      });
    },
  };

  // The results chart reads two series from the same payload.
  var sources = {
    results: function (data) {
      return { results: data.results, satisfaction: data.satisfaction, satisfaction_rate: data.satisfaction_rate };
    },
  };

  function draw() {
    var script = document.getElementById("dashboard-data");
    if (!script || !window.echarts) return;
    var data = JSON.parse(script.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      var build = builders[name];
      if (!build) return;
      var payload = sources[name] ? sources[name](data) : data[name];
      var option = build(payload, el);
      if (!option) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      // Drill-down: a bar or a slice carrying a server-built URL opens the filtered list.
      chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) window.location.assign(url);
      });
      // "finished" fires once the entry animation is over: the bars stand where they will stay.
      chart.on("finished", function () {
        el.setAttribute("data-ready", "true");
      });
      charts.push(chart);
    });
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        charts.forEach(function (chart) {
          chart.resize();
        });
      }, 150);
    });
  }

  function start() {
    wirePeriodForm();
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
