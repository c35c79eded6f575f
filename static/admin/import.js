/* The roster import job: poll its JSON status, move the progress bar, reload when it ends
 * (the page then shows one report per file). Configuration comes from #import-config. */
import { readJson } from "../js/config.js";

const POLL_MS = 1000;
const ACTIVE = ["queued", "running", "writing"];
const section = document.getElementById("import-job");
const config = readJson("import-config", null);

function number(n) {
  return Number(n || 0).toLocaleString();
}

function show(job) {
  const bar = document.getElementById("import-progress");
  bar.max = Math.max(job.total_rows || 0, job.rows_read || 0, 1);
  bar.value = job.rows_read || 0;
  const set = (name, text) => {
    const node = section.querySelector(`[data-field="${name}"]`);
    if (node) { node.textContent = text; }
  };
  set("rows_read", number(job.rows_read));
  set("total_rows", number(job.total_rows));
  set("errors_found", number(job.errors_found));
  set("seconds_left", job.seconds_left == null ? "—" : number(job.seconds_left));
  const phase = section.querySelector('[data-field="phase"]');
  if (phase && phase.dataset[job.status]) { phase.textContent = phase.dataset[job.status]; }
  section.dataset.status = job.status;
}

async function poll() {
  try {
    const resp = await fetch(config.status_url, { headers: { Accept: "application/json" } });
    if (resp.ok) {
      const job = await resp.json();
      if (!ACTIVE.includes(job.status)) {
        window.location.reload();
        return;
      }
      show(job);
    }
  } catch (e) {
    /* the server restarting or the network hiccuping: try again */
  }
  window.setTimeout(poll, POLL_MS);
}

if (section && config && config.status_url) {
  window.setTimeout(poll, POLL_MS);
}
