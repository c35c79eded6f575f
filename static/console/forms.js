/* Minkao stage console: the forms behind the steps that need input (entropy, question round,
 * skip, call record, decision). Each collects exactly the `perform` params of docs/PROTOCOL.md.
 */
import { el, replace } from "../js/dom.js";
import { cadreNo, fmt, phone } from "../js/format.js";
import { labels, store, t } from "./store.js";
import { actionLabel } from "./util.js";
import { openForm } from "./dialogs.js";
import { perform } from "./actions.js";

function val(form, name) {
  var f = form.elements[name];
  return f ? String(f.value || "").trim() : "";
}

function checked(form, name) {
  var f = form.querySelector("input[name='" + name + "']:checked");
  return f ? f.value : null;
}

export function stageKey() {
  var s = store.state;
  return s && s.round ? s.round.id + ":" + s.round.stage + ":" + (s.round.cadre ? s.round.cadre.number : "-") : "none";
}

export function openEntropyForm() {
  openForm("tpl-entropy", {
    key: stageKey(),
    focus: "input[name=value]",
    setup: function (form) {
      var rows = form.querySelector("[data-rows]");
      form.querySelector("[data-add-row]").addEventListener("click", function () {
        var copy = rows.querySelector(".entropy-row").cloneNode(true);
        Array.prototype.forEach.call(copy.querySelectorAll("input"), function (i) { i.value = ""; });
        rows.appendChild(copy);
        copy.querySelector("input[name=label]").focus();
      });
    },
    submit: function (form) {
      var sources = [];
      Array.prototype.forEach.call(form.querySelectorAll(".entropy-row"), function (row) {
        var label = row.querySelector("input[name=label]").value.trim();
        var value = row.querySelector("input[name=value]").value.trim();
        if (value) { sources.push([label || "live", value]); }
      });
      if (!sources.length) { return null; }
      // Entered once only, and the draw depends on it: the moderator reads it back first.
      var shown = sources.map(function (s) { return s[0] + "：" + s[1]; }).join("\n");
      return perform("enter_entropy", { sources: sources }, { confirm: true, confirmText: t.confirm.enter_entropy + "\n\n" + shown });
    }
  });
}

export function openQuestionForm() {
  openForm("tpl-question", {
    key: stageKey(),
    submit: function (form) {
      return perform("start_question", {
        department_head: val(form, "department_head"), unit: val(form, "unit"), demand: val(form, "demand")
      }, { confirm: false });
    }
  });
}

export function openSkipForm(draw) {
  openForm("tpl-skip", {
    key: stageKey(),
    focus: "select[name=reason]",
    setup: function (form) {
      var c = store.state.round.cadre;
      if (c) { form.querySelector("[data-slot=who]").textContent = cadreNo(c.number) + "  " + c.name; }
      // The closed list of the notice; only "other" takes words.
      var other = form.querySelector("[data-slot=other]");
      var sync = function () {
        other.hidden = val(form, "reason") !== "other";
        form.elements.text.required = !other.hidden;
      };
      form.elements.reason.addEventListener("change", sync);
      sync();
    },
    submit: function (form) {
      return perform("skip_cadre", { draw: draw ? draw.draw : null, reason: val(form, "reason"),
                                     text: val(form, "text") }, { confirm: false });
    }
  });
}

/** Skip call-out verification: a reason from the closed list (no default), "other" with words. */
export function openSkipVerificationForm() {
  openForm("tpl-skip-verification", {
    key: stageKey(),
    focus: "select[name=reason]",
    setup: function (form) {
      var other = form.querySelector("[data-slot=other]");
      var sync = function () {
        other.hidden = val(form, "reason") !== "other";
        form.elements.text.required = !other.hidden;
      };
      form.elements.reason.addEventListener("change", sync);
      sync();
    },
    submit: function (form) {
      return perform("skip_verification", { reason: val(form, "reason"), text: val(form, "text") },
                     { confirm: false, doneLabel: actionLabel("skip_verification") });
    }
  });
}

