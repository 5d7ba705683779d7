"""The instructor's dashboard page: learners by labs, refreshed from api/dashboard every few seconds."""
from __future__ import annotations

import html

REFRESH_SECONDS = 5
"""How often the page asks for fresh results."""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
thead th { background: #f0f0f0; position: sticky; top: 0; }
td.pass { background: #dff3e3; } td.fail { background: #fbe3e1; } td.none { color: #777; }
tfoot td { font-size: 0.8rem; max-width: 14rem; background: #fafafa; }
small { color: #555; } #status { color: #555; margin: 0.5rem 0 1rem; }
"""

_SCRIPT = """
const REFRESH = %(refresh)d * 1000;
const XSRF = document.querySelector("meta[name=xsrf]").content;
function cell(tag, text, cls) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  el.textContent = text;
  return el;
}
function render(data) {
  const head = document.querySelector("#progress thead tr");
  head.replaceChildren(cell("th", "Learner"), ...data.labs.map(lab => cell("th", lab)));
  const body = document.querySelector("#progress tbody");
  body.replaceChildren(...data.learners.map(learner => {
    const row = document.createElement("tr");
    row.dataset.learner = learner.name;
    row.append(cell("th", learner.name));
    for (const lab of data.labs) {
      const r = learner.labs[lab];
      const td = r ? cell("td", (r.passed ? "PASS " : "FAIL ") + r.ok + "/" + r.total, r.passed ? "pass" : "fail")
                   : cell("td", "-", "none");
      td.dataset.lab = lab;
      if (r) {
        td.dataset.result = r.passed ? "pass" : "fail";
        td.append(document.createElement("br"),
                  cell("small", r.time.slice(11, 16) + " UTC" + (r.attempts > 1 ? ", try " + r.attempts : "")));
        td.title = r.time;
      }
      row.append(td);
    }
    return row;
  }));
  const foot = document.querySelector("#progress tfoot tr");
  foot.replaceChildren(cell("th", "Hint shown most"), ...data.labs.map(lab => {
    const top = data.top_hints[lab];
    const td = cell("td", top ? top.hint + " (" + top.count + "x)" : "");
    td.dataset.lab = lab;
    return td;
  }));
  document.getElementById("status").textContent =
    data.learners.length + " learners, " + data.records + " checks recorded; updated " + new Date().toLocaleTimeString() + ".";
}
async function refresh() {
  try {
    const response = await fetch("api/dashboard", {credentials: "same-origin", cache: "no-store",
                                                      headers: {"X-XSRFToken": XSRF}});
    const data = await response.json();
    if (!response.ok) throw new Error(data.message || response.statusText);
    render(data);
  } catch (err) {
    document.getElementById("status").textContent = "Could not refresh: " + err.message;
  }
}
refresh();
setInterval(refresh, REFRESH);
"""


def page(viewer: str, xsrf: str) -> str:
    """The dashboard's HTML for `viewer` (an instructor); the table fills in from api/dashboard, sending `xsrf`."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kmscourse: workshop progress</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="xsrf" content="{html.escape(xsrf)}"><style>{_STYLE}</style></head>
<body><h1>Workshop progress</h1>
<p>Each learner's last lab check, refreshed every {REFRESH_SECONDS} s. Signed in as {html.escape(viewer)}.</p>
<p id="status" role="status">Loading...</p>
<table id="progress"><thead><tr></tr></thead><tbody></tbody><tfoot><tr></tr></tfoot></table>
<noscript>This page needs JavaScript; the same data is at api/dashboard as JSON.</noscript>
<script>{_SCRIPT % {"refresh": REFRESH_SECONDS}}</script>
</body></html>
"""


def refusal(message: str) -> str:
    """A small HTML page with one sentence, for someone who may not see the dashboard."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>kmscourse: not allowed</title></head>"
            f"<body><p>{html.escape(message)}</p></body></html>")
