/* Juror tablet: the page's configuration and strings (JSON data blocks of
 * templates/juror/tablet.html) and the tablet's state between snapshots.
 *
 * Nothing runs at import time but reading the data blocks, so a test (or staff debugging on the
 * tablet) may import this module to look at `app.live` and `app.outbox`. */
import { readJson } from "../js/config.js";

export const cfg = readJson("juror-config");
export const t = readJson("juror-i18n");
export const lang = cfg.lang;

export const app = {
  live: null, outbox: null, state: null, rubric: null, update: null, roundId: null, picks: {},
  receipt: null,   // {round_id, version, total, scores}: confirmed by the server
  error: null,     // text of the last refusal
  everConnected: false, pin: null, bannerTimer: null, tick: 0
};
