/* Minkao stage console: the phone-in report (电话述职, docs/TELEPHONY.md "Phone-in report").
 *
 * After the draw the moderator may dial the drawn cadre instead of waiting for them in the
 * hall (dial_cadre); the report starts by itself when the cadre answers. A cadre who cannot be
 * reached is dialled again or skipped ("unreachable"). With a desk phone (manual provider) the
 * moderator says when the cadre answered (record_cadre_call).
 */
import { el } from "../js/dom.js";
import { fmt, phone } from "../js/format.js";
import { t } from "./store.js";
import { perform } from "./actions.js";

var LIVE = ["queued", "dialling", "ringing", "answered"];

function btn(label, cls, attr, onclick) {
  return el("button", { type: "button", class: "btn " + cls, "data-cadre-call": attr,
                        onclick: function (ev) { ev.currentTarget.blur(); onclick(); } }, [label]);
}

function liveCall(rnd) {
  var c = rnd && rnd.cadre_call;
  return c && LIVE.indexOf(c.state) >= 0 ? c : null;
}

/** May the console dial the cadre now? Drawn, in draw or report, telephony known, no live call. */
export function canDialCadre(state) {
  var rnd = state && state.round;
  return !!(rnd && state.telephony && rnd.kind === "cadre" && rnd.cadre &&
            (rnd.stage === "draw" || rnd.stage === "report") && !liveCall(rnd));
}

/** The console's step "report by phone" (computeActions adds it after start_report). */
export function dialCadreItem(state, seconds) {
  if (!canDialCadre(state)) { return null; }
  return { id: "dial_cadre", label: t.phone.dial, hint: t.phone.dial_hint,
           run: function () { return perform("dial_cadre", seconds(), { confirm: false, doneLabel: t.phone.dial }); } };
}

/** "电话述职" / "当面述职" as a tag, once the report has started. */
export function reportModeTag(rnd) {
  if (!rnd || !rnd.report_mode) { return null; }
  return el("span", { class: "tag tag-mode-" + rnd.report_mode, "data-report-mode": rnd.report_mode,
                      text: t.phone.mode[rnd.report_mode] || rnd.report_mode });
}

/** The call to the cadre: its state, the masked number, and what the moderator can do now. */
export function cadreCallCard(state) {
  var rnd = state.round;
  var call = rnd && rnd.cadre_call;
  if (!call) { return null; }
  var live = liveCall(rnd);
  var tel = state.telephony || {};
  var buttons = [];
  if (live) {
    buttons.push(btn(t.phone.hangup, "btn-danger-outline", "hangup", function () {
      perform("hangup_call", { call_id: call.id }, { confirm: false, doneLabel: t.phone.hangup });
    }));
    if (call.provider === "manual" && call.state !== "answered") {
      buttons.push(btn(t.phone.answered, "btn-primary", "answered", function () {
        perform("record_cadre_call", { outcome: "answered" }, { confirm: false, doneLabel: t.phone.answered });
      }));
      buttons.push(btn(t.phone.unreachable, "btn", "no_answer", function () {
        perform("record_cadre_call", { outcome: "no_answer" }, { confirm: false, doneLabel: t.phone.unreachable });
      }));
    }
  } else if (rnd.stage === "draw" || rnd.stage === "report") {
    buttons.push(btn(t.phone.redial, "btn-primary", "redial", function () {
      perform("dial_cadre", {}, { confirm: false, doneLabel: t.phone.redial });
    }));
  }
  var failed = !live && call.state !== "ended";
  return el("section", { class: "pcard cadre-call" + (failed ? " is-failed" : ""), "data-cadre-call-state": call.state }, [
    el("h3", { text: t.phone.title }),
    el("p", {}, [
      el("span", { class: "tag tag-call-" + call.state, text: (t.outcome && t.outcome[call.state]) || call.state }), " ",
      el("span", { class: "muted", text: (call.phone ? phone(call.phone) : "") + (tel.simulated ? " · " + t.phone.simulated : "") }), " ",
      call.attempts > 1 ? el("span", { class: "muted", text: fmt(t.phone.attempts, { n: call.attempts }) }) : null
    ]),
    call.error ? el("p", { class: "call-error", text: call.error }) : null,
    failed && rnd.stage === "draw" ? el("p", { class: "muted", text: t.phone.skip_hint }) : null,
    buttons.length ? el("div", { class: "tel-buttons" }, buttons) : null
  ]);
}
