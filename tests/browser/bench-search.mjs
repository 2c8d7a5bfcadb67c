// Search, side by side with Pagefind, over the very same built site.
//
// 1. generates the synthetic corpus (../shared/bench/gen_corpus.py --pages N);
// 2. builds it with belong, search on and search off, interleaved, `--runs` times
//    each: the median difference is what indexing adds to a build;
// 3. runs Pagefind (pip install pagefind-bin) over the HTML belong built, and
//    adds a page with Pagefind's default UI;
// 4. serves the site as a static host does (text gzipped, level 6; Pagefind's
//    own compressed files as they are) and, for each query, in a new headless
//    Chromium context (cold cache): opens the search page, types the query,
//    and counts bytes on the wire and requests until the results have shown
//    and the network is quiet, and the time from the last keystroke to the
//    results; then types a second query, to time a search once the first one
//    has loaded;
// 5. prints a Markdown table and writes it, with the raw figures as JSON, to
//    the output folder.
//
// Run: scripts/bench-search [--pages 10000] [--runs 3] [--build-runs 5] (installs what it needs),
// or node tests/browser/bench-search.mjs with the same flags.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { REPO, CHROMIUM, CORPUS_SCRIPT } from './support.mjs';

const { values: flags } = parseArgs({
  options: {
    pages: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'build-runs': { type: 'string', default: '5' },
    work: { type: 'string', default: path.join(REPO, 'target', 'bench-search') },
  },
});
const PAGES = Number(flags.pages);
const RUNS = Number(flags.runs);
// Build times move more than bytes on a shared machine: more runs for them.
const BUILD_RUNS = Number(flags['build-runs']);
const WORK = path.resolve(flags.work);
const QUERIES = ['belonging', 'retention', 'porters', 'staff network'];
const BELONG = process.env.BELONG_BIN || path.join(REPO, 'target', 'release', 'belong');
const TEXT = /\.(html|css|js|json|svg|xml|txt)$/;

function run(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr}`);
  return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Peak memory of a command in MB, from GNU time, when the machine has it. */
function timed(command, args) {
  if (!fs.existsSync('/usr/bin/time')) return { ...run(command, args), megabytes: null };
  const result = run('/usr/bin/time', ['-f', 'PEAK_KB %M', command, ...args]);
  const peak = /PEAK_KB (\d+)/.exec(result.stderr);
  return { ...result, megabytes: peak ? Number(peak[1]) / 1024 : null };
}

function files(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** Files and bytes (as written, and as served) of a list of files. */
function sizes(list) {
  const raw = list.reduce((sum, file) => sum + fs.statSync(file).size, 0);
  const wire = list.reduce((sum, file) => sum + (TEXT.test(file) ? zlib.gzipSync(fs.readFileSync(file), { level: 6 }).length : fs.statSync(file).size), 0);
  return { files: list.length, raw, wire };
}

// ---------------------------------------------------------------------------
// 1-3: corpus, builds, Pagefind

fs.mkdirSync(WORK, { recursive: true });
const hub = path.join(WORK, 'hub');
const hubOff = path.join(WORK, 'hub-search-off');
const site = path.join(WORK, 'site');
const siteOff = path.join(WORK, 'site-search-off');
console.error(`generating ${PAGES} pages…`);
run('python3', [CORPUS_SCRIPT, '--pages', String(PAGES), '--out', hub]);
fs.rmSync(hubOff, { recursive: true, force: true });
fs.cpSync(hub, hubOff, { recursive: true });
fs.appendFileSync(path.join(hubOff, 'site.toml'), '\n[search]\nenabled = false\n');
if (!process.env.BELONG_BIN) run('cargo', ['build', '--release', '--quiet'], { cwd: REPO });

const builds = { on: [], off: [], onMemory: [], offMemory: [] };
for (let i = 0; i < BUILD_RUNS; i++) {
  console.error(`build ${i + 1} of ${BUILD_RUNS}…`);
  const off = timed(BELONG, ['build', '--root', hubOff, '--output', siteOff]);
  const on = timed(BELONG, ['build', '--root', hub, '--output', site]);
  builds.off.push(off.seconds);
  builds.on.push(on.seconds);
  builds.offMemory.push(off.megabytes);
  builds.onMemory.push(on.megabytes);
}
const ours = sizes([
  ...files(path.join(site, 'search')).filter((file) => !file.endsWith('index.html')),
  path.join(site, 'search-engine.js'),
  path.join(site, 'search.js'),
]);

console.error('running Pagefind…');
fs.rmSync(path.join(site, 'pagefind'), { recursive: true, force: true });
const pagefindRun = timed('python3', ['-m', 'pagefind_bin', '--site', site]);
const pagefindVersion = run('python3', ['-m', 'pagefind_bin', '--version']).stdout.trim();
const pagefind = sizes(files(path.join(site, 'pagefind')));
fs.mkdirSync(path.join(site, 'pagefind-ui'), { recursive: true });
fs.writeFileSync(
  path.join(site, 'pagefind-ui', 'index.html'),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind</title>
<link href="/pagefind/pagefind-ui.css" rel="stylesheet"><script src="/pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div>
<script>window.addEventListener("DOMContentLoaded", () => new PagefindUI({ element: "#search", showSubResults: false }));</script>
</body></html>
`,
);

