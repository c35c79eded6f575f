/* Minkao stage console: call-out verification through a telephony provider (docs/TELEPHONY.md).
 *
 * Used only when the server reports `state.telephony` (a server without the provider layer
 * gets the manual `record_call` form alone). The verifiable draw picks the households
 * (propose_calls); the console dials (place_call), hangs up (hangup_call) and records what the
 * household said (record_answers). The manual one-step `record_call` stays as a fallback.
 */
import { el, replace } from "../js/dom.js";
import { fmt, phone } from "../js/format.js";
import { t } from "./store.js";
import { actionLabel } from "./util.js";
import { confirm, openForm } from "./dialogs.js";
import { openCallForm, stageKey } from "./forms.js";
import { perform } from "./actions.js";
var LIVE = ["queued", "dialling", "ringing", "answered"];
// Outcomes of the line (scoring.stages.CALL_OUTCOMES): one of these lets scoring open.
var OUTCOMES = ["ended", "busy", "no_answer", "failed"];

/** True once a call of the round has an outcome (else opening scoring needs a logged skip). */
export function hasCallOutcome(state) {
  return ((state.round && state.round.calls) || []).some(function (c) { return OUTCOMES.indexOf(c.state) >= 0; });
}

function householdOf(state, code) {
  var rnd = state.round;
  var all = (rnd.picked_households || []).concat(rnd.other_households || []);
  var found = all.filter(function (h) { return h.code === code; })[0];
  if (found) { return found; }
  var call = (rnd.calls || []).filter(function (c) { return c.household.code === code; })[0];
  var h = call ? call.household : { code: code };
  return { code: code, name: h.full_name || h.name || code, phone: h.full_phone || h.phone || "", village: h.village || "" };
}

function who(h) { return [h.name, h.village].filter(Boolean).join(" · "); }

/**
 * The usual next step of call-out verification (the console's primary button), or null when
 * nothing is left to call: answer the call in progress, dial (or record) the plan's next
 * household, or let the draw pick households. {id, label, hint, run}.
 */
export function nextCall(state) {
  var rnd = state.round;
  var calls = rnd.calls || [];
  if (!hasTelephony(state)) {
    var todo = (rnd.picked_households || []).filter(function (h) {
      return !calls.some(function (c) { return c.household.code === h.code; });
    })[0];
    return todo ? { id: "record_call", label: actionLabel("record_call"), hint: who(todo),
                    run: function () { openCallForm(todo); } } : null;
  }
  var live = calls.filter(function (c) { return LIVE.indexOf(c.state) >= 0; }).pop();
  if (live) {
    var talking = householdOf(state, live.household.code);
    return { id: "record_answers", label: t.calls.answers, hint: who(talking),
             run: function () { openAnswersForm(live, talking); } };
  }
  var p = plan(state);
  if (p.next) {
    var h = householdOf(state, p.next);
    if (state.telephony.dials) {
      return { id: "place_call", label: t.calls.dial_next, hint: who(h), run: function () {
        return perform("place_call", {}, { confirm: false, doneLabel: t.calls.dial_next });
      } };
    }
    return { id: "record_call", label: actionLabel("record_call"), hint: who(h), run: function () { openCallForm(h); } };
  }
  var listed = (rnd.picked_households || []).length + (rnd.other_households || []).length;
  if (listed && p.households.length < Math.max(p.needed, 1)) {
    return { id: "propose_calls", label: t.calls.pick, run: function () {
      return perform("propose_calls", {}, { confirm: false, doneLabel: t.calls.pick });
    } };
  }
  return null;
}

export function hasTelephony(state) {
  return !!(state && state.telephony && state.round && state.round.call_plan !== undefined);
}

function plan(state) { return state.round.call_plan || { households: [], needed: 0, per_round: 0, next: null }; }

function lastCall(state, code) {
  var calls = (state.round.calls || []).filter(function (c) { return c.household.code === code; });
  return calls.length ? calls[calls.length - 1] : null;
}

