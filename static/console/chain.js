/* Minkao stage console: the chain alarm. When the server found that the meeting's event log does
 * not verify (at start-up, before the reveal, or by `verify-log`), the meeting is stopped and the
 * state carries `chain_alarm: {seq, problem}`; this banner says so until the alarm is cleared. */
import { $ } from "../js/dom.js";
import { fmt } from "../js/format.js";

export function renderChainAlarm(state) {
  var alarm = state.chain_alarm;
  var node = $("chain-alarm");
  if (!node) { return; }
  node.hidden = !alarm;
  document.body.toggleAttribute("data-chain-alarm", !!alarm);
  if (alarm) {
    var text = $("chain-alarm-text");
    text.textContent = fmt(text.getAttribute("data-template") || "{seq}", { seq: alarm.seq });
    node.setAttribute("data-problem", alarm.problem || "");
  }
}
