/* Formatting shared by every page: the {name} template filler, the cadre number, the clock,
 * stage names and juror labels. Translated words come from the page's JSON string blocks. */
import { lang, pageStrings } from "./config.js";

/** fmt("Round {n} of {total}", {n: 1, total: 5}); unknown placeholders stay as they are. */
export function fmt(template, values) {
  return String(template === null || template === undefined ? "" : template).replace(/\{(\w+)\}/g, (m, k) =>
    values && Object.prototype.hasOwnProperty.call(values, k) && values[k] !== undefined ? String(values[k]) : m);
}

/** Left-pad a number with zeros to `width` digits. */
export function pad(n, width) {
  let s = String(n);
  while (s.length < width) { s = "0" + s; }
  return s;
}

/** The cadre number as printed on the roster: four digits (0261). */
export function cadreDigits(n) {
  return n === null || n === undefined || n === "" ? "" : pad(n, 4);
}

/** The one cadre number format of every page: "0261号" in Chinese, "No. 0261" in English. */
export function cadreNo(n) {
  if (n === null || n === undefined || n === "") { return ""; }
  return fmt(pageStrings.cadre_no || "No. {n}", { n: cadreDigits(n) });
}

/** The words around the number in cadreNo, as [before, after] (for the draw reels). */
export function cadreAffixes() {
  const parts = String(pageStrings.cadre_no || "No. {n}").split("{n}");
  return [parts[0] || "", parts[1] || ""];
}

/** Milliseconds → "m:ss", whole seconds rounded up; a negative time is shown by its size. */
export function clock(ms) {
  const s = Math.ceil(Math.abs(ms) / 1000);
  return Math.floor(s / 60) + ":" + pad(s % 60, 2);
}

/** Pick from a [zh, en] pair, or an object with label_zh / label_en (grade bands). */
export function pick(pair) {
  if (!pair) { return ""; }
  if (Array.isArray(pair)) { return (lang === "en" ? pair[1] : pair[0]) || pair[0] || pair[1] || ""; }
  return (lang === "en" ? pair.label_en : pair.label_zh) || pair.label_zh || pair.label_en || pair.label || pair.key || "";
}

/** A stage's name by its code (the page's string table), else the snapshot's old stage_label. */
export function stageName(round) {
  if (!round) { return ""; }
  const names = pageStrings.stages || {};
  return names[round.stage] || pick(round.stage_label) || round.stage || "";
}

/** "Juror {n}" for a seat number, in the page's language. */
export function jurorSeat(seat) {
  return fmt(pageStrings.juror_n || "Juror {n}", { n: seat });
}

/**
 * How a juror or ballot entry is named: its `name` when the snapshot carries one (names shown),
 * else "Juror {seat}". An older snapshot's `label` ("评委N" or the name) is still understood.
 */
export function jurorLabel(entry) {
  if (!entry) { return ""; }
  // Anonymous seats: a score's place in the shuffled public order, never a seat ("Score {n}").
  if (entry.position !== undefined && entry.position !== null) { return fmt(pageStrings.score_n || "Score {n}", { n: entry.position }); }
  if (entry.name) { return entry.name; }
  if (entry.label !== undefined && entry.label !== null) {
    const m = /^\u8bc4\u59d4(\d+)$/.exec(entry.label);
    return m ? jurorSeat(m[1]) : entry.label;
  }
  return entry.seat !== undefined && entry.seat !== null ? jurorSeat(entry.seat) : "";
}

/** "a1b2c3d4e5…" → ["a1b2c3d4", "e5…"] for a readable, checkable hash. */
export function hexBlocks(hex) {
  const out = [];
  hex = hex || "";
  for (let i = 0; i < hex.length; i += 8) { out.push(hex.slice(i, i + 8)); }
  return out;
}

/** A mobile number grouped 3-4-4 for dialling (138 1234 5678); other numbers unchanged. */
export function phone(raw) {
  if (!raw) { return "—"; }
  const digits = String(raw).replace(/\s+/g, "");
  return /^\d{11}$/.test(digits) ? digits.slice(0, 3) + " " + digits.slice(3, 7) + " " + digits.slice(7) : String(raw);
}
