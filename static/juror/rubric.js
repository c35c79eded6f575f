/* Juror tablet: the rubric as touch controls, with exact decimal arithmetic.
 *
 * Scores travel as canonical decimal strings ("28", "8.5"), never as floats: a criterion's
 * choices are min + k*step, computed on integers scaled by 10^places, so 0.1 + 0.2 stays 0.3.
 * A criterion is "picked" by its index k (or null while the juror has not set it).
 */
import { el } from "../js/dom.js";
import { fmt } from "../js/format.js";

var SMALL_RANGE = 11;      // up to this many choices: one big button per value
// Bigger ranges: a two-row keypad. The first row picks a group of GROUP steps (its first value),
// the second row shows every value of that group: any score in at most two taps, low or high alike.
var GROUP = 10;
var MAX_GROUPS = 12;       // beyond GROUP * MAX_GROUPS choices, groups of about sqrt(choices)

function places(text) {
  var i = text.indexOf(".");
  return i < 0 ? 0 : text.length - i - 1;
}

/** "12.5", 2 -> 1250 (text is a plain decimal with at most `d` places). */
export function toScaled(text, d) {
  var neg = text.charAt(0) === "-";
  var parts = (neg ? text.slice(1) : text).split(".");
  var frac = ((parts[1] || "") + new Array(d + 1).join("0")).slice(0, d);
  var n = parseInt(parts[0] + frac, 10);
  return neg ? -n : n;
}

/** 1250, 2 -> "12.5": canonical, no trailing fractional zeros. */
export function fromScaled(n, d) {
  var neg = n < 0;
  var s = String(Math.abs(n));
  if (d > 0) {
    while (s.length <= d) { s = "0" + s; }
    s = (s.slice(0, -d) + "." + s.slice(-d)).replace(/0+$/, "").replace(/\.$/, "");
  }
  return (neg && s !== "0" ? "-" : "") + s;
}

function pow10(n) { return Math.pow(10, n); }

function Criterion(raw, lang) {
  this.key = raw.key;
  this.label = (lang === "en" && raw.label_en) ? raw.label_en : raw.label_zh;
  this.min = raw.min;
  this.max = raw.max;
  this.weight = raw.weight || "1";
  this.d = Math.max(places(raw.min), places(raw.max), places(raw.step));
  this.minI = toScaled(raw.min, this.d);
  this.stepI = toScaled(raw.step, this.d);
  this.choices = Math.round((toScaled(raw.max, this.d) - this.minI) / this.stepI) + 1;
}

Criterion.prototype.value = function (k) { return fromScaled(this.minI + k * this.stepI, this.d); };

/** The index of a score text, or null when it is not one of this criterion's choices. */
Criterion.prototype.indexOf = function (text) {
  if (typeof text === "number") { text = String(text); }
  if (typeof text !== "string" || !/^-?\d+(\.\d+)?$/.test(text) || places(text) > this.d) { return null; }
  var off = toScaled(text, this.d) - this.minI;
  if (off < 0 || off % this.stepI !== 0) { return null; }
  var k = off / this.stepI;
  return k < this.choices ? k : null;
};

/** Steps per keypad group: 10 (tens and units for a 0–30 range), more for very long ranges. */
Criterion.prototype.groupSize = function () {
  if (this.choices <= GROUP * MAX_GROUPS) { return GROUP; }
  return Math.ceil(Math.sqrt(this.choices));
};

export function Rubric(raw, lang) {
  this.signature = JSON.stringify(raw) + "|" + lang;
  this.criteria = raw.map(function (c) { return new Criterion(c, lang); });
}

/** Weighted sum as a decimal string; `pick(c)` gives a criterion's index (null counts as min). */
Rubric.prototype._sum = function (pick) {
  var terms = this.criteria.map(function (c) {
    var k = pick(c);
    var w = c.weight, dw = places(w);
    return { n: toScaled(w, dw) * (c.minI + (k === null ? 0 : k) * c.stepI), d: dw + c.d };
  });
  var D = Math.max.apply(null, terms.map(function (t) { return t.d; }).concat([0]));
  var sum = terms.reduce(function (acc, t) { return acc + t.n * pow10(D - t.d); }, 0);
  return fromScaled(sum, D);
};

Rubric.prototype.total = function (picks) {
  return this._sum(function (c) { return picks[c.key]; });
};

Rubric.prototype.fullMark = function () {
  return this._sum(function (c) { return c.choices - 1; });
};

Rubric.prototype.missing = function (picks) {
  return this.criteria.filter(function (c) { return picks[c.key] === null || picks[c.key] === undefined; }).length;
};

/** Scores to send: {key: "28", ...}. */
Rubric.prototype.scores = function (picks) {
  var out = {};
  this.criteria.forEach(function (c) { out[c.key] = c.value(picks[c.key]); });
  return out;
};

