#!/usr/bin/env node
/* page.js — browser test of the jirga serve page in headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core; no browser is downloaded).
 *
 * Starts `jirga serve` on a free loopback port with a temporary store, pastes
 * examples/afghan-talks.txt into the page, clicks Code and checks that the sentences show
 * highlighted source, verb and target and that the event cards carry real CAMEO codes;
 * ingests it and a few golden documents, opens the dyad chart and checks that it renders
 * (a canvas, series with events); draws the actor network.
 *
 * usage: node page.js JIRGA [--screenshot docs/serve.png]
 * Exit status 0 when every check passed; each failure is printed with what was seen. */
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const root = path.resolve(__dirname, "../..");
const jirga = path.resolve(process.argv[2] || path.join(root, "jirga"));
const shotAt = process.argv.indexOf("--screenshot");
const screenshot = shotAt > 0 ? path.resolve(process.argv[shotAt + 1]) : null;
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

let failures = 0;
function check(name, ok, seen) {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : ": " + seen}`);
  if (!ok) failures++;
}

/* Starts the server; resolves with its base URL once it prints the address. */
function startServer(db) {
  return new Promise((resolve, reject) => {
    const p = spawn(jirga, ["serve", "--db", db, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    const timer = setTimeout(() => reject(new Error("jirga serve did not start in 20 s: " + err)), 20000);
    p.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^/]+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ proc: p, url: m[1], stderr: () => err });
      }
    });
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => reject(new Error(`jirga serve exited with ${code}: ${err}`)));
  });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "jirga-browser-"));
  const server = await startServer(path.join(tmp, "store.db"));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    check("the page loads with its libraries", await page.evaluate(() => typeof uPlot === "function" && typeof cytoscape === "function"), "uPlot or cytoscape missing");

    /* ---- code an article ---- */
    const article = fs.readFileSync(path.join(root, "examples/afghan-talks.txt"), "utf8");
    await page.fill("#doc-text", article);
    await page.fill("#doc-date", "2021-03-09");
    await page.fill("#doc-id", "afghan-talks");
    await page.click("#code-btn");
    await page.waitForSelector(".event-card", { timeout: 15000 });
    const cameos = await page.$$eval(".event-card .cameo", (es) => es.map((e) => e.textContent));
    check("event cards appear", cameos.length >= 5, `${cameos.length} card(s)`);
    check("every card has a CAMEO code", cameos.every((c) => /^[0-9]{3,4}$/.test(c)), cameos.join(" "));
    check("the US envoy's talks are coded 046", cameos.includes("046"), cameos.join(" "));
    const patterns = await page.$$eval(".event-card .pattern", (es) => es.map((e) => e.textContent));
    check("cards name the dictionary line that fired", patterns.length && patterns.every((p) => /^dictionaries\/.+:\d+$/.test(p)), patterns.join(" "));
    const marks = await page.$$eval(".sentence mark", (es) => es.map((e) => e.className + ":" + e.textContent));
    check("the source is highlighted", marks.some((m) => m.startsWith("src:") && m.includes("Zalmay Khalilzad")), marks.join(" | "));
    check("the verb is highlighted", marks.includes("verb:held"), marks.join(" | "));
    check("the target is highlighted", marks.includes("tgt:Qatar's foreign minister"), marks.join(" | "));

    /* non-ASCII before a span: byte offsets must not shift the highlight */
    await page.fill("#doc-text", "Café Noir’s report\n\nThe Taliban met US officials in Doha on Tuesday.");
    await page.fill("#doc-id", "utf8");
    await page.click("#code-btn");
    await page.waitForFunction(() => document.querySelector("#code-status").textContent.includes("sentence"));
    const utf8Marks = await page.$$eval(".sentence mark", (es) => es.map((e) => e.className + ":" + e.textContent));
    check("spans after multi-byte characters land on the words", utf8Marks.includes("src:Taliban") && utf8Marks.includes("tgt:US officials"), utf8Marks.join(" | "));

    /* ---- ingest, then the events table ---- */
    await page.fill("#doc-text", article);
    await page.fill("#doc-id", "afghan-talks");
    await page.click("#ingest-btn");
    await page.waitForFunction(() => /stored|error/i.test(document.querySelector("#code-status").textContent));
    const ingested = await page.textContent("#code-status");
    // as many events as `jirga code` gives the article
    const coded = require("child_process")
        .execFileSync(jirga, ["code", "--date", "2021-03-09", "examples/afghan-talks.txt"], { cwd: root })
        .toString().split("\n").filter((l) => l.trim()).length;
    check("ingest stores the article", new RegExp("stored 1 document, " + coded + " event").test(ingested),
          ingested + " (jirga code: " + coded + ")");
    /* more documents over other dates, through the API, for a time series */
    const docs = fs.readFileSync(path.join(root, "tests/golden/documents.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const r = await page.evaluate(async (body) => {
      const x = await fetch("/v1/ingest", { method: "POST", headers: { "Content-Type": "application/json" }, body });
      return x.status;
    }, JSON.stringify(docs));
    check("the golden documents ingest", r === 200, `HTTP ${r}`);

    await page.click(".tab[data-tab=events]");
    await page.fill("#events-form [name=actor]", "QAT");
    await page.click("#events-form button");
    await page.waitForFunction(() => /event\(s\)|error/.test(document.querySelector("#events-status").textContent));
    const rows = await page.$$eval("#events-table tbody tr", (es) => es.length);
    check("the events table lists the store's events", rows >= 1, `${rows} row(s): ${await page.textContent("#events-status")}`);

    /* ---- the dyad chart ---- */
    await page.click(".tab[data-tab=dyad]");
    await page.fill("#dyad-form [name=dyad]", "USA-AFG");
    await page.selectOption("#dyad-form [name=by]", "month");
    await page.click("#dyad-btn");
    await page.waitForSelector("#dyad-chart canvas", { timeout: 10000 });
    const series = await page.evaluate(() => {
      const u = window.jirgaCharts.dyad;
      return { periods: u.data[0].length, events: u.data.slice(1, 5).flat().reduce((a, b) => a + (b || 0), 0), series: u.series.length };
    });
    check("the dyad chart renders a canvas with non-empty series", series.periods >= 2 && series.events > 0 && series.series === 6, JSON.stringify(series));

    /* ---- the actor network ---- */
    await page.click(".tab[data-tab=network]");
    await page.click("#network-btn");
    await page.waitForFunction(() => window.jirgaCharts.network || /error/.test(document.querySelector("#network-status").textContent));
    const nodes = await page.evaluate(() => (window.jirgaCharts.network ? window.jirgaCharts.network.nodes().length : 0));
    check("the actor network draws nodes", nodes >= 2, `${nodes} node(s)`);
    check("no script errors", errors.length === 0, errors.join("; "));

    if (screenshot) {
      await page.click(".tab[data-tab=code]");
      await page.fill("#doc-text", article);
      await page.click("#code-btn");
      await page.waitForSelector(".event-card");
      await page.screenshot({ path: screenshot, fullPage: true });
      await page.click(".tab[data-tab=dyad]");
      await page.screenshot({ path: screenshot.replace(/\.png$/, "-dyad.png") });
      await page.click(".tab[data-tab=network]");
      await page.screenshot({ path: screenshot.replace(/\.png$/, "-network.png") });
      console.log("screenshots written beside", screenshot);
    }
  } finally {
    await browser.close();
    server.proc.kill("SIGTERM");
    await new Promise((res) => server.proc.once("exit", res));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(failures ? `${failures} check(s) failed` : "all browser checks passed");
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.error("browser test error:", e.message);
  process.exit(1);
});
