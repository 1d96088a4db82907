/* app.js — the jirga serve page: code an article and see its events in the text, browse
 * the store's events, plot a dyad over time (uPlot), draw the actor network (cytoscape).
 * It talks only to the JSON API of docs/serve.md. */
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};

/* Calls the API; throws an Error with the server's message on a non-2xx answer. */
async function api(path, options) {
  const r = await fetch(path, options);
  let body;
  try {
    body = await r.json();
  } catch (e) {
    throw new Error(`${path}: HTTP ${r.status}, not JSON`);
  }
  if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
  return body;
}

function status(id, text, error = false) {
  const s = $(id);
  s.textContent = text;
  s.classList.toggle("error", error);
}

window.jirgaCharts = {}; /* the drawn charts, for the browser test */

/* ---- Tabs ------------------------------------------------------------------------------ */

document.querySelectorAll(".tab").forEach((b) =>
  b.addEventListener("click", () => {
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t === b));
    document.querySelectorAll(".panel").forEach((p) => p.classList.toggle("active", p.id === "tab-" + b.dataset.tab));
    /* a graph drawn while its panel was hidden has no size yet */
    const cy = window.jirgaCharts.network;
    if (b.dataset.tab === "network" && cy) {
      cy.resize();
      cy.fit();
    }
    health();
  })
);

async function health() {
  try {
    const h = await api("/v1/health");
    $("#health").textContent = `store: ${h.documents} documents, ${h.daily_events} one-a-day events · jirga ${h.version}`;
  } catch (e) {
    $("#health").textContent = "server unreachable: " + e.message;
  }
}

/* ---- Spans: byte offsets in UTF-8 → pieces of a JS (UTF-16) string -------------------------
 * The API gives spans as byte offsets into the sentence's UTF-8 text. JS strings index
 * UTF-16 code units, so "Doha" after "Kabul’s" would be off by the bytes of ’ if used
 * directly. The sentence is encoded to UTF-8 and each piece between two span boundaries
 * decoded on its own; the offsets jirga gives fall on character boundaries. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function highlighted(text, spans) {
  const bytes = encoder.encode(text);
  const cuts = new Set([0, bytes.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(bytes.length, s.start)));
    cuts.add(Math.max(0, Math.min(bytes.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = document.createDocumentFragment();
  const rank = { verb: 3, src: 2, tgt: 1 };
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = decoder.decode(bytes.subarray(a, b));
    let kind = null;
    for (const s of spans) if (s.start <= a && b <= s.end && (!kind || rank[s.kind] > rank[kind])) kind = s.kind;
    out.append(kind ? el("mark", { class: kind, title: kind }, piece) : document.createTextNode(piece));
  }
  return out;
}

function eventSpans(ev) {
  const spans = [];
  if (ev.source && ev.source.span) spans.push({ kind: "src", start: ev.source.span[0], end: ev.source.span[1] });
  if (ev.target && ev.target.span) spans.push({ kind: "tgt", start: ev.target.span[0], end: ev.target.span[1] });
  if (ev.verb && ev.verb.span) spans.push({ kind: "verb", start: ev.verb.span[0], end: ev.verb.span[1] });
  return spans.filter((s) => s.start >= 0 && s.end > s.start);
}

function eventCard(ev) {
  const who = (a) => (a ? `${a.code} (${a.text})` : "—");
  return el(
    "div",
    { class: `event-card q${ev.quad}`, "data-cameo": ev.cameo },
    el("div", {}, el("span", { class: "cameo" }, ev.cameo), " ", el("span", { class: "label" }, ev.label)),
    el("div", { class: "dyad" }, `${who(ev.source)} → ${who(ev.target)}`),
    el("div", { class: "dyad" }, `Goldstein ${ev.goldstein.toFixed(1)} · QuadClass ${ev.quad}` +
      (ev.event_date ? ` · ${ev.event_date}` : "") + (ev.negated ? " · negated" : "")),
    el("div", { class: "pattern", title: "the dictionary line that fired" }, ev.pattern)
  );
}

function showCoded(result) {
  const box = $("#code-result");
  box.replaceChildren();
  const bySentence = new Map();
  for (const ev of result.events) {
    if (!bySentence.has(ev.sentence)) bySentence.set(ev.sentence, []);
    bySentence.get(ev.sentence).push(ev);
  }
  result.sentences.forEach((text, i) => {
    const n = i + 1;
    const events = bySentence.get(n) || [];
    const div = el("div", { class: events.length ? "sentence" : "sentence none" }, el("span", { class: "n" }, n));
    /* an event's spans are offsets into its own sentence text (ev.text) */
    const own = events.length ? events[0].text : text;
    div.append(highlighted(own, events.filter((e) => e.text === own).flatMap(eventSpans)));
    if (events.length) div.append(el("div", { class: "cards" }, ...events.map(eventCard)));
    box.append(div);
  });
  status("#code-status", `${result.events.length} event(s) in ${result.sentences.length} sentence(s)`);
}

function docRequest() {
  const text = $("#doc-text").value;
  const date = $("#doc-date").value;
  let id = $("#doc-id").value.trim();
  if (!id) {
    let h = 0;
    for (const c of encoder.encode(text)) h = (h * 31 + c) >>> 0;
    id = "web-" + h.toString(16);
    $("#doc-id").value = id;
  }
  /* plain text, as `jirga code` reads a .txt file: the first line is the headline */
  const q = new URLSearchParams({ id });
  if (date) q.set("date", date);
  return [q, { method: "POST", headers: { "Content-Type": "text/plain; charset=utf-8" }, body: text }];
}

