"use strict";
// The workshop page: scenario list, lever controls generated from the server's lever schema,
// runs with live progress, results (paired differences and the report's charts).
//
// Test hook (used by the headless-browser test, and handy for links in slides):
//   ?scenario=netzdg-24h&lever=regulation.takedown_hours=Some(1.0)&set=timeline.elections=1
//    &population=3000&replicates=1&seed=7&autorun=1
// sets the controls through the same code paths as a person would and clicks Run;
// ?ron=<scenario text>&filename=mine.ron pastes a scenario and clicks "Check and use".

const page = {
  reference: "baseline",
  scenarios: [],
  source: null, // {scenario: name} or {ron, filename}
  detail: null, // the scenario's detail from the server
  levers: [], // [{lever, model, element}]
  job: null,
  result: null,
  metrics: [], // the metric catalogue, each entry with a `regex` matching its concrete paths
  headlines: [], // the catalogue's headline metrics, in order
};

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

async function api(method, path, body) {
  const init = { method, headers: roomHeaders() };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = { error: `the server answered ${response.status} without JSON` };
  }
  if (!response.ok) {
    roomRefused(response.status);
    const err = new Error(data && data.error ? data.error : `HTTP ${response.status}`);
    err.status = response.status;
    err.data = data;
    err.retryAfter = response.headers.get("Retry-After");
    throw err;
  }
  return data;
}

function clone(x) {
  return JSON.parse(JSON.stringify(x));
}

// ---------------------------------------------------------------------------
// RON rendering of a control (the same rules as `Control::to_ron` in src/scenario/levers.rs)
// ---------------------------------------------------------------------------

function quote(s) {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch < " ") out += "\\u{" + ch.charCodeAt(0).toString(16) + "}";
    else out += ch;
  }
  return out + '"';
}

function float(v) {
  const s = String(v);
  return /[.eEN]/.test(s) || s.includes("Infinity") ? s : s + ".0";
}

function toRon(c) {
  switch (c.kind) {
    case "toggle":
      return c.value ? "true" : "false";
    case "number":
      return c.integer ? String(Math.round(c.value)) : float(c.value);
    case "text":
      return quote(c.value);
    case "names":
      return "[" + c.value.map(quote).join(", ") + "]";
    case "optional":
      return c.on ? `Some(${toRon(c.inner)})` : "None";
    case "choice": {
      const v = c.options[c.selected];
      if (!v) return "";
      if (!v.params) return v.name;
      if (v.params.kind === "group") return `${v.name}(${fieldsRon(v.params.fields)})`;
      return `${v.name}(${toRon(v.params)})`;
    }
    case "group":
      return `${c.name || ""}(${fieldsRon(c.fields)})`;
    case "tuple":
      return "(" + c.items.map(toRon).join(", ") + ")";
    case "list":
      return "[" + c.items.map(toRon).join(", ") + "]";
    default:
      return c.value;
  }
}

function fieldsRon(fields) {
  return fields.map((f) => `${f.key}: ${toRon(f.control)}`).join(", ");
}

// ---------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------

// A number for an input box: never an exponent (1e14 is written out).
function formatNumber(v, integer) {
  if (!isFinite(v)) return String(v);
  if (integer || Math.abs(v) >= 1e6) return Math.round(v).toLocaleString("en", { useGrouping: false });
  const a = Math.abs(v);
  if (a !== 0 && a < 0.001) return v.toFixed(8).replace(/0+$/, "");
  return String(Math.round(v * 1e4) / 1e4);
}

// A number for people: thousands grouped, at most four decimals, no exponent.
function plainNumber(v) {
  if (v === null || v === undefined) return "";
  if (!isFinite(v)) return v > 0 ? "no limit" : String(v);
  return v.toLocaleString("en", { maximumFractionDigits: 4 }).replace(/,/g, "\u202f");
}

// An allowed range in words ("from 0 to 1", "0 or more"); a huge upper bound is no bound.
function rangeText(c) {
  const open = (x) => x === null || x === undefined || x >= 1e9;
  if (c.min === null || c.min === undefined) return open(c.max) ? null : `up to ${plainNumber(c.max)}`;
  return open(c.max) ? `${plainNumber(c.min)} or more` : `from ${plainNumber(c.min)} to ${plainNumber(c.max)}`;
}

