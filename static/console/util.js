/* Minkao stage console: small labels and formats of the console alone (the shared ones are in
 * static/js/format.js). */
import { el } from "../js/dom.js";
import { pick } from "../js/format.js";
import { labels } from "./store.js";

/** A grade band's label in the page's language. */
export function bandLabel(band) { return pick(band); }

export function actionLabel(action) { return labels.actions[action] || action; }

/** A short hash for display: first 12 and last 6 hex digits. */
export function shortHash(hex) {
  if (!hex) { return "—"; }
  return hex.length > 24 ? hex.slice(0, 12) + "…" + hex.slice(-6) : hex;
}

/** A keycap element showing a keyboard shortcut. */
export function kbd(key) { return key ? el("kbd", { text: key }) : null; }