/** Picks from stored scores; criteria not found (or not valid) stay unset. */
Rubric.prototype.picksFrom = function (scores) {
  var out = {};
  this.criteria.forEach(function (c) { out[c.key] = scores ? c.indexOf(scores[c.key]) : null; });
  return out;
};

/**
 * Build one row per criterion inside `container`; `onPick(key, k)` is called on every tap.
 * Returns an updater: update(picks, locked) reflects the picks without rebuilding the DOM.
 */
export function buildControls(container, rubric, t, onPick) {
  container.textContent = "";
  var rows = rubric.criteria.map(function (c, i) {
    var row = el("div", { class: "crit" });
    row.setAttribute("data-key", c.key);
    var head = el("div", { class: "crit-head" });
    head.appendChild(el("span", { class: "crit-no", text: String(i + 1) }));
    var label = el("span", { class: "crit-label", text: c.label });
    label.id = "crit-label-" + c.key;
    head.appendChild(label);
    head.appendChild(el("span", { class: "crit-range", text: fmt(t.range, { min: c.min, max: c.max }) }));
    var shown = el("span", { class: "crit-value" });
    head.appendChild(shown);
    row.appendChild(head);
    var body = el("div", { class: "crit-body" });
    var buttons = [];
    function choice(k, cls) {
      var b = el("button", { class: cls, text: c.value(k) });
      b.type = "button";
      b.setAttribute("data-k", String(k));
      b.addEventListener("click", function () { onPick(c.key, k); });
      buttons.push(b);
      return b;
    }
    if (c.choices <= SMALL_RANGE) {
      row.classList.add("crit-small");
      var strip = el("div", { class: "choices" });
      strip.setAttribute("role", "group");
      strip.setAttribute("aria-labelledby", label.id);
      for (var k = 0; k < c.choices; k++) { strip.appendChild(choice(k, "choice")); }
      body.appendChild(strip);
    } else {
      row.classList.add("crit-big");
      var g = c.groupSize(), groups = Math.ceil(c.choices / g);
      var coarse = el("div", { class: "kp-coarse" });
      coarse.setAttribute("role", "group");
      coarse.setAttribute("aria-labelledby", label.id);
      for (var n = 0; n < groups; n++) {
        var cb = choice(n * g, "kp-group");
        cb.setAttribute("data-group", String(n));
        coarse.appendChild(cb);
      }
      var fine = el("div", { class: "kp-fine" });
      fine.setAttribute("role", "group");
      fine.setAttribute("aria-labelledby", label.id);
      var fines = [];
      for (var j = 0; j < g; j++) {
        var fb = el("button", { class: "kp-step" });
        fb.type = "button";
        fb.addEventListener("click", function () {
          var k = this.getAttribute("data-k");
          if (k !== null && k !== "") { onPick(c.key, parseInt(k, 10)); }
        });
        fines.push(fb);
        fine.appendChild(fb);
      }
      body.appendChild(coarse);
      body.appendChild(fine);
      row._groupSize = g;
      row._group = 0;
      row._coarse = coarse;
      row._fines = fines;
    }
    row.appendChild(body);
    row._pick = null;
    row._shown = shown;
    row._buttons = buttons;
    row._c = c;
    container.appendChild(row);
    return row;
  });

  return function update(picks, locked) {
    rows.forEach(function (row) {
      var c = row._c, k = picks[c.key];
      k = (k === undefined) ? null : k;
      row._pick = k;
      row.classList.toggle("is-set", k !== null);
      row.classList.toggle("is-locked", !!locked);
      var text = k === null ? t.not_scored : c.value(k);
      row._shown.textContent = text;
      row._buttons.forEach(function (b) {
        var on = k !== null && String(k) === b.getAttribute("data-k");
        b.classList.toggle("is-on", on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.disabled = !!locked;
      });
      if (row._fines) { paintFine(row, k, locked); }
    });
  };
}

/** The keypad's second row: every value of the picked value's group (group 0 before a pick). */
function paintFine(row, k, locked) {
  var c = row._c, g = row._groupSize;
  if (k !== null) { row._group = Math.floor(k / g); }
  var first = row._group * g;
  row._coarse.setAttribute("data-open", String(row._group));
  row._fines.forEach(function (b, j) {
    var kk = first + j, real = kk < c.choices;
    // Past the range's end the button keeps its place (invisible), so nothing moves under a finger.
    b.setAttribute("data-k", real ? String(kk) : "");
    b.textContent = real ? c.value(kk) : "";
    b.classList.toggle("is-void", !real);
    var on = real && k === kk;
    b.classList.toggle("is-on", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
    b.disabled = !!locked || !real;
  });
  Array.prototype.forEach.call(row._coarse.children, function (b) {
    var on = k !== null && String(row._group) === b.getAttribute("data-group");
    b.classList.toggle("is-on", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
  });
}
