/* The report countdown every page shows: from round.report (seconds, started_at) and server time. */

/** {remainingMs, totalMs, running, over} of a round's report at `nowMs` (server time). */
export function reportTimer(round, nowMs) {
  const rep = (round && round.report) || {};
  const total = (rep.seconds || 0) * 1000;
  if (!rep.started_at) { return { remainingMs: total, totalMs: total, running: false, over: false }; }
  const left = Date.parse(rep.started_at) + total - nowMs;
  return { remainingMs: left, totalMs: total, running: true, over: left <= 0 };
}