// A variant's name for people: its doc comment when short, else its name in words.
function variantLabel(o) {
  const doc = (o.doc || "").replace(/\.$/, "");
  if (doc && doc.length <= 70) return doc;
  return o.name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

// A control's value in words (the same rules as `Control::describe` in src/scenario/levers.rs).
function describeControl(c, off) {
  switch (c.kind) {
    case "toggle":
      return c.value ? "yes" : "no";
    case "number":
      return plainNumber(c.value);
    case "text":
      return c.value;
    case "names":
      return c.value.length ? c.value.join(", ") : "nobody";
    case "optional":
      return c.on ? describeControl(c.inner) : off || "off";
    case "choice": {
      const v = c.options[c.selected];
      if (!v) return "";
      return v.params ? `${variantLabel(v)}: ${describeControl(v.params)}` : variantLabel(v);
    }
    case "group":
      return c.fields.map((f) => `${f.label} ${describeControl(f.control)}`).join(", ");
    case "tuple":
      return c.items.map((i) => describeControl(i)).join("–");
    case "list":
      return c.items.length ? c.items.map((i) => `(${describeControl(i)})`).join(", ") : "none";
    default:
      return c.value;
  }
}

// A slider scale for a number: linear on narrow ranges (shares), logarithmic around the typical
// value on wide ones (hours, voters, money).
function scaleOf(c) {
  const min = c.min ?? -Infinity;
  const max = c.max ?? Infinity;
  if (isFinite(min) && isFinite(max) && max - min <= 1) {
    return { toValue: (p) => min + (max - min) * p, toPos: (v) => (v - min) / (max - min) };
  }
  const typical = c.typical > 0 ? c.typical : 1;
  const lo = Math.max(isFinite(min) && min > 0 ? min : typical / 100, typical / 100);
  const hi = Math.min(max, typical * 100);
  if (!(hi > lo) || lo <= 0) return null;
  const ratio = Math.log(hi / lo);
  return {
    toValue: (p) => {
      const v = lo * Math.exp(ratio * p);
      const digits = Math.pow(10, Math.floor(Math.log10(v)) - 1);
      return Math.round(v / digits) * digits;
    },
    toPos: (v) => (v <= lo ? 0 : v >= hi ? 1 : Math.log(v / lo) / ratio),
  };
}

// Build the DOM for a control model; `changed(structural)` is called after every edit (a
// structural change — on/off, variant, list items — re-renders the lever).
function renderControl(c, changed, cohorts, off) {
  switch (c.kind) {
    case "toggle": {
      const box = el("input", { type: "checkbox", "data-role": "toggle" });
      box.checked = c.value;
      box.addEventListener("change", () => {
        c.value = box.checked;
        changed(false);
      });
      return el("label", { class: "control" }, box, c.value ? "yes" : "no");
    }
    case "number": {
      const number = el("input", { type: "number", "data-role": "number", step: c.integer ? 1 : "any" });
      if (c.min !== null && c.min !== undefined) number.min = c.min;
      if (c.max !== null && c.max !== undefined && c.max < 1e9) number.max = c.max;
      number.value = formatNumber(c.value, c.integer);
      const scale = scaleOf(c);
      const slider = scale ? el("input", { type: "range", min: 0, max: 1000, step: 1, "data-role": "slider" }) : null;
      const sync = () => {
        if (slider) slider.value = String(Math.round(1000 * scale.toPos(c.value)));
      };
      sync();
      if (slider) {
        slider.addEventListener("input", () => {
          let v = scale.toValue(Number(slider.value) / 1000);
          if (c.integer) v = Math.round(v);
          c.value = v;
          number.value = formatNumber(v, c.integer);
          changed(false);
        });
      }
      const fromBox = () => {
        const v = Number(number.value);
        if (number.value === "" || !isFinite(v)) return;
        c.value = c.integer ? Math.round(v) : v;
        sync();
        changed(false);
      };
      number.addEventListener("input", fromBox);
      number.addEventListener("change", fromBox);
      const allowed = rangeText(c);
      const range = allowed ? el("span", { class: "hint range", text: allowed }) : null;
      return el("div", { class: "control" }, slider, number, range);
    }
    case "text": {
      const input = el("input", { type: "text", "data-role": "text" });
      input.value = c.value;
      input.addEventListener("input", () => {
        c.value = input.value;
        changed(false);
      });
      return el("div", { class: "control" }, input);
    }
    case "names": {
      const input = el("input", { type: "text", "data-role": "names", placeholder: (cohorts || []).join(", ") });
      input.value = c.value.join(", ");
      input.addEventListener("input", () => {
        c.value = input.value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
        changed(false);
      });
      const hint = cohorts && cohorts.length ? el("span", { class: "hint", text: "cohorts: " + cohorts.join(", ") }) : null;
      return el("div", { class: "control" }, input, hint);
    }
    case "optional": {
      const box = el("input", { type: "checkbox", "data-role": "on" });
      box.checked = c.on;
      box.addEventListener("change", () => {
        c.on = box.checked;
        changed(true);
      });
      const inner = renderControl(c.inner, changed, cohorts);
      inner.classList.add("inner");
      if (!c.on) {
        inner.classList.add("off");
        for (const i of inner.querySelectorAll("input, select, textarea, button")) i.disabled = true;
      }
      const state = c.on ? " on" : ` off: ${off || "not used"}`;
      return el("div", { class: "control block" }, el("label", {}, box, state), inner);
    }
    case "choice": {
      const select = el("select", { "data-role": "choice" });
      c.options.forEach((o, i) => {
        const option = el("option", { value: o.name, title: o.doc, text: variantLabel(o) });
        if (i === c.selected) option.selected = true;
        select.append(option);
      });
      select.addEventListener("change", () => {
        c.selected = Math.max(0, c.options.findIndex((o) => o.name === select.value));
        changed(true);
      });
      const current = c.options[c.selected];
      const doc = current && current.doc ? el("span", { class: "hint", text: current.doc }) : null;
      const params = current && current.params ? renderControl(current.params, changed, cohorts) : null;
      if (params) params.classList.add("params");
      return el("div", { class: "control block" }, el("div", { class: "control" }, select, doc), params);
    }
    case "group": {
      const box = el("div", { class: "control block group" });
      for (const f of c.fields) {
        box.append(
          el(
            "div",
            { class: "field", "data-key": f.key },
            el("div", { class: "field-label", text: f.label }),
            f.doc ? el("p", { class: "doc", text: f.doc }) : null,
            renderControl(f.control, changed, cohorts),
          ),
        );
      }
      return box;
    }
    case "tuple": {
      const box = el("div", { class: "control" });
      c.items.forEach((item) => box.append(renderControl(item, changed, cohorts)));
      return box;
    }
    case "list": {
      const box = el("div", { class: "control block list" });
      c.items.forEach((item, i) => {
        const remove = el("button", {
          type: "button",
          "data-role": "remove",
          text: "remove",
          onclick: () => {
            c.items.splice(i, 1);
            changed(true);
          },
        });
        box.append(el("div", { class: "list-item" }, renderControl(item, changed, cohorts), remove));
      });
      box.append(
        el("button", {
          type: "button",
          "data-role": "add",
          text: c.items.length ? "add another" : "add",
          onclick: () => {
            c.items.push(clone(c.template));
            changed(true);
          },
        }),
      );
      return box;
    }
    default: {
      const area = el("textarea", { rows: 2, spellcheck: "false", "data-role": "ron" });
      area.value = c.value;
      area.addEventListener("input", () => {
        c.value = area.value;
        changed(false);
      });
      return el("div", { class: "control block" }, area);
    }
  }
}

function renderLevers() {
  const box = $("levers");
  box.replaceChildren();
  page.levers = page.detail.levers.map((lever) => {
    const entry = { lever, model: clone(lever.control), element: null };
    entry.element = el("div", { class: "lever", "data-path": lever.path });
    drawLever(entry);
    box.append(entry.element);
    return entry;
  });
  updateLeverSummary();
}

function drawLever(entry) {
  const { lever, model, element } = entry;
  const changed = toRon(model) !== lever.ron;
  element.classList.toggle("changed", changed);
  const reset = changed
    ? el("button", {
        type: "button",
        text: "reset",
        onclick: () => {
          entry.model = clone(lever.control);
          drawLever(entry);
          updateLeverSummary();
        },
      })
    : null;
  element.replaceChildren(
    el(
      "div",
      { class: "lever-head" },
      el("span", { class: "label", text: lever.label }),
      changed ? el("span", { class: "tag", text: "changed" }) : null,
      reset,
    ),
    el("p", { class: "doc", text: lever.help || lever.doc }),
    renderControl(
      entry.model,
      (structural) => {
        if (structural) drawLever(entry);
        else {
          const now = toRon(entry.model) !== lever.ron;
          if (now !== element.classList.contains("changed")) drawLever(entry);
        }
        updateLeverSummary();
      },
      page.detail.cohorts,
      lever.off,
    ),
  );
}

function leverOverrides() {
  return page.levers
    .map((e) => ({ path: e.lever.path, ron: toRon(e.model), before: e.lever.ron }))
    .filter((o) => o.ron !== o.before)
    .map((o) => `${o.path}=${o.ron}`);
}

function updateLeverSummary() {
  const sets = leverOverrides();
  const summary = $("lever-summary");
  summary.replaceChildren();
  if (!sets.length) {
    summary.append("No lever changed: the scenario runs as written.");
    return;
  }
  const words = page.levers
    .filter((e) => toRon(e.model) !== e.lever.ron)
    .map((e) => `${e.lever.label}: ${describeControl(e.model, e.lever.off)} (was ${e.lever.words || describeControl(e.lever.control, e.lever.off)})`);
  summary.append("Changed: " + words.join("; ") + ".");
  const command = el("details", { class: "as-command" }, el("summary", { text: "as on the command line" }));
  for (const s of sets) command.append(el("code", { text: `--set ${s}` }), " ");
  summary.append(command);
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

function renderScenarioList() {
  const list = $("scenario-list");
  list.replaceChildren();
  for (const s of page.scenarios) {
    const button = el(
      "button",
      { type: "button", "data-name": s.name, onclick: () => chooseBuiltin(s.name) },
      el("span", { class: "name", text: s.name }),
      el("span", { class: "desc", text: s.description }),
    );
    list.append(el("li", {}, button));
  }
}

function markCurrent(name) {
  for (const b of document.querySelectorAll("#scenario-list button")) {
    b.setAttribute("aria-current", b.dataset.name === name ? "true" : "false");
  }
}

async function chooseBuiltin(name) {
  showProblems("load-problems", null);
  const detail = await api("GET", `/api/scenarios/${encodeURIComponent(name)}`);
  useScenario({ scenario: name }, detail);
  markCurrent(name);
}

function useScenario(source, detail) {
  page.source = source;
  page.detail = detail;
  $("scenario-title").textContent = `Levers of ${detail.name}`;
  $("scenario-description").textContent = detail.description || "";
  $("seed").value = detail.seed;
  renderLevers();
  $("run").disabled = false;
  $("run").textContent = `Run ${detail.name} against ${page.reference}`;
}

function checkOwn() {
  page.checking = checkOwnText();
  return page.checking;
}

async function checkOwnText() {
  const text = $("own-text").value;
  const filename = page.ownFilename || "scenario.ron";
  showProblems("load-problems", null);
  try {
    const detail = await api("POST", "/api/check", { ron: text, filename });
    useScenario({ ron: text, filename }, detail);
    markCurrent(null);
  } catch (e) {
    document.body.dataset.state = "invalid";
    $("scenario-title").textContent = `Your scenario (${filename})`;
    $("scenario-description").textContent = "It cannot be used yet: fix the problems below and check again.";
    page.source = null;
    page.levers = [];
    $("levers").replaceChildren();
    $("lever-summary").replaceChildren();
    $("run").disabled = true;
    markCurrent(null);
    showProblems("load-problems", e);
  }
}

// ---------------------------------------------------------------------------
// Problems
// ---------------------------------------------------------------------------

function showProblems(id, error) {
  const box = $(id);
  box.replaceChildren();
  if (!error) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const data = error.data || {};
  const problems = data.problems || [];
  box.append(el("h3", { text: problems.length > 1 ? `${problems.length} problems` : "Problem" }));
  if (!problems.length) box.append(el("p", { text: error.message }));
  for (const p of problems) {
    const where = [p.source, p.line, p.column].filter((x) => x !== null && x !== undefined).join(":");
    const item = el("div", { class: "problem", "data-line": p.line, "data-column": p.column, "data-path": p.path });
    item.append(
      el("div", { class: "where", text: [where, p.path ? `\`${p.path}\`` : ""].filter(Boolean).join(" ") }),
      el("div", { text: p.message }),
    );
    if (p.snippet !== null && p.snippet !== undefined) {
      const caret = p.column ? " ".repeat(Math.max(0, p.column - 1)) + "^" : "";
      item.append(el("pre", { text: p.snippet + "\n" + caret }));
    }
    if (p.expected) item.append(el("div", { class: "hint", text: `expected ${p.expected}` }));
    if (p.help) item.append(el("div", { class: "hint", text: p.help }));
    box.append(item);
  }
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

function runRequest() {
  const extra = $("extra-sets")
    .value.split("\n")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const request = Object.assign({}, page.source, {
    set: leverOverrides().concat(extra),
    population: Number($("population").value),
    replicates: Number($("replicates").value),
    seed: Number($("seed").value),
  });
  const name = $("participant").value.trim();
  const title = $("run-title").value.trim();
  if (name) request.participant = name;
  if (title) request.title = title;
  if (page.requestedReference) request.reference = page.requestedReference;
  return request;
}

async function run() {
  if (!page.source) return;
  showProblems("run-problems", null);
  $("results").hidden = true;
  document.body.dataset.state = "submitting";
  $("run").disabled = true;
  try {
    const accepted = await submitWithRetry(runRequest());
    page.job = accepted.job;
    $("cancel").hidden = false;
    $("progress").hidden = false;
    await follow(accepted.job);
  } catch (e) {
    document.body.dataset.state = "error";
    showProblems("run-problems", e);
  } finally {
    $("run").disabled = false;
    $("cancel").hidden = true;
  }
}

// Submit a run; while the room's queue is full (429), wait as the server asks (Retry-After),
// longer each time up to half a minute, and say so.
async function submitWithRetry(request) {
  let delay = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await api("POST", "/api/run", request);
    } catch (e) {
      if (e.status !== 429) throw e;
      const asked = Number(e.retryAfter) || delay;
      const seconds = Math.min(30, Math.max(asked, delay));
      $("progress").hidden = false;
      $("progress-fill").style.width = "0%";
      for (let left = seconds; left > 0; left--) {
        $("progress-text").textContent =
          `The room's queue is full; trying again in ${left} s (attempt ${attempt}). Your run is not lost: keep this page open.`;
        await new Promise((r) => setTimeout(r, 1000));
      }
      delay = Math.min(30, delay * 2);
    }
  }
}

// "about 2 min" for a number of seconds.
function aboutTime(seconds) {
  if (!isFinite(seconds)) return "";
  if (seconds < 60) return `about ${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  return `about ${Math.round(seconds / 60)} min`;
}

function showProgress(status) {
  const pct = Math.round(100 * (status.progress || 0));
  $("progress-fill").style.width = `${pct}%`;
  let text;
  if (status.status === "queued") {
    const ahead = status.position === 0 ? "yours is next" : `${status.position} job(s) ahead of yours`;
    const wait = status.expected_wait_seconds !== undefined ? `, ${aboutTime(status.expected_wait_seconds)} to wait` : "";
    text = `waiting in the room's queue: ${ahead}${wait}`;
  }
  else if (status.status === "running") text = `running — ${pct}% (${Math.round(status.seconds)} s)`;
  else if (status.status === "done") text = `done in ${status.seconds.toFixed(1)} s`;
  else if (status.status === "cancelled") text = "cancelled";
  else text = status.error || status.status;
  $("progress-text").textContent = text;
}

