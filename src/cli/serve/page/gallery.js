"use strict";
// The room's gallery: every run (GET /api/gallery) with its participant, title, lever changes in
// words and as --set overrides, and its headline paired differences with the catalogue's marks;
// sortable by any headline metric; any two or more runs side by side; a "copy link" per run.

const gallery = { runs: [], metrics: [], sortKey: null, descending: true, selected: new Set() };

// A difference for people: signed, two or three significant digits, its unit.
function signed(x, unit) {
  if (x === null || x === undefined || !isFinite(x)) return "—";
  const a = Math.abs(x);
  let s = a === 0 ? "0" : a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(2);
  if (x > 0) s = "+" + s;
  return unit === "pp" ? `${s} pp` : s;
}

const MARKS = { meaningful: "●", negligible: "≈", uncertain: "?" };

function differenceCell(d) {
  if (!d) return el("td", { class: "none", text: "—" });
  const title =
    `95% interval ${signed(d.ci95[0], d.unit)} … ${signed(d.ci95[1], d.unit)}; ` +
    `smallest meaningful difference ${d.smd} ${d.unit}: ${d.mark}`;
  return el(
    "td",
    { class: `mark-${d.mark}`, title, "data-key": d.key, "data-mark": d.mark },
    signed(d.mean, d.unit),
    " ",
    el("span", { class: `mark mark-${d.mark}`, text: MARKS[d.mark] || "" }),
  );
}

function differenceOf(run, key) {
  return (run.differences || []).find((d) => d.key === key) || null;
}

// Where a run's results and report are, and the link that sets the same run up on the page.
function runLinks(run) {
  const links = el("span", { class: "links" });
  if (run.status === "done") {
    links.append(
      el("a", { href: roomLink(run.links.report), target: "_blank", rel: "noopener", text: "report" }),
      " ",
      el("a", { href: roomLink(run.links.results), download: true, text: "zip" }),
      " ",
    );
  }
  if (run.setup) links.append(copyButton(location.origin + run.setup));
  return links;
}

// "copy link": the clipboard where the browser allows it (HTTPS or this machine), else the
// link selected in a box to copy by hand (plain HTTP on the room's network).
function copyButton(link) {
  const button = el("button", { type: "button", class: "copy-link", "data-link": link, text: "copy link" });
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link);
      button.textContent = "copied";
    } catch (e) {
      const box = el("input", { type: "text", class: "link-box", value: link, readonly: true });
      button.replaceWith(box);
      box.select();
    }
  });
  return button;
}

function whoCell(run) {
  return el(
    "td",
    { class: "who" },
    el("strong", { text: run.participant || "(no name)" }),
    run.title ? el("div", { class: "hint", text: run.title }) : null,
    el("div", { class: "hint", text: `#${run.job} · ${run.scenario}` }),
  );
}

function changesCell(run) {
  const cell = el("td", { class: "changes" });
  if (!run.changes.length) cell.append(el("span", { class: "hint", text: `no lever changed from ${run.reference}` }));
  for (const c of run.changes) {
    cell.append(el("div", {}, `${c.label}: ${c.from} → `, el("strong", { text: c.to })));
  }
  if (run.changes.length) cell.append(el("code", { text: run.changes.map((c) => `--set ${c.set}`).join(" ") }));
  return cell;
}

function sortedRuns() {
  const runs = gallery.runs.slice();
  const key = gallery.sortKey;
  if (!key) return runs;
  const value = (r) => {
    const d = differenceOf(r, key);
    return d && isFinite(d.mean) ? d.mean : null;
  };
  runs.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null && y === null) return a.job - b.job;
    if (x === null) return 1;
    if (y === null) return -1;
    return gallery.descending ? y - x : x - y;
  });
  return runs;
}

