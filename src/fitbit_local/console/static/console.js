// fitbit-local console: the only script. It adds rows to the request log as they come (polling the console's own
// JSON) and reads an implicit-grant token from the URL fragment on the tutorial's callback page.
"use strict";

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function logRow(r) {
  const tr = document.createElement("tr");
  tr.dataset.id = r.id;
  tr.dataset.status = r.status;
  tr.append(cell(r.time.slice(11, 23)), cell(r.client_id || ""), cell(r.user_id || ""));
  const request = document.createElement("td");
  const code = document.createElement("code");
  code.textContent = r.method + " " + r.path;
  request.append(code);
  if (r.explanation) {
    const why = document.createElement("p");
    why.className = "explanation";
    why.textContent = r.explanation;
    request.append(why);
  }
  tr.append(request, cell(String(r.status), "status s" + Math.floor(r.status / 100)));
  tr.append(cell(r.latency_ms.toFixed(1)), cell(r.rate_remaining === null ? "" : String(r.rate_remaining)));
  return tr;
}

function followLog(table) {
  const body = table.querySelector("tbody");
  const filters = new URLSearchParams(window.location.search);
  async function poll() {
    filters.set("after", table.dataset.after || "0");
    try {
      const response = await fetch("/console/requests.json?" + filters.toString(), { credentials: "same-origin" });
      if (response.ok) {
        const rows = (await response.json()).requests;
        for (const r of rows.slice().reverse()) {
          body.prepend(logRow(r));
        }
        if (rows.length) table.dataset.after = String(rows[0].id);
        while (body.rows.length > 500) body.deleteRow(-1);
      }
    } catch (e) {
      document.getElementById("live").textContent = "paused: " + e;
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
}

function readFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get("access_token");
  if (!token) return;
  const shown = document.getElementById("fragment-token");
  if (shown) shown.textContent = "access_token=" + token + " (user " + (fragment.get("user_id") || "?") + ", scope " + (fragment.get("scope") || "") + ")";
  const field = document.getElementById("access_token");
  if (field) field.value = token;
}

document.addEventListener("DOMContentLoaded", () => {
  const log = document.getElementById("log");
  if (log) followLog(log);
  readFragment();
});