async function follow(id) {
  document.body.dataset.state = "running";
  for (;;) {
    const status = await api("GET", `/api/jobs/${id}?wait_ms=1500`);
    showProgress(status);
    if (status.status === "done") {
      await showResults(status);
      return;
    }
    if (status.status === "failed" || status.status === "cancelled") {
      document.body.dataset.state = status.status;
      if (status.error) showProblems("run-problems", { message: status.error });
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function cancel() {
  if (page.job === null) return;
  try {
    await api("DELETE", `/api/jobs/${page.job}`);
  } catch (e) {
    // It may have finished meanwhile.
  }
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

// The metric catalogue from GET /api/metrics: labels, units, kinds and the headline metrics, the
// same as the terminal tables and the report use.
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function setMetrics(list) {
  page.metrics = list.map((m) => {
    const token = /\{(cohort|party)\}/.exec(m.path);
    const pattern = token
      ? escapeRegExp(m.path.slice(0, token.index)) + "(.+)" + escapeRegExp(m.path.slice(token.index + token[0].length))
      : escapeRegExp(m.path);
    return { ...m, token: token ? token[0] : null, regex: new RegExp(`^${pattern}$`) };
  });
  page.headlines = page.metrics.filter((m) => m.headline).sort((a, b) => a.headline.order - b.headline.order);
}

// The catalogue entry of a concrete path (e.g. "turnout_by_cohort.Gen Z") and the name in its
// placeholder's place.
function metricOf(path) {
  for (const m of page.metrics) {
    const match = m.regex.exec(path);
    if (match) return { def: m, key: m.token ? match[1] : null };
  }
  return { def: null, key: null };
}

function labelOf(path) {
  const { def, key } = metricOf(path);
  if (!def) return path.replace(/_/g, " ");
  return key === null ? def.label : def.each.replace(def.token, key);
}

function leaves(node, prefix, out) {
  if (node && typeof node === "object" && "mean" in node && "n" in node) {
    out.push({ path: prefix, value: node });
    return out;
  }
  for (const [k, v] of Object.entries(node || {})) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

function fmt(path, v, signed) {
  if (v === null || v === undefined || !isFinite(v)) return "—";
  const { def } = metricOf(path);
  const share = def !== null && def.kind === "share";
  const x = share ? 100 * v : v;
  const abs = Math.abs(x);
  let s;
  if (abs === 0) s = "0";
  else if (abs >= 1000) s = x.toFixed(0);
  else if (abs >= 10) s = x.toFixed(1);
  else if (abs >= 1) s = x.toFixed(2);
  else s = x.toPrecision(2);
  if (signed && x > 0) s = "+" + s;
  return s + (share ? (signed ? " pp" : " %") : "");
}

function differenceRows(k) {
  const c = page.result.comparison;
  const pick = (s) => (k === "final" ? s.final : s.elections[k]);
  const base = leaves(pick(c.scenarios[0]), "", []);
  const mine = new Map(leaves(pick(c.scenarios[1]), "", []).map((x) => [x.path, x.value]));
  return base
    .filter((b) => mine.has(b.path))
    .map((b) => {
      const m = mine.get(b.path);
      const d = m.diff_vs_reference || { mean: NaN, ci95: [NaN, NaN] };
      // Judged by the metric catalogue (comparison.json): detectable means the 95% interval
      // excludes zero (never with one replicate); meaningful, also at least the smallest
      // meaningful difference.
      const detectable = d.detectable === undefined ? m.n >= 2 && (d.ci95[0] > 0 || d.ci95[1] < 0) : d.detectable;
      const meaningful = Boolean(d.meaningful);
      return { path: b.path, reference: b.value.mean, value: m.mean, diff: d, sig: meaningful, detectable, meaningful };
    });
}

// The difference's cell: `*` detectable and meaningful, `~` detectable but negligible; the title
// gives the smallest meaningful difference and why it has its value.
function diffCell(r) {
  const { def } = metricOf(r.path);
  const mark = r.meaningful ? "meaningful" : r.detectable ? "negligible" : null;
  const symbol = r.meaningful ? " *" : r.detectable ? " ~" : "";
  const title = def
    ? `smallest meaningful difference ${def.smd} ${def.kind === "share" ? "pp" : def.unit}: ${def.smd_reason || ""}`
    : null;
  return el("td", {
    class: r.meaningful ? "sig mark-meaningful" : r.detectable ? "mark-negligible" : null,
    "data-mark": mark,
    title,
    text: fmt(r.path, r.diff.mean, true) + symbol,
  });
}

function tableOf(rows) {
  const names = page.result.comparison.scenarios.map((s) => s.name);
  const table = document.createDocumentFragment();
  table.append(
    el(
      "tr",
      {},
      el("th", { text: "metric" }),
      el("th", { text: names[0] }),
      el("th", { text: names[1] }),
      el("th", { text: "difference" }),
      el("th", { text: "95% interval" }),
    ),
  );
  for (const r of rows) {
    table.append(
      el(
        "tr",
        { class: r.sig ? "sig" : null, "data-metric": r.path },
        el("td", { text: labelOf(r.path) }),
        el("td", { text: fmt(r.path, r.reference, false) }),
        el("td", { text: fmt(r.path, r.value, false) }),
        diffCell(r),
        el("td", { text: `${fmt(r.path, r.diff.ci95[0], true)} … ${fmt(r.path, r.diff.ci95[1], true)}` }),
      ),
    );
  }
  return table;
}

function renderDifferences() {
  const k = $("election").value === "final" ? "final" : Number($("election").value);
  const rows = differenceRows(k);
  const rank = (r) => page.headlines.indexOf(metricOf(r.path).def);
  const headline = rows.filter((r) => rank(r) >= 0).sort((a, b) => rank(a) - rank(b));
  $("differences").replaceChildren(tableOf(headline));
  $("all-differences").replaceChildren(tableOf(rows));
}

async function showResults(status) {
  page.result = status;
  const c = status.comparison;
  $("results").hidden = false;
  $("results-title").textContent = `${status.scenario} against ${status.reference}`;
  $("results-meta").textContent =
    `${status.population.toLocaleString("en")} voters × ${status.replicates} replicate(s), seed ${status.seed}` +
    (status.reference_reused ? ` — the ${status.reference} run was reused from an earlier job (same random numbers)` : "");
  $("download-ron").href = roomLink(status.links.scenario);
  $("download-ron").textContent = `${status.scenario}.ron`;
  $("download-zip").href = roomLink(status.links.results);
  $("open-report").href = roomLink(status.links.report);
  $("results-gallery").href = roomLink("/gallery");
  const copy = $("copy-link");
  copy.hidden = !status.setup;
  copy.dataset.link = status.setup ? location.origin + status.setup : "";
  copy.textContent = "copy link";
  const changes = $("results-changes");
  changes.replaceChildren();
  if (status.changes.length) {
    changes.append(`Levers changed from ${status.reference}: `);
    changes.append(status.changes.map((c) => `${c.label}: ${c.from} → ${c.to}`).join("; "));
  }
  const summary = $("results-summary");
  summary.replaceChildren();
  for (const s of c.scenarios.filter((x) => x.summary && x.summary.length)) {
    summary.append(el("p", { "data-summary": s.name, text: s.summary.join(" ") }));
  }
  summary.hidden = summary.childElementCount === 0;
  if (status.participant) $("results-title").textContent += ` — ${status.participant}${status.title ? `: ${status.title}` : ""}`;
  const select = $("election");
  select.replaceChildren();
  const elections = c.scenarios[0].elections.length;
  for (let k = 0; k < elections; k++) select.append(el("option", { value: k, text: `election ${k + 1}` }));
  select.append(el("option", { value: "final", text: "the end of the run" }));
  select.value = String(Math.max(0, elections - 1));
  renderDifferences();
  const charts = $("charts");
  charts.replaceChildren(el("p", { class: "hint", text: "drawing the charts…" }));
  const data = await api("GET", status.links.charts);
  renderCharts(charts, data, c.scenarios.map((x) => x.name));
  document.body.dataset.state = "done";
  document.body.dataset.charts = String(data.charts.length);
}

function figure(chart) {
  const f = el("figure", { class: "chart", id: `chart-${chart.id}`, "data-chart-id": chart.id });
  const holder = el("div", {});
  // The SVG comes from this server's report renderer (the same charts as report.html), not
  // from the user; it carries its own title.
  holder.innerHTML = chart.svg;
  f.append(el("figcaption", { class: "visually-hidden", text: chart.title }), holder);
  return f;
}

// The report's charts: the paired differences first, then each chart of the reference beside
// the same chart of the scenario.
function renderCharts(box, data, names) {
  box.replaceChildren();
  if (!data.charts.length) {
    box.append(el("p", { class: "hint", text: data.error || "no charts for this run" }));
    return;
  }
  const [reference, mine] = names;
  // Whose chart is it? The longer name first: "baseline-modified-…" is not the baseline's.
  const owners = [reference, mine].sort((a, b) => b.length - a.length);
  const owner = (c) => owners.find((n) => c.id.startsWith(n + "-")) || null;
  const kind = (c) => c.id.slice(owner(c).length);
  box.append(el("div", { class: "chart-grid" }, data.charts.filter((c) => owner(c) === null).map(figure)));
  const theirs = data.charts.filter((c) => owner(c) === reference);
  const ours = data.charts.filter((c) => owner(c) === mine);
  if (theirs.length || ours.length) box.append(el("h3", { text: `${reference} and ${mine}, chart by chart` }));
  for (const c of theirs) {
    const twin = ours.find((d) => kind(d) === kind(c));
    box.append(el("div", { class: "chart-pair" }, figure(c), twin ? figure(twin) : el("div", {})));
  }
  for (const c of ours.filter((d) => !theirs.some((t) => kind(t) === kind(d)))) {
    box.append(el("div", { class: "chart-pair" }, el("div", {}), figure(c)));
  }
}

// ---------------------------------------------------------------------------
// Test hook: set controls from the URL and click Run
// ---------------------------------------------------------------------------

// Set a lever's controls to a simple RON value (true/false, a number, None, Some(x), Variant,
// Variant(x)) through its DOM inputs, as a person would.
function setLeverFromText(path, text) {
  const entry = page.levers.find((e) => e.lever.path === path);
  if (!entry) throw new Error(`no lever ${path}`);
  applyText(() => entry.element.querySelector(":scope > .control"), text.trim());
}

function applyText(find, text) {
  let node = find();
  const some = /^Some\((.*)\)$/.exec(text);
  const variant = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(text);
  const on = node.querySelector(':scope > label > input[data-role="on"]');
  if (on) {
    const want = text !== "None";
    if (on.checked !== want) on.click();
    if (!want) return;
    applyText(() => find().querySelector(":scope > .inner"), some ? some[1] : text);
    return;
  }
  const toggle = node.querySelector('input[data-role="toggle"]');
  if (toggle) {
    if (toggle.checked !== (text === "true")) toggle.click();
    return;
  }
  const select = node.querySelector(':scope > .control > select[data-role="choice"]');
  if (select && variant) {
    select.value = variant[1];
    select.dispatchEvent(new Event("change"));
    if (variant[2] !== undefined) applyText(() => find().querySelector(":scope > .params"), variant[2]);
    return;
  }
  const number = node.querySelector('input[data-role="number"]');
  if (number) {
    number.value = text;
    number.dispatchEvent(new Event("change"));
    return;
  }
  throw new Error(`cannot set ${text} here`);
}

async function applyHook() {
  const q = new URLSearchParams(location.search);
  if (q.has("scenario")) await chooseBuiltin(q.get("scenario"));
  if (q.has("ron")) {
    $("own").open = true;
    $("own-text").value = q.get("ron");
    page.ownFilename = q.get("filename") || "scenario.ron";
    $("own-check").click();
    await page.checking;
  }
  for (const lever of q.getAll("lever")) {
    const at = lever.indexOf("=");
    setLeverFromText(lever.slice(0, at), lever.slice(at + 1));
  }
  // Overrides of a lever set its controls (as a copied link does); the others go to the box.
  const extra = [];
  for (const s of q.getAll("set")) {
    const at = s.indexOf("=");
    const path = s.slice(0, at);
    try {
      if (!page.levers.some((e) => e.lever.path === path)) throw new Error("not a lever");
      setLeverFromText(path, s.slice(at + 1));
    } catch (e) {
      extra.push(s);
    }
  }
  if (extra.length) $("extra-sets").value = extra.join("\n");
  if (q.has("reference")) page.requestedReference = q.get("reference");
  if (q.has("title")) $("run-title").value = q.get("title");
  for (const k of ["population", "replicates", "seed"]) if (q.has(k)) $(k).value = q.get(k);
  if (q.get("autorun") === "1") $("run").click();
}

// ---------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------

// "copy link": the link that sets the same run up. The clipboard needs HTTPS or this machine;
// on the room's plain-HTTP network the link is put in a box, selected, to copy by hand.
async function copyLink() {
  const button = $("copy-link");
  const link = button.dataset.link;
  if (!link) return;
  try {
    await navigator.clipboard.writeText(link);
    button.textContent = "copied";
  } catch (e) {
    const box = el("input", { type: "text", class: "link-box", value: link, readonly: true, id: "link-box" });
    const old = $("link-box");
    if (old) old.remove();
    button.after(box);
    box.select();
  }
}

// The room bar: whose page this is, and the way to the gallery.
function showRoom() {
  const bar = $("room-bar");
  bar.replaceChildren();
  if (room.isRoom) bar.append(`Room ${room.code}`, room.name ? ` · you are ${room.name}` : "", " · ");
  bar.append(el("a", { href: roomLink("/gallery"), id: "gallery-link", text: "the room's gallery" }));
  bar.hidden = false;
}

async function start() {
  $("run").addEventListener("click", run);
  $("copy-link").addEventListener("click", copyLink);
  $("participant").addEventListener("change", () => {
    room.name = $("participant").value.trim();
    roomStore("votelab.name", room.name);
  });
  $("cancel").addEventListener("click", cancel);
  $("election").addEventListener("change", renderDifferences);
  $("own-check").addEventListener("click", checkOwn);
  $("own-file").addEventListener("change", async () => {
    const file = $("own-file").files[0];
    if (!file) return;
    page.ownFilename = file.name;
    $("own-text").value = await file.text();
    await checkOwn();
  });
  try {
    await roomReady(true);
    showRoom();
    $("participant").value = room.name;
    const [list, metrics] = await Promise.all([api("GET", "/api/scenarios"), api("GET", "/api/metrics")]);
    setMetrics(metrics.metrics);
    page.scenarios = list.scenarios;
    page.reference = list.reference;
    $("reference-name").textContent = list.reference;
    $("version").textContent = `votelab ${list.version}`;
    const l = list.limits;
    $("population").max = l.max_population;
    $("replicates").max = l.max_replicates;
    $("limits").textContent =
      `This server runs up to ${l.max_population.toLocaleString("en")} voters and ${l.max_replicates} replicates per job, ` +
      `${l.concurrent_jobs} job(s) at a time.`;
    renderScenarioList();
    const q = new URLSearchParams(location.search);
    if (q.has("scenario") || q.has("ron") || q.has("autorun")) await applyHook();
    else await chooseBuiltin(page.scenarios.length > 1 ? page.scenarios[1].name : page.scenarios[0].name);
    if (document.body.dataset.state === "loading") document.body.dataset.state = "ready";
  } catch (e) {
    document.body.dataset.state = "error";
    showProblems("load-problems", e);
  }
}

start();
