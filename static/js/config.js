/* Configuration and strings reach every page as JSON data blocks
 * (<script type="application/json" id="…">), never as inline code: a Content-Security-Policy
 * can forbid inline scripts. */

/** The parsed JSON of the data block with this id, or `fallback` when it is missing or bad. */
export function readJson(id, fallback = {}) {
  const node = document.getElementById(id);
  if (!node) { return fallback; }
  try { return JSON.parse(node.textContent); } catch (e) { return fallback; }
}

/** The page's language as the scripts use it: "en" or "zh" (from <html lang>). */
export const lang = /^en/i.test(document.documentElement.lang || "") ? "en" : "zh";

/** Strings every page shares (templates/_page_strings.html): cadre number, juror, stage names. */
export const pageStrings = readJson("page-strings");
