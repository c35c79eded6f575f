/* Minkao stage console: the page's configuration and strings (JSON data blocks of
 * templates/console/console.html) and the little state the console keeps between renders.
 *
 * Nothing here runs at import time but reading the data blocks, so a test may import this module
 * to look at `store` (the newest snapshot, the live client) without touching the page. */
import { readJson } from "../js/config.js";

export const cfg = readJson("console-config");
export const t = readJson("console-i18n");
export const labels = cfg.labels || { stages: {}, actions: {}, decisions: {}, roles: {}, categories: {}, skip_reasons: {} };

/** state: the newest snapshot; live: the Live client; busy: a request is out; refused: why the log-in failed;
 * presence: the newest juror `presence` message. */
export const store = { state: null, live: null, busy: false, refused: null, currentActions: [], presence: null };
