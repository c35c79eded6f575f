/* Minkao public screens: DOM blocks shared by the projector and the viewer.
 *
 * Each function builds a fresh node from public snapshot data; the screen's stylesheet sizes
 * it (projector: readable from the back of a hall; viewer: a phone column).
 */
(function () {
  "use strict";

  var S = window.MinkaoScreens, el = S.el, t = S.t;

  function field(label, value, cls) {
    if (!value && value !== 0) { return null; }
    return el("div", "field " + (cls || ""), null, [el("span", "field-label", label), el("span", "field-value", value)]);
  }

  /** The drawn cadre: number badge, name, position, unit, township. */
  function cadreCard(cadre) {
    return el("section", "card cadre-card", null, [
      el("div", "cadre-no", S.cadreNo(cadre.number)),
      el("div", "cadre-main", null, [
        el("div", "cadre-name", cadre.name),
        el("div", "cadre-position", cadre.position),
        el("div", "cadre-unit", [cadre.unit, cadre.township].filter(Boolean).join(" · "))
      ])
    ]);
  }

  /** A question round: the department head called up and the public demand to answer. */
  function questionCard(q) {
    q = q || {};
    return el("section", "card question-card", null, [
      el("div", "question-kicker", t("Called to answer")),
      el("div", "question-head", q.department_head),
      el("div", "question-unit", q.unit),
      el("blockquote", "question-demand", q.demand)
    ]);
  }

  /** The subject of a round, whichever kind it is (or null before the draw). */
  function subject(round) {
    if (!round) { return null; }
    if (round.kind === "question") { return questionCard(round.question); }
    return round.cadre ? cadreCard(round.cadre) : null;
  }

  /** A report countdown; `tick(node, now)` keeps it current between snapshots. */
  function timer(round) {
    var node = el("section", "timer", null, [
      el("div", "timer-label", t("Report time")),
      el("div", "timer-clock", ""),
      el("div", "timer-bar", null, [el("div", "timer-fill")]),
      el("div", "timer-note", "")
    ]);
    node.setAttribute("data-countdown", "1");
    node._round = round;
    return node;
  }

  function tick(root, nowMs) {
    var nodes = root.querySelectorAll("[data-countdown]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i], tm = S.reportTimer(node._round, nowMs);
      var clockNode = node.querySelector(".timer-clock");
      clockNode.textContent = tm.over ? "+" + S.clock(-tm.remainingMs) : S.clock(tm.remainingMs);
      node.classList.toggle("over", tm.over);
      node.classList.toggle("low", !tm.over && tm.running && tm.remainingMs <= 60000);
      node.querySelector(".timer-fill").style.width =
        (tm.totalMs ? Math.max(0, Math.min(1, tm.remainingMs / tm.totalMs)) * 100 : 0) + "%";
      node.querySelector(".timer-note").textContent =
        tm.over ? t("Time is up") : (tm.running ? "" : t("Waiting to start"));
    }
  }

  function callCard(call) {
    var st = S.callState(call.state), h = call.household || {};
    var answers = S.answerRows(call.answers).map(function (row) {
      return el("div", "answer " + (row[2] || ""), null, [el("span", "answer-label", row[0]), el("span", "answer-value", row[1])]);
    });
    var card = el("article", "call-card call-" + st.cls, null, [
      el("div", "call-head", null, [
        el("span", "call-icon", st.icon),
        el("span", "call-state", st.label),
        call.pick === "manual" ? el("span", "call-pick", t("Added by the moderator")) : null
      ]),
      el("div", "call-village", h.village),
      el("div", "call-who", null, [el("span", "call-name", h.name), el("span", "call-phone", h.phone)]),
      answers.length ? el("div", "call-answers", null, answers) : null
    ]);
    card.setAttribute("data-call", String(call.id));
    return card;
  }

  function discrepancyBanner() {
    var b = el("div", "banner banner-alarm", null, [
      el("span", "banner-icon", "!"),
      el("span", "banner-text", t("A household's answer contradicts the report"))
    ]);
    b.setAttribute("role", "alert");
    return b;
  }

  /** Call-out verification: the cards of every call so far, plus the discrepancy banner. */
  function calls(round) {
    var list = round.calls || [];
    var wrap = el("section", "calls", null, [round.discrepancy ? discrepancyBanner() : null]);
    if (!list.length) {
      wrap.appendChild(el("div", "calls-empty", t("Dialling the households…")));
      return wrap;
    }
    wrap.appendChild(el("div", "call-grid n" + Math.min(list.length, 6), null, list.map(callCard)));
    return wrap;
  }

  /** Scoring progress: "n / m" and one dot per juror (who submitted is never shown). */
  function progress(round) {
    var p = round.progress || { submitted: 0, expected: 0 };
    var dots = [];
    for (var i = 0; i < p.expected; i++) { dots.push(el("span", "dot" + (i < p.submitted ? " on" : ""))); }
    var closed = round.stage === "scoring_closed";
    var node = el("section", "progress" + (closed ? " closed" : ""), null, [
      el("div", "progress-label", closed ? t("Scoring closed — the result follows") : t("The jury is scoring")),
      el("div", "progress-count", null, [
        el("span", "progress-n", p.submitted), el("span", "progress-sep", "/"), el("span", "progress-m", p.expected)
      ]),
      el("div", "progress-dots", null, dots),
      el("div", "progress-note", t("ballots received"))
    ]);
    node.setAttribute("data-progress", p.submitted + "/" + p.expected);
    return node;
  }

  /** Final score, grade band and rule, big. */
  function finalScore(result) {
    var band = result.band || {};
    var node = el("section", "final band-" + (band.key || "none"), null, [
      el("div", "final-label", t("Final score")),
      el("div", "final-score", result.final),
      el("div", "final-band", S.pick(band)),
      el("div", "final-rule", S.ruleText(result.rule_applied))
    ]);
    node.setAttribute("data-final", result.final);
    return node;
  }

  /** Each juror's total; the dropped highest and lowest are struck through. */
  function ballots(result) {
    return el("section", "ballots", null, (result.ballots || []).map(function (b) {
      var tag = b.dropped === "high" ? t("Highest, dropped") : (b.dropped === "low" ? t("Lowest, dropped") : "");
      var card = el("div", "ballot" + (b.dropped ? " dropped" : "") + (b.outlier ? " outlier" : ""), null, [
        el("div", "ballot-label", S.jurorLabel(b.label)),
        el(b.dropped ? "s" : "div", "ballot-total", b.total),
        el("div", "ballot-tag", tag)
      ]);
      if (b.dropped) { card.setAttribute("data-dropped", b.dropped); }
      return card;
    }));
  }

  function decisionDetail(d) {
    var x = d.detail || {}, out = [];
    if (d.kind === "rectification") {
      out.push(el("ol", "decision-items", null, (x.items || []).map(function (it) { return el("li", null, it); })));
      out.push(field(t("Deadline"), x.deadline));
      out.push(field(t("Responsible"), x.responsible));
    } else if (d.kind === "investigation") {
      out.push(field(t("Reason"), x.reason));
      var team = (x.team || x.members || []).map(function (m) {
        return el("li", null, null, [el("span", "member-name", m.name), el("span", "member-role", S.roleLabel(m.role))]);
      });
      if (team.length) { out.push(el("div", "field", null, [el("span", "field-label", t("Team")), el("ul", "team", null, team)])); }
      out.push(field(t("Report by"), x.report_by));
    } else if (d.kind === "discipline") {
      out.push(field(t("Reason"), x.reason));
    }
    out.push(field(t("Note"), x.note));
    return out;
  }

  /** The on-the-spot decisions of a round, newest last. */
  function decisions(list) {
    return el("section", "decisions", null, (list || []).map(function (d) {
      var card = el("article", "decision decision-" + d.kind, null,
        [el("div", "decision-kind", S.decisionLabel(d.kind))].concat(decisionDetail(d)));
      card.setAttribute("data-decision", d.kind);
      return card;
    }));
  }

  function whoText(row) {
    var w = row.who || {};
    return (w.number !== null && w.number !== undefined ? S.cadreNo(w.number) + " " : "") + (w.name || "");
  }

  /** Leaderboard rows: rank, who, unit, final score, band. */
  function leaderboardTable(board, limit) {
    var rows = (board || []).slice(0, limit || 50).map(function (row, i) {
      var tr = el("tr", "band-" + ((row.band && row.band.key) || "none"), null, [
        el("td", "lb-rank", i + 1), el("td", "lb-who", whoText(row)), el("td", "lb-unit", (row.who || {}).unit),
        el("td", "lb-final", row.final), el("td", "lb-band", S.pick(row.band))
      ]);
      return tr;
    });
    var head = el("tr", null, null, [el("th", null, "#"), el("th", null, t("Who")), el("th", null, t("Unit")),
      el("th", null, t("Score")), el("th", null, t("Grade"))]);
    if (!rows.length) { return el("div", "lb-empty", t("No results yet")); }
    return el("table", "leaderboard", null, [el("thead", null, null, [head]), el("tbody", null, null, rows)]);
  }

  /** Commitment and roster hash in blocks of 8 hex digits, as printed on the notice. */
  function hashes(meeting) {
    function hashRow(label, hex) {
      if (!hex) { return null; }
      return el("div", "hash-row", null, [el("div", "hash-label", label),
        el("div", "hash", null, S.hexBlocks(hex).map(function (b) { return el("span", "hex", b); }))]);
    }
    return el("section", "hashes", null, [
      hashRow(t("Draw commitment (SHA-256)"), meeting.commitment),
      hashRow(t("Roster hash (SHA-256)"), meeting.roster_hash)
    ]);
  }

  function entropy(ent) {
    if (!ent || !ent.sources || !ent.sources.length) {
      return el("section", "entropy pending", null, [el("div", "hash-label", t("Live entropy")),
        el("div", "entropy-wait", t("Entered on stage before the first draw"))]);
    }
    return el("section", "entropy", null, [el("div", "hash-label", t("Live entropy"))].concat(
      ent.sources.map(function (s) { return el("div", "entropy-row", null, [el("span", "entropy-k", s.label), el("span", "entropy-v", s.value)]); })));
  }

  window.MinkaoBlocks = {
    cadreCard: cadreCard, questionCard: questionCard, subject: subject, timer: timer, tick: tick,
    calls: calls, progress: progress, finalScore: finalScore, ballots: ballots, decisions: decisions,
    leaderboardTable: leaderboardTable, hashes: hashes, entropy: entropy, whoText: whoText, field: field
  };
})();
