/* Juror tablet: the rubric as touch controls, with exact decimal arithmetic.
 *
 * Scores travel as canonical decimal strings ("28", "8.5"), never as floats: a criterion's
 * choices are min + k*step, computed on integers scaled by 10^places, so 0.1 + 0.2 stays 0.3.
 * A criterion is "picked" by its index k (or null while the juror has not set it).
 */
import { el } from "../js/dom.js";
import { fmt } from "../js/format.js";

  var SMALL_RANGE = 11;      // up to this many choices: one big button per value
var QUICK = [100, 90, 80, 70, 60, 50];   // quick-pick chips for bigger ranges, % of the range

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

/** Quick-pick indexes for a big range: 100 %, 90 %, ... of the way from min to max. */
Criterion.prototype.quickPicks = function () {
  var last = this.choices - 1, seen = {}, out = [];
  QUICK.forEach(function (p) {
    var k = Math.round(last * p / 100);
    if (!seen[k]) { seen[k] = true; out.push(k); }
  });
  return out;
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
    var minus = null, plus = null;
    if (c.choices <= SMALL_RANGE) {
      row.classList.add("crit-small");
      var strip = el("div", { class: "choices" });
      strip.setAttribute("role", "group");
      strip.setAttribute("aria-labelledby", label.id);
      for (var k = 0; k < c.choices; k++) { strip.appendChild(choice(k, "choice")); }
      body.appendChild(strip);
    } else {
      row.classList.add("crit-big");
      var stepper = el("div", { class: "stepper" });
      minus = el("button", { class: "step step-minus", text: "−" });
      plus = el("button", { class: "step step-plus", text: "+" });
      [minus, plus].forEach(function (b) { b.type = "button"; });
      minus.setAttribute("aria-label", c.label + " −");
      plus.setAttribute("aria-label", c.label + " +");
      minus.addEventListener("click", function () {
        var k = row._pick;
        onPick(c.key, k === null ? c.choices - 1 : Math.max(0, k - 1));
      });
      plus.addEventListener("click", function () {
        var k = row._pick;
        onPick(c.key, k === null ? 0 : Math.min(c.choices - 1, k + 1));
      });
      var big = el("span", { class: "step-value" });
      stepper.appendChild(minus);
      stepper.appendChild(big);
      stepper.appendChild(plus);
      body.appendChild(stepper);
      var chips = el("div", { class: "chips" });
      chips.setAttribute("role", "group");
      chips.setAttribute("aria-labelledby", label.id);
      c.quickPicks().reverse().forEach(function (k) { chips.appendChild(choice(k, "chip")); });
      body.appendChild(chips);
      row._big = big;
    }
    row.appendChild(body);
    row._pick = null;
    row._shown = shown;
    row._buttons = buttons;
    row._minus = minus;
    row._plus = plus;
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
      if (row._big) { row._big.textContent = k === null ? "—" : c.value(k); }
      row._buttons.forEach(function (b) {
        var on = k !== null && String(k) === b.getAttribute("data-k");
        b.classList.toggle("is-on", on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.disabled = !!locked;
      });
      if (row._minus) {
        row._minus.disabled = !!locked || k === 0;
        row._plus.disabled = !!locked || k === c.choices - 1;
      }
    });
  };
}