// ---------------------------------------------------------------------------
// 4: serve as a static host would, and search in Chromium

const gzipped = new Map();
const server = http.createServer((request, response) => {
  let file = path.join(site, decodeURIComponent(new URL(request.url, 'http://x').pathname));
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!file.startsWith(site) || !fs.existsSync(file)) return response.writeHead(404).end();
  const types = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json' };
  const headers = { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'cache-control': 'max-age=600' };
  let body = fs.readFileSync(file);
  if (TEXT.test(file) && /gzip/.test(request.headers['accept-encoding'] || '')) {
    if (!gzipped.has(file)) gzipped.set(file, zlib.gzipSync(body, { level: 6 }));
    body = gzipped.get(file);
    headers['content-encoding'] = 'gzip';
  }
  response.writeHead(200, headers).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const ENGINES = {
  belong: {
    url: '/search/',
    input: '#search-q',
    shown: (query) => {
      const list = document.getElementById('search-results');
      return list.getAttribute('data-query') === query && list.querySelectorAll('li').length > 0;
    },
  },
  pagefind: {
    url: '/pagefind-ui/',
    input: '.pagefind-ui__search-input',
    shown: (query) => {
      const message = document.querySelector('.pagefind-ui__message');
      return !!message && message.textContent.includes(query) && document.querySelectorAll('.pagefind-ui__result').length > 0;
    },
  },
};

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

/** Types `query` and resolves to milliseconds from its last keystroke to the
 * results shown, as the page's own clock saw them. */
async function typeAndTime(page, engine, query) {
  await page.locator(engine.input).fill('');
  await page.evaluate(([shown, query]) => {
    const test = new Function('query', `return (${shown})(query)`);
    window.__lastKey = 0;
    window.__shownAt = 0;
    const observer = new MutationObserver(() => {
      if (test(query)) {
        window.__shownAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  }, [engine.shown.toString(), query]);
  await page.locator(engine.input).pressSequentially(query, { delay: 20 });
  await page.waitForFunction(() => window.__shownAt > 0, null, { timeout: 60_000 });
  return page.evaluate(() => window.__shownAt - window.__lastKey);
}

async function measure(name, query, second) {
  const engine = ENGINES[name];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    window.__lastKey = 0;
    addEventListener('keydown', () => { window.__lastKey = performance.now(); }, true);
  });
  const page = await context.newPage();
  // Playwright's events include requests from web workers (Pagefind searches in one).
  const finished = [];
  context.on('requestfinished', (request) => finished.push(request));
  await page.goto(origin + engine.url, { waitUntil: 'load' });
  const cold = await typeAndTime(page, engine, query);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  const loaded = [...finished];
  let bytes = 0;
  for (const request of loaded) {
    const size = await request.sizes();
    bytes += Math.max(0, size.responseBodySize) + Math.max(0, size.responseHeadersSize);
    if (process.env.BENCH_VERBOSE) console.error(`  ${name} ${query}: ${size.responseBodySize} ${request.url()}`);
  }
  const result = { bytes, requests: loaded.length, cold };
  result.warm = await typeAndTime(page, engine, second);
  await context.close();
  return result;
}

const results = {};
for (const query of QUERIES) {
  const second = QUERIES[(QUERIES.indexOf(query) + 1) % QUERIES.length];
  for (const name of Object.keys(ENGINES)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(name, query, second));
    results[`${name} ${query}`] = {
      bytes: median(runs.map((r) => r.bytes)),
      requests: median(runs.map((r) => r.requests)),
      cold: median(runs.map((r) => r.cold)),
      warm: median(runs.map((r) => r.warm)),
    };
    console.error(`${name} "${query}": ${kb(results[`${name} ${query}`].bytes)}`);
  }
}
await browser.close();
server.close();

// ---------------------------------------------------------------------------
// 5: report

const on = median(builds.on);
const off = median(builds.off);
const lines = [
  `Search at ${PAGES.toLocaleString('en-GB')} pages: belong against Pagefind ${pagefindVersion}, medians of ${RUNS} runs (builds: ${BUILD_RUNS}).`,
  '',
  '| query | belong bytes | Pagefind bytes | ratio | belong requests | Pagefind requests | belong ms to results (cold, then warm) | Pagefind ms (cold, then warm) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...QUERIES.map((query) => {
    const a = results[`belong ${query}`];
    const b = results[`pagefind ${query}`];
    return `| ${query} | ${kb(a.bytes)} | ${kb(b.bytes)} | ${(a.bytes / b.bytes).toFixed(2)} | ${a.requests} | ${b.requests} | ${Math.round(a.cold)}, ${Math.round(a.warm)} | ${Math.round(b.cold)}, ${Math.round(b.warm)} |`;
  }),
  '',
  '| | belong | Pagefind |',
  '|---|---:|---:|',
  `| index build | ${(on - off).toFixed(2)} s added to a ${off.toFixed(2)} s build (+${(((on - off) / off) * 100).toFixed(0)}%) | ${pagefindRun.seconds.toFixed(2)} s after the build |`,
  `| peak memory | ${median(builds.onMemory)?.toFixed(0) ?? '?'} MB for the whole build (${median(builds.offMemory)?.toFixed(0) ?? '?'} MB without search) | ${pagefindRun.megabytes?.toFixed(0) ?? '?'} MB |`,
  `| index files | ${ours.files} | ${pagefind.files} |`,
  `| index bytes (as written; as served) | ${kb(ours.raw)}; ${kb(ours.wire)} | ${kb(pagefind.raw)}; ${kb(pagefind.wire)} |`,
  '',
  'Bytes on the wire: every response (from web workers too) of a fresh browser context (the page, its CSS and scripts, the index) until results show and the network is quiet, headers included.',
  'belong\'s figures include its whole search page; Pagefind\'s page is only its default UI. Warm: a second query typed after the first one\'s results.',
];
const report = lines.join('\n');
fs.writeFileSync(path.join(WORK, 'results.md'), `${report}\n`);
fs.writeFileSync(path.join(WORK, 'results.json'), JSON.stringify({ pages: PAGES, runs: RUNS, builds, pagefindRun: { seconds: pagefindRun.seconds, megabytes: pagefindRun.megabytes }, ours, pagefind, results }, null, 2));
console.log(report);
