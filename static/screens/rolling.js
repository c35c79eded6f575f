/* The rolling-number draw animation.
 *
 * Server-authoritative: the number is already drawn and known when the spin starts; the spin
 * only reveals it. The reels move on a fixed schedule (no Math.random, no click timing), each
 * easing out to land exactly on its digit, left to right.
 */
import { clear, el } from "../js/dom.js";

/** `minDigits`: reels shown at least (leading zeros), the same for every draw of the meeting. */
export function Rolling(minDigits) {
  // At least the roster's four digits (static/js/format.js cadreDigits): the reels read as the printed number.
  this.minDigits = Math.max(4, minDigits || 0);
  this.node = el("div", { class: "reels" });
  this.node.setAttribute("data-reels", "1");
  this.reels = [];
  this.spinning = false;
  this.target = null;
  this._raf = null;
}

Rolling.prototype._build = function (count) {
  clear(this.node);
  this.reels = [];
  for (var i = 0; i < count; i++) {
    var cur = el("span", { class: "reel-digit" }), nxt = el("span", { class: "reel-digit" });
    var strip = el("span", { class: "reel-strip" }, [cur, nxt]);
    this.node.appendChild(el("span", { class: "reel" }, [strip]));
    this.reels.push({ strip: strip, cur: cur, nxt: nxt });
  }
};

Rolling.prototype._digits = function (number) {
  var s = String(number);
  while (s.length < this.minDigits) { s = "0" + s; }
  return s;
};

/** Dim the leading zeros once landed, so the eye reads 0042 as 42. */
Rolling.prototype._markLeading = function (digits) {
  var leading = true;
  for (var i = 0; i < this.reels.length; i++) {
    leading = leading && digits.charAt(i) === "0" && i < digits.length - 1;
    this.reels[i].cur.parentNode.parentNode.classList.toggle("lead", leading);
  }
};

Rolling.prototype._set = function (reel, pos) {
  var whole = Math.floor(pos), frac = pos - whole;
  reel.cur.textContent = String(whole % 10);
  reel.nxt.textContent = String((whole + 1) % 10);
  reel.strip.style.transform = "translateY(" + (-frac * 50) + "%)";
};

Rolling.prototype._stop = function () {
  if (this._raf) { window.cancelAnimationFrame(this._raf); this._raf = null; }
  this.spinning = false;
  this.node.removeAttribute("data-spinning");
};

/** Placeholders before the draw ("– – –"). */
Rolling.prototype.blank = function (count) {
  this._stop();
  this.target = null;
  this._build(count || this.minDigits);
  this.reels.forEach(function (r) { r.cur.textContent = "–"; r.nxt.textContent = ""; r.strip.style.transform = ""; });
  this.node.removeAttribute("data-landed");
  this.node.classList.remove("landed");
};

/** Show the number at once (a reload or reconnect never replays the animation). */
Rolling.prototype.show = function (number) {
  if (this.spinning && this.target === number) { return; }
  this._stop();
  var digits = this._digits(number);
  if (this.target !== number || this.reels.length !== digits.length) { this._build(digits.length); }
  this.target = number;
  var self = this;
  digits.split("").forEach(function (d, i) { self._set(self.reels[i], Number(d)); });
  this._markLeading(digits);
  this.node.setAttribute("data-landed", String(number));
  this.node.classList.add("landed");
};

/** Spin for about `ms` and land on `number`; `done` runs once it has landed. */
Rolling.prototype.spin = function (number, ms, done) {
  this._stop();
  var digits = this._digits(number).split("").map(Number), self = this;
  this._build(digits.length);
  this.target = number;
  this.spinning = true;
  this.node.removeAttribute("data-landed");
  this.node.classList.remove("landed");
  this.node.setAttribute("data-spinning", "1");
  var n = digits.length, start = null;
  // Reel i turns (4 + i) whole rounds plus its digit, and stops at a fixed share of `ms`.
  var plan = digits.map(function (d, i) {
    return { steps: 10 * (4 + i) + d, stopAt: ms * (0.5 + 0.5 * (i + 1) / n) };
  });
  function frame(ts) {
    if (start === null) { start = ts; }
    var elapsed = ts - start, all = true;
    plan.forEach(function (p, i) {
      var x = Math.min(1, elapsed / p.stopAt);
      var eased = 1 - Math.pow(1 - x, 3);
      self._set(self.reels[i], x >= 1 ? p.steps : p.steps * eased);
      self.reels[i].strip.parentNode.classList.toggle("stopped", x >= 1);
      if (x < 1) { all = false; }
    });
    if (!all) { self._raf = window.requestAnimationFrame(frame); return; }
    self._raf = null;
    self.spinning = false;
    self.node.removeAttribute("data-spinning");
    self._markLeading(self._digits(number));
    self.node.setAttribute("data-landed", String(number));
    self.node.classList.add("landed");
    if (done) { done(); }
  }
  this._raf = window.requestAnimationFrame(frame);
};