function btn(label, cls, onclick, attrs) {
  var a = { type: "button", class: "btn " + (cls || ""), onclick: function (ev) { ev.currentTarget.blur(); onclick(); } };
  Object.keys(attrs || {}).forEach(function (k) { a[k] = attrs[k]; });
  return el("button", a, [label]);
}

function pickButton(state) {
  var p = plan(state);
  if (p.households.length >= p.needed && p.households.length > 0) { return null; }
  return btn(t.calls.pick, "btn-primary btn-wide", function () {
    perform("propose_calls", {}, { confirm: false, doneLabel: t.calls.pick });
  }, { "data-call-action": "propose_calls" });
}

/** Provider line, the plan's progress and the "pick" / "dial next" buttons. */
export function callsHeader(state) {
  var tel = state.telephony;
  var p = plan(state);
  var reached = p.households.filter(function (h) { return h.status === "reached"; }).length;
  var line = el("div", { class: "tel-line tel-" + (tel.simulated ? "sim" : tel.provider) }, [
    el("span", { class: "tag", text: tel.provider_name || tel.provider }), tel.message || "",
    tel.simulator_url ? el("a", { href: tel.simulator_url, target: "_blank", rel: "noopener", text: " " + t.calls.simulator }) : null
  ]);
  var buttons = el("div", { class: "tel-buttons" }, [
    el("span", { class: "tel-progress", text: fmt(t.calls.progress, { n: reached, total: p.per_round }) }),
    pickButton(state),
    state.round.stage === "verification" && tel.dials && p.next ? btn(t.calls.dial_next, "btn-primary", function () {
      perform("place_call", {}, { confirm: false, doneLabel: t.calls.dial_next });
    }, { "data-call-action": "dial_next" }) : null
  ]);
  return [line, buttons];
}

/**
 * The one state label of a household row: the last call's state once there is a call (answered,
 * busy, …), else where the plan stands (to call); "· backup" for a backup pick. Null off the plan
 * without a call.
 */
export function stateTag(state, code) {
  var entry = plan(state).households.filter(function (h) { return h.code === code; })[0];
  var call = lastCall(state, code);
  var backup = entry && entry.pick === "backup" ? " · " + t.calls.backup : "";
  if (call) {
    return el("span", { class: "tag tag-state tag-call-" + call.state, text: (t.outcome[call.state] || call.state) + backup });
  }
  if (!entry) { return null; }
  return el("span", { class: "tag tag-state tag-plan-" + entry.status, text: (t.calls.status[entry.status] || entry.status) + backup });
}

function reached(state, code) {
  return (state.round.calls || []).some(function (c) { return c.household.code === code && c.state === "ended"; });
}

/** The buttons of one household row during verification. */
export function householdButtons(state, h) {
  var call = lastCall(state, h.code);
  var live = call && LIVE.indexOf(call.state) >= 0;
  var out = [];
  if (live) {
    out.push(btn(t.calls.hangup, "btn-danger-outline", function () {
      perform("hangup_call", { call_id: call.id }, { confirm: false, doneLabel: t.calls.hangup });
    }, { "data-call-action": "hangup" }));
    out.push(btn(t.calls.answers, "btn-answers btn-call", function () { openAnswersForm(call, h); }, { "data-call-action": "answers" }));
    return out;
  }
  var done = reached(state, h.code);
  if (state.telephony.dials) {
    // A household that answered is not dialled again by one tap: a quiet "call again", confirmed.
    out.push(btn(done ? t.calls.redial : t.calls.dial, done ? "btn-quiet btn-call" : "btn-primary btn-call", function () {
      var reason = namedReason(state, h);
      if (reason === null) { return; }
      var params = reason ? { household_code: h.code, reason: reason } : { household_code: h.code };
      var go = function () { return perform("place_call", params, { confirm: false, doneLabel: t.calls.dial }); };
      if (!done) { return go(); }
      return confirm(fmt(t.calls.redial_confirm, { who: who(h) }), t.calls.redial).then(function (yes) { return yes ? go() : null; });
    }, { "data-call-action": done ? "redial" : "dial" }));
  }
  if (call && call.state === "ended") {
    out.push(btn(t.calls.answers, "btn-answers btn-call", function () { openAnswersForm(call, h); }, { "data-call-action": "answers" }));
  }
  if (done) { return out; }   // reached: its answers are edited above, not recorded as a new call
  out.push(btn(t.calls.record_manual, "btn-manual btn-call", function () {
    var reason = namedReason(state, h);
    if (reason !== null) { openCallForm(reason ? Object.assign({}, h, { reason: reason }) : h); }
  }, { "data-call-action": "record_call" }));
  return out;
}