function renderRuns() {
  const table = $("runs");
  table.replaceChildren();
  const head = el("tr", {}, el("th", { text: "" }), el("th", { text: "who" }), el("th", { text: "levers changed" }));
  for (const m of gallery.metrics) {
    const arrow = gallery.sortKey === m.key ? (gallery.descending ? " ↓" : " ↑") : "";
    const button = el("button", {
      type: "button",
      class: "sort",
      "data-key": m.key,
      title: `sort by ${m.label}; smallest meaningful difference ${m.smd} ${m.unit}`,
      text: m.label + arrow,
      onclick: () => {
        gallery.descending = gallery.sortKey === m.key ? !gallery.descending : true;
        gallery.sortKey = m.key;
        renderRuns();
      },
    });
    head.append(el("th", {}, button));
  }
  head.append(el("th", { text: "" }));
  table.append(head);
  for (const run of sortedRuns()) {
    const box = el("input", { type: "checkbox", "data-job": run.job });
    box.checked = gallery.selected.has(run.job);
    box.addEventListener("change", () => {
      if (box.checked) gallery.selected.add(run.job);
      else gallery.selected.delete(run.job);
      $("compare").disabled = gallery.selected.size < 2;
    });
    const row = el(
      "tr",
      { class: run.mine ? "mine" : null, "data-job": run.job, "data-participant": run.participant, "data-status": run.status },
      el("td", {}, box),
      whoCell(run),
      changesCell(run),
    );
    if (run.status === "done") for (const m of gallery.metrics) row.append(differenceCell(differenceOf(run, m.key)));
    else row.append(el("td", { class: "hint", colspan: Math.max(1, gallery.metrics.length), text: run.status === "failed" ? run.error || "failed" : run.status }));
    row.append(el("td", {}, runLinks(run)));
    table.append(row);
  }
  $("run-count").textContent = `(${gallery.runs.length})`;
  $("compare").disabled = gallery.selected.size < 2;
}

function renderSide() {
  const runs = gallery.runs.filter((r) => gallery.selected.has(r.job));
  if (runs.length < 2) return;
  const table = $("side-table");
  table.replaceChildren();
  table.append(el("tr", {}, el("th", { text: "" }), runs.map((r) => el("th", { text: `${r.participant || "(no name)"} #${r.job}` }))));
  table.append(el("tr", {}, el("td", { text: "title" }), runs.map((r) => el("td", { text: r.title || "—" }))));
  table.append(el("tr", {}, el("td", { text: "scenario" }), runs.map((r) => el("td", { text: `${r.scenario} against ${r.reference}` }))));
  table.append(el("tr", {}, el("td", { text: "levers changed" }), runs.map(changesCell)));
  for (const m of gallery.metrics) {
    table.append(el("tr", { "data-key": m.key }, el("td", { text: m.label }), runs.map((r) => differenceCell(differenceOf(r, m.key)))));
  }
  table.append(el("tr", {}, el("td", { text: "" }), runs.map((r) => el("td", {}, runLinks(r)))));
  $("side").hidden = false;
  $("side").scrollIntoView();
}

async function load() {
  const response = await fetch("/api/gallery", { headers: roomHeaders() });
  const data = await response.json();
  if (!response.ok) {
    roomRefused(response.status);
    throw new Error(data.error || `HTTP ${response.status}`);
  }
  gallery.runs = data.runs;
  gallery.metrics = data.metrics;
  renderRuns();
  return data.runs.some((r) => r.status === "queued" || r.status === "running");
}

async function start() {
  $("compare").addEventListener("click", renderSide);
  $("back").href = roomLink("/");
  try {
    await roomReady(false);
    let busy = await load();
    document.body.dataset.state = "ready";
    // Keep up with the room while runs are under way.
    for (;;) {
      await new Promise((r) => setTimeout(r, busy ? 3000 : 15000));
      try {
        busy = await load();
        $("status").textContent = "";
      } catch (e) {
        $("status").textContent = `cannot refresh: ${e.message}`;
      }
    }
  } catch (e) {
    document.body.dataset.state = "error";
    $("status").textContent = e.message;
  }
}

start();