/** household: {code, name, phone, village, demands?} from the moderator snapshot. */
export function openCallForm(household) {
  openForm("tpl-call", {
    key: stageKey(),
    focus: "input[name=outcome]",
    setup: function (form) {
      var who = form.querySelector("[data-slot=who]");
      replace(who, [
        el("div", { class: "call-name", text: household.name + "  ·  " + household.village }),
        el("div", { class: "call-phone", text: phone(household.phone) }),
        el("div", { class: "call-code", text: household.code })
      ]);
      var answers = form.querySelector("[data-answers]");
      Array.prototype.forEach.call(form.querySelectorAll("input[name=outcome]"), function (r) {
        r.addEventListener("change", function () { answers.hidden = checked(form, "outcome") !== "answered"; });
      });
    },
    submit: function (form) {
      var outcome = checked(form, "outcome");
      var params = { household_code: household.code, outcome: outcome, note: val(form, "note") };
      if (household.reason) { params.reason = household.reason; }  // named by the moderator (calls.js)
      if (outcome === "answered") {
        var answers = {};
        var visited = checked(form, "visited");
        var resolved = checked(form, "resolved");
        var sat = checked(form, "satisfaction");
        if (visited) { answers.visited = visited; }
        if (resolved) { answers.resolved = resolved; }
        if (sat) { answers.satisfaction = parseInt(sat, 10); }
        params.answers = answers;
      }
      return perform("record_call", params, { confirm: false, doneLabel: actionLabel("record_call") });
    }
  });
}

function decisionDetail(form, kind) {
  if (kind === "pass") {
    var note = val(form, "pass_note");
    return note ? { note: note } : {};
  }
  if (kind === "rectification") {
    var items = val(form, "items").split(/\n+/).map(function (s) { return s.trim(); }).filter(Boolean);
    return { items: items, deadline: val(form, "deadline"), responsible: val(form, "responsible") };
  }
  if (kind === "investigation") {
    var team = [];
    Array.prototype.forEach.call(form.querySelectorAll(".team-row"), function (row) {
      var name = row.querySelector("input[name=member_name]").value.trim();
      if (name) { team.push({ name: name, role: row.querySelector("select[name=member_role]").value }); }
    });
    var detail = { reason: val(form, "inv_reason"), team: team };
    if (val(form, "report_by")) { detail.report_by = val(form, "report_by"); }
    return detail;
  }
  return { reason: val(form, "dis_reason") };
}

function showKind(form, kind) {
  Array.prototype.forEach.call(form.querySelectorAll("[data-kind]"), function (section) {
    var on = section.getAttribute("data-kind") === kind;
    section.hidden = !on;
    Array.prototype.forEach.call(section.querySelectorAll("[data-required]"), function (f) { f.required = on; });
  });
}

export function openDecisionForm() {
  openForm("tpl-decision", {
    key: stageKey(),
    focus: "input[name=kind]",
    setup: function (form) {
      Array.prototype.forEach.call(form.querySelectorAll("input[name=kind]"), function (r) {
        r.addEventListener("change", function () { showKind(form, checked(form, "kind")); });
      });
      var team = form.querySelector("[data-team]");
      form.querySelector("[data-add-member]").addEventListener("click", function () {
        var copy = team.querySelector(".team-row").cloneNode(true);
        copy.querySelector("input").value = "";
        team.appendChild(copy);
        copy.querySelector("input").focus();
      });
      var deadline = form.elements.deadline;
      if (deadline) { deadline.min = new Date(store.live.serverNow()).toISOString().slice(0, 10); }
    },
    submit: function (form) {
      var kind = checked(form, "kind");
      var label = labels.decisions[kind] || kind;
      return perform("record_decision", { kind: kind, detail: decisionDetail(form, kind) }, {
        confirmText: t.confirm.record_decision + "\n\n" + label, doneLabel: label
      });
    }
  });
}