/** Calls follow the draw: a household off the plan is named by the moderator, with a reason
 * (asked here; "" for a pick, null when the moderator gives none: nothing is sent). */
function namedReason(state, h) {
  var onPlan = plan(state).households.some(function (p) { return p.code === h.code; });
  if (onPlan || lastCall(state, h.code)) { return ""; }
  var reason = window.prompt(t.calls.named_reason, "");
  return reason && reason.trim() ? reason.trim() : null;
}

/** A small card for the report stage: pick the households while the cadre speaks. */
export function callsPrepCard(state) {
  if (!hasTelephony(state)) { return null; }
  var picked = state.round.picked_households || [];
  var pick = pickButton(state);
  return el("section", { class: "pcard" }, [
    el("h3", { text: t.verify.picked }),
    picked.length ? el("ol", { class: "prep-list" }, picked.map(function (h) {
      return el("li", {}, [el("b", { text: h.name }), " ", el("span", { class: "muted", text: h.village + " · " + phone(h.phone) })]);
    })) : el("p", { class: "muted", text: t.calls.none_yet }),
    pick ? el("div", { class: "tel-buttons" }, [pick]) : null
  ]);
}

/** record_answers for a provider call: outcome (optional, forward only), answers, note. */
export function openAnswersForm(call, household) {
  openForm("tpl-call", {
    key: stageKey(),
    focus: "input[name=visited]",
    setup: function (form) {
      form.querySelector("h2").textContent = t.calls.answers;
      replace(form.querySelector("[data-slot=who]"), [
        el("div", { class: "call-name", text: household.name + "  ·  " + household.village }),
        el("div", { class: "call-phone", text: phone(household.phone) }),
        el("div", { class: "call-code", text: household.code + " · " + (t.outcome[call.state] || call.state) })
      ]);
      var outcome = form.querySelector("fieldset");
      var answers = form.querySelector("[data-answers]");
      var connected = call.state === "ended" || call.state === "answered";
      Array.prototype.forEach.call(outcome.querySelectorAll("input"), function (r) {
        r.required = false;
        r.addEventListener("change", function () { answers.hidden = r.value !== "answered"; });
      });
      outcome.hidden = connected;
      answers.hidden = !connected;
      var a = call.answers || {};
      ["visited", "resolved", "satisfaction"].forEach(function (k) {
        if (a[k] != null) {
          var input = form.querySelector("input[name=" + k + "][value='" + a[k] + "']");
          if (input) { input.checked = true; }
        }
      });
      if (call.note) { form.elements.note.value = call.note; }
    },
    submit: function (form) {
      var params = { call_id: call.id, note: String(form.elements.note.value || "").trim() };
      var outcome = form.querySelector("input[name=outcome]:checked");
      if (outcome) { params.outcome = outcome.value; }
      var answers = {};
      ["visited", "resolved", "satisfaction"].forEach(function (k) {
        var f = form.querySelector("input[name=" + k + "]:checked");
        if (f) { answers[k] = k === "satisfaction" ? parseInt(f.value, 10) : f.value; }
      });
      var connected = params.outcome ? params.outcome === "answered" : (call.state === "ended" || call.state === "answered");
      if (connected && Object.keys(answers).length) { params.answers = answers; }
      return perform("record_answers", params, { confirm: false, doneLabel: t.calls.answers });
    }
  });
}
