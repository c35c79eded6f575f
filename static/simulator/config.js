/* Household simulator: the page's configuration and strings (JSON data blocks of
 * templates/simulator/simulator.html). */
import { readJson } from "../js/config.js";

/** callsUrl, actUrl (with /0/ACTION to fill in) and the CSRF token of the signed-in staff member. */
export const cfg = readJson("sim-config");
export const t = readJson("sim-i18n");
