/* Minkao stage console: the parts of the page around the stage panel, drawn from the state.
 *
 * Every function here rebuilds its part from the newest snapshot; nothing is kept between calls.
 */
(function () {
  "use strict";

  var MC = window.MC;
  var t = MC.t;
  var el = MC.el;

  MC.renderHeader = function (state) {
    var status = state.meeting.status;
    var pill = MC.$("meeting-status");
    pill.textContent = t.status[status] || status;
    pill.className = "pill pill-" + status;
    document.body.setAttribute("data-status", status);
    document.body.setAttribute("data-stage", state.round ? state.round.stage : "none");
  };

  MC.renderRoundHead = function (state) {
    var rnd = state.round;
    var planned = state.meeting.rounds_planned;
    MC.$("round-no").textContent = rnd ? (planned ? MC.fmt(t.round_of, { n: rnd.number, total: planned })
      : MC.fmt(t.round_n, { n: rnd.number })) : t.no_round;
    var chip = MC.$("stage-chip");
    chip.textContent = rnd ? (MC.labels.stages[rnd.stage] || MC.pair(rnd.stage_label)) : "";
    chip.hidden = !rnd;
    chip.className = "stage-chip stage-" + (rnd ? rnd.stage : "none");
    MC.$("round-kind").textContent = rnd ? (t.kind[rnd.kind] || rnd.kind) : "";
    MC.$("scene-now").textContent = MC.fmt(t.scene_now, { scene: t.scenes[state.scene] || state.scene });
    MC.$("scene-now").className = "scene-now scene-" + state.scene;
    var disc = MC.$("discrepancy");
    disc.hidden = !(rnd && rnd.discrepancy);
    disc.textContent = rnd && rnd.discrepancy ? "⚠ " + t.verify.discrepancy : "";
  };

  MC.renderSubject = function (state) {
    var box = MC.$("subject");
    var rnd = state.round;
    var c = rnd && rnd.cadre;
    var q = rnd && rnd.question;
    if (c) {
      MC.replace(box, [
        el("div", { class: "subject-no" }, [el("small", { text: t.drawn }), el("span", { text: MC.cadreNo(c.number) })]),
        el("div", { class: "subject-main" }, [
          el("div", { class: "subject-name", text: c.name }),
          el("div", { class: "subject-line", text: [c.position, c.unit].filter(Boolean).join(" · ") }),
          el("div", { class: "subject-line muted", text: c.township || "" })
        ])
      ]);
    } else if (q) {
      MC.replace(box, [
        el("div", { class: "subject-no subject-q" }, [el("small", { text: t.kind.question }), el("span", { text: "问" })]),
        el("div", { class: "subject-main" }, [
          el("div", { class: "subject-name", text: q.department_head }),
          el("div", { class: "subject-line", text: q.unit || "" }),
          el("div", { class: "subject-demand" }, [el("b", { text: t.question.demand + "：" }), q.demand])
        ])
      ]);
    }
    box.hidden = !(c || q);
  };

  MC.renderScenes = function (state) {
    Array.prototype.forEach.call(document.querySelectorAll(".scene-btn"), function (b) {
      var on = b.getAttribute("data-scene") === state.scene;
      b.classList.toggle("is-on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  };

  MC.jurorTiles = function (state, big) {
    return (state.jurors || []).map(function (j) {
      return el("li", { class: "juror" + (j.submitted ? " is-in" : "") + (big ? " juror-big" : ""),
                        "data-seat": j.seat, "data-submitted": j.submitted ? "1" : "0" }, [
        el("span", { class: "juror-seat", text: j.seat }),
        el("span", { class: "juror-name", text: j.name }),
        big ? el("span", { class: "juror-cat", text: MC.labels.categories[j.category] || j.category || "" }) : null,
        el("span", { class: "juror-mark", text: j.submitted ? "✓ " + t.submitted : t.waiting })
      ]);
    });
  };

  MC.renderJurors = function (state) {
    var rnd = state.round;
    var p = rnd ? rnd.progress : { submitted: 0, expected: (state.jurors || []).length };
    MC.$("jurors-count").textContent = p.submitted + " / " + p.expected + " · " + MC.fmt(t.quorum, { n: state.quorum });
    MC.replace(MC.$("jurors"), MC.jurorTiles(state, false));
  };

  MC.renderFacts = function (state) {
    var commitment = state.meeting.commitment;
    var c = MC.$("fact-commitment");
    c.textContent = MC.shortHash(commitment);
    c.title = commitment || "";
    var entropy = state.entropy;
    MC.$("fact-entropy").textContent = entropy && entropy.canonical ? entropy.canonical : t.not_yet;
    var draws = (state.draw && state.draw.draws) || [];
    MC.replace(MC.$("draw-history"), draws.map(function (d) {
      return el("li", { class: d.skipped ? "is-skipped" : "" }, [
        el("span", { class: "dh-n", text: "#" + d.draw }),
        el("span", { class: "dh-no", text: MC.cadreNo(d.cadre_number) }),
        el("span", { class: "dh-name", text: d.cadre_name }),
        d.skipped ? el("span", { class: "dh-skip", text: MC.fmt(t.skipped, { why: d.skip_reason }) }) : null
      ]);
    }));
    var live = state.meeting.status === "live";
    MC.$("close-meeting").hidden = !live;
    MC.$("bundle-link").hidden = !state.meeting.seed_revealed;
  };

  /** The message strip under the top bar: kind "error" stays until dismissed, others fade. */
  var fadeTimer = null;
  var shownAt = null;   // the stage key when the message appeared
  MC.message = function (text, detail, kind) {
    var box = MC.$("msg");
    clearTimeout(fadeTimer);
    if (!text) { box.hidden = true; return; }
    MC.$("msg-text").textContent = text;
    MC.$("msg-detail").textContent = detail || "";
    box.className = "msg msg-" + (kind || "info");
    box.hidden = false;
    shownAt = MC.stageKey ? MC.stageKey() : null;
    fadeTimer = setTimeout(function () { box.hidden = true; }, kind === "error" ? 30000 : 4000);
  };

  /** An error about an earlier moment of the round is stale once the round has moved on. */
  MC.expireMessage = function () {
    var box = MC.$("msg");
    if (!box.hidden && box.classList.contains("msg-error") && shownAt !== MC.stageKey()) { box.hidden = true; }
  };

  /** Connection pill: online/offline and the age of the newest message from the server. */
  MC.renderConnection = function () {
    var live = MC.live;
    var conn = MC.$("conn");
    var online = live && live.connected;
    var age = live ? live.secondsSinceUpdate() : null;
    var stale = online && age !== null && age > 12;
    document.body.classList.toggle("is-offline", !online);
    conn.className = "conn " + (online ? (stale ? "is-stale" : "is-online") : "is-offline");
    MC.$("conn-text").textContent = online ? t.online : (MC.refused ? MC.refused : t.offline);
    MC.$("conn-age").textContent = age === null ? "" : MC.fmt(t.updated_ago, { n: age });
  };
})();
