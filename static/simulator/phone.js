/* Household simulator: one phone card built from one call of calls.json (render only).
 *
 * Every text goes in through textContent. The buttons call `act(callId, action, body)`.
 */
import { el } from "../js/dom.js";
import { t } from "./config.js";

function button(label, cls, onclick, attrs) {
  var b = el("button", { class: "btn " + cls, text: label });
  b.type = "button";
  b.addEventListener("click", onclick);
  Object.keys(attrs || {}).forEach(function (k) { b.setAttribute(k, attrs[k]); });
  return b;
}

var KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

function keypad(call, act) {
  return el("div", { class: "keypad" }, KEYS.map(function (k) {
    return button(k, "key", function () { act(call.id, "digits", { digits: k, step: call.step }); },
                  { "data-key": k, "aria-label": t.press + " " + k });
  }));
}

function answersLine(call) {
  var a = call.answers || {}, parts = [];
  ["visited", "resolved", "satisfaction"].forEach(function (k) {
    if (a[k] === undefined || a[k] === null) { return; }
    parts.push((t["q_" + k] || k) + " " + (k === "satisfaction" ? a[k] + "/5" : (t["v_" + a[k]] || a[k])));
  });
  return parts.length ? el("p", { class: "answers", text: t.answers + "：" + parts.join(" · ") }) : null;
}

/** Who the phone belongs to: a household, or the drawn cadre of a phone-in report (no keypad survey). */
function whoLine(call) {
  if (call.cadre) {
    return el("div", { class: "sim-phone-who sim-phone-cadre" }, [el("b", { text: call.cadre.name }),
      el("span", { class: "muted", text: " " + t.cadre + " · " + call.cadre.number })]);
  }
  var h = call.household || {};
  return el("div", { class: "sim-phone-who" }, [el("b", { text: h.name }), el("span", { class: "muted", text: " " + h.village + " · " + h.code })]);
}

/** A phone for one call; `act(callId, action, body)` sends a button. */
export function phone(call, act) {
  var h = call.household || {};
  var live = ["queued", "dialling", "ringing", "answered"].indexOf(call.state) >= 0;
  var kids = [
    el("div", { class: "sim-phone-top" }, [
      el("span", { class: "sim-phone-state state-" + call.state, text: t[call.state] || call.state }),
      el("span", { class: "sim-phone-id", text: "#" + call.id })
    ]),
    whoLine(call),
    el("div", { class: "sim-phone-number", text: call.cadre ? call.cadre.phone : h.phone })
  ];
  if (call.state === "ringing" || call.state === "dialling" || call.state === "queued") {
    kids.push(el("div", { class: "ring", text: t.incoming }));
    kids.push(el("div", { class: "sim-phone-actions" }, [
      button(t.answer, "btn-answer", function () { act(call.id, "answer"); }, { "data-action": "answer" }),
      button(t.decline_busy, "btn-busy", function () { act(call.id, "busy"); }, { "data-action": "busy" }),
      button(t.no_answer_btn, "btn-quiet", function () { act(call.id, "no_answer"); }, { "data-action": "no_answer" })
    ]));
  }
  if (call.state === "answered" && call.prompt) {
    kids.push(el("div", { class: "prompt" }, [el("div", { class: "prompt-label", text: t.you_hear })].concat(
      call.prompt.say.map(function (s) { return el("p", { class: "prompt-text", text: s }); }))));
    if (call.prompt.gather) { kids.push(keypad(call, act)); }
  }
  kids.push(answersLine(call));
  if (call.state === "answered") {
    kids.push(el("div", { class: "sim-phone-actions" }, [
      button(t.hangup, "btn-hangup", function () { act(call.id, "hangup"); }, { "data-action": "hangup" })
    ]));
  }
  var card = el("article", { class: "sim-phone" + (live ? " is-live" : " is-ended") }, kids);
  card.setAttribute("data-call", String(call.id));
  card.setAttribute("data-state", call.state);
  if (call.step) { card.setAttribute("data-step", call.step); }
  return card;
}