$("#code-btn").addEventListener("click", async () => {
  status("#code-status", "coding…");
  try {
    const [q, options] = docRequest();
    showCoded(await api("/v1/code?" + q, options));
  } catch (e) {
    status("#code-status", e.message, true);
  }
});

$("#ingest-btn").addEventListener("click", async () => {
  status("#code-status", "ingesting…");
  try {
    const [q, options] = docRequest();
    const r = await api("/v1/ingest?" + q, options);
    status("#code-status", `stored ${r.documents} document, ${r.events} event(s) as ${q.get("id")}`);
    health();
  } catch (e) {
    status("#code-status", e.message, true);
  }
});

$("#doc-file").addEventListener("change", async (e) => {
  const f = e.target.files[0];
  if (!f) return;
  $("#doc-text").value = await f.text();
  $("#doc-id").value = f.name.replace(/\.[^.]*$/, "");
});

/* ---- Events table --------------------------------------------------------------------------- */

function formQuery(form) {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (String(v).trim()) q.set(k, v === "on" ? "1" : String(v).trim());
  return q;
}

$("#events-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  status("#events-status", "searching…");
  try {
    const r = await api("/v1/events?" + formQuery(e.target));
    const body = $("#events-table tbody");
    body.replaceChildren(
      ...r.events.map((ev) =>
        el("tr", {},
          el("td", {}, ev.event_date || ""), el("td", {}, ev.source ? ev.source.code : ""),
          el("td", {}, ev.target ? ev.target.code : ""), el("td", {}, ev.cameo), el("td", {}, ev.label),
          el("td", {}, ev.goldstein.toFixed(1)), el("td", {}, ev.mentions),
          el("td", {}, highlighted(ev.text, eventSpans(ev))))
      )
    );
    status("#events-status", `${r.count} event(s)${r.truncated ? " (more: narrow the filters)" : ""}`);
  } catch (err) {
    status("#events-status", err.message, true);
  }
});

/* ---- Dyad time series (uPlot) ------------------------------------------------------------- */

function periodTime(p) {
  return Date.parse(p.length === 7 ? p + "-01T00:00:00Z" : p + "T00:00:00Z") / 1000;
}

$("#dyad-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  status("#dyad-status", "loading…");
  try {
    const r = await api("/v1/stats?" + formQuery(e.target));
    const ps = r.periods;
    const data = [ps.map((p) => periodTime(p.period)), ps.map((p) => p.quad1), ps.map((p) => p.quad2),
      ps.map((p) => p.quad3), ps.map((p) => p.quad4), ps.map((p) => p.goldstein_sum)];
    const box = $("#dyad-chart");
    if (window.jirgaCharts.dyad) window.jirgaCharts.dyad.destroy();
    box.replaceChildren();
    const bars = uPlot.paths.bars({ size: [0.6, 40] });
    const opts = {
      width: Math.max(600, box.clientWidth - 20), height: 380,
      scales: { x: { time: true }, g: {} },
      axes: [{}, { label: "events" }, { side: 1, scale: "g", label: "Goldstein sum", grid: { show: false } }],
      series: [
        {},
        { label: "verbal cooperation (Q1)", stroke: "#2e9a3a", width: 2 },
        { label: "material cooperation (Q2)", stroke: "#7fbf3f", width: 2 },
        { label: "verbal conflict (Q3)", stroke: "#e0a000", width: 2 },
        { label: "material conflict (Q4)", stroke: "#c62828", width: 2 },
        { label: "Goldstein sum", scale: "g", stroke: "#1f6fb2", fill: "rgba(31,111,178,.12)", paths: bars },
      ],
    };
    window.jirgaCharts.dyad = new uPlot(opts, data, box);
    status("#dyad-status", `${ps.length} ${r.by}(s) with events` + (r.skipped ? `; ${r.skipped} event(s) dated only by month left out` : ""));
  } catch (err) {
    status("#dyad-status", err.message, true);
  }
});

/* ---- Actor network (cytoscape) -------------------------------------------------------------- */

$("#network-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  status("#network-status", "loading…");
  try {
    const r = await api("/v1/actors?" + formQuery(e.target));
    const max = Math.max(1, ...r.nodes.map((n) => n.events));
    const elements = [
      ...r.nodes.map((n) => ({ data: { id: n.id, events: n.events, size: 18 + 40 * Math.sqrt(n.events / max) } })),
      ...r.edges.map((ed, i) => ({
        data: { id: "e" + i, source: ed.source, target: ed.target, events: ed.events,
          mean: ed.goldstein_sum / ed.events, width: 1 + Math.log2(1 + ed.events) },
      })),
    ];
    if (window.jirgaCharts.network) window.jirgaCharts.network.destroy();
    window.jirgaCharts.network = cytoscape({
      container: $("#network"),
      elements,
      layout: { name: "cose", animate: false },
      style: [
        { selector: "node", style: { label: "data(id)", width: "data(size)", height: "data(size)",
          "background-color": "#1f3b57", color: "#1d232b", "font-size": 11 } },
        { selector: "edge", style: { width: "data(width)", "curve-style": "bezier", "target-arrow-shape": "triangle",
          "line-color": "mapData(mean, -10, 10, #c62828, #2e9a3a)", "target-arrow-color": "mapData(mean, -10, 10, #c62828, #2e9a3a)",
          label: "data(events)", "font-size": 9 } },
      ],
    });
    status("#network-status", `${r.nodes.length} actors, ${r.edges.length} dyads${r.truncated ? " (the busiest)" : ""}; edge colour: mean Goldstein`);
  } catch (err) {
    status("#network-status", err.message, true);
  }
});

health();
