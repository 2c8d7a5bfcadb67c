// Search, side by side with Pagefind, over the very same built site.
//
// 1. generates the synthetic corpus (../shared/bench/gen_corpus.py --pages N);
// 2. builds it with belong `--minify` (as the hub is published), search on and
//    search off, interleaved, `--build-runs` times each: the median difference
//    is what indexing adds to a build; then once more with `--timings`, whose
//    per-step peak memory goes into the report as belong printed it;
// 3. copies the built site and runs Pagefind (pip install pagefind-bin) over
//    the copy, as a maintainer would set it up: `data-pagefind-body` on the
//    `<main>` of content pages only, so Pagefind indexes neither lists, term
//    pages nor the header and footer (belong's index holds the same pages);
//    adds a page with Pagefind's default UI to the copy. `--skip-pagefind`, or
//    Pagefind failing (at 100,000 pages it may need more memory than there is),
//    leaves belong's figures alone with "n/a" for Pagefind;
// 4. serves each folder as a static host does (text gzipped, level 6;
//    Pagefind's own compressed files as they are), one server each, and, for
//    each query, in a new headless Chromium context (cold cache): opens the
//    search page, types the query, and counts bytes on the wire and requests
//    until the results have shown and the network is quiet, and the time from
//    the last keystroke to the results; then types a second query, to time a
//    search once the first one has loaded;
// 5. types 12 page titles (spread over the corpus, each the title of one page
//    only) and checks the first result is that page;
// 6. types the phrase "staff networks" in quotes, and reversed, counts the
//    results, and checks the first 10 of the first have the phrase in <main>;
// 7. prints a Markdown report and writes it, with the raw figures as JSON, to
//    the output folder.
//
// Run: scripts/bench-search [--pages 10000] [--runs 3] [--build-runs 5] [--skip-pagefind]
// (installs what it needs), or node tests/browser/bench-search.mjs with the same flags.

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
    'skip-pagefind': { type: 'boolean', default: false },
    work: { type: 'string', default: path.join(REPO, 'target', 'bench-search') },
  },
});
const PAGES = Number(flags.pages);
const RUNS = Number(flags.runs);
// Build times move more than bytes on a shared machine: more runs for them.
const BUILD_RUNS = Number(flags['build-runs']);
const WORK = path.resolve(flags.work);
const QUERIES = ['belonging', 'retention', 'porters', 'staff network'];
const PHRASES = ['"staff networks"', '"networks staff"'];
const PHRASE_CHECKED = 10;
const TITLES = 12;
const SECTIONS = ['case-studies', 'toolkits', 'discussions'];
const BELONG = process.env.BELONG_BIN || path.join(REPO, 'target', 'release', 'belong');
const TEXT = /\.(html|css|js|json|svg|xml|txt)$/;

function run(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    // 137: killed with SIGKILL, most often by the kernel for want of memory (GNU time reports it so).
    const how = result.signal ? `was killed (${result.signal})`
      : result.status === 137 ? 'exited 137 (killed: out of memory?)' : `exited ${result.status}`;
    throw new Error(`${command} ${args.join(' ')} ${how}\n${result.stderr.slice(-2000)}`);
  }
  return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const kb = (bytes) => (bytes == null ? 'n/a' : `${(bytes / 1024).toFixed(1)} KB`);
const ms = (value) => (value == null ? 'n/a' : String(Math.round(value)));
const yes = (value) => (value == null ? 'n/a' : value ? 'yes' : 'no');

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

/** A page's address as both engines' links give it, to compare them: the path, without index.html. */
const address = (href, origin) => new URL(href, origin).pathname.replace(/index\.html$/, '');

/** A content page (not a section's list or one of its page/N/): what Pagefind is given to index. */
function isContentPage(relative) {
  const parts = relative.split(path.sep);
  return parts.length === 3 && SECTIONS.includes(parts[0]) && parts[1] !== 'page' && parts[2] === 'index.html';
}

// ---------------------------------------------------------------------------
// 1-3: corpus, builds, Pagefind

fs.mkdirSync(WORK, { recursive: true });
const hub = path.join(WORK, 'hub');
const hubOff = path.join(WORK, 'hub-search-off');
const site = path.join(WORK, 'site');
const siteOff = path.join(WORK, 'site-search-off');
const pagefindSite = path.join(WORK, 'site-pagefind');
console.error(`generating ${PAGES} pages…`);
run('python3', [CORPUS_SCRIPT, '--pages', String(PAGES), '--out', hub]);
fs.rmSync(hubOff, { recursive: true, force: true });
fs.cpSync(hub, hubOff, { recursive: true });
fs.appendFileSync(path.join(hubOff, 'site.toml'), '\n[search]\nenabled = false\n');
if (!process.env.BELONG_BIN) run('cargo', ['build', '--release', '--quiet'], { cwd: REPO });

const builds = { on: [], off: [], onMemory: [], offMemory: [] };
for (let i = 0; i < BUILD_RUNS; i++) {
  console.error(`build ${i + 1} of ${BUILD_RUNS}…`);
  const off = timed(BELONG, ['build', '--minify', '--root', hubOff, '--output', siteOff]);
  const on = timed(BELONG, ['build', '--minify', '--root', hub, '--output', site]);
  builds.off.push(off.seconds);
  builds.on.push(on.seconds);
  builds.offMemory.push(off.megabytes);
  builds.onMemory.push(on.megabytes);
}
// Once more, apart from the timed runs, for belong's own account of each step.
console.error('build with --timings…');
const timingsRun = run(BELONG, ['build', '--minify', '--timings', '--root', hub, '--output', site]);
const timingsBlock = /^timings \([\s\S]*?^peak memory:.*$/m.exec(timingsRun.stderr)?.[0]
  ?? `(no timings block found in belong's output)\n${timingsRun.stderr.slice(-2000)}`;
const ours = sizes([
  ...files(path.join(site, 'search')).filter((file) => !file.endsWith('index.html')),
  path.join(site, 'search-engine.js'),
  path.join(site, 'search.js'),
]);

// The pages, in the corpus's order, with their titles from the front matter:
// the generator repeats titles, and a title of two pages cannot be found "first".
const corpus = SECTIONS.flatMap((section) =>
  fs.readdirSync(path.join(hub, 'content', section))
    .filter((name) => name.endsWith('.md') && name !== '_index.md')
    .sort()
    .map((name) => {
      const line = /^title:\s*(.*)$/m.exec(fs.readFileSync(path.join(hub, 'content', section, name), 'utf8'))[1].trim();
      const title = line.startsWith('"') ? JSON.parse(line) : line.replace(/^'|'$/g, '');
      return { title, url: `/${section}/${name.slice(0, -3)}/` };
    }));
const titleCount = new Map();
for (const page of corpus) titleCount.set(page.title.toLowerCase(), (titleCount.get(page.title.toLowerCase()) ?? 0) + 1);
const titles = [];
for (let k = 0; k < TITLES && titles.length < corpus.length; k++) {
  // From the middle of each twelfth onwards, the first page whose title is its own.
  for (let i = Math.floor(((k + 0.5) * corpus.length) / TITLES), tried = 0; tried < corpus.length; i = (i + 1) % corpus.length, tried++) {
    const page = corpus[i];
    if (titleCount.get(page.title.toLowerCase()) !== 1 || titles.includes(page)) continue;
    if (!fs.existsSync(path.join(site, page.url, 'index.html'))) continue;
    titles.push(page);
    break;
  }
}

let pagefind = null; // index sizes, run time and memory, or null when there is none
let pagefindVersion = null;
let pagefindProblem = null;
if (flags['skip-pagefind']) {
  pagefindProblem = 'skipped (--skip-pagefind)';
} else {
  try {
    console.error('copying the site for Pagefind…');
    fs.rmSync(pagefindSite, { recursive: true, force: true });
    fs.cpSync(site, pagefindSite, { recursive: true });
    // With data-pagefind-body on some pages, Pagefind indexes those pages only, and their <main> only.
    let marked = 0;
    for (const file of files(pagefindSite)) {
      if (!isContentPage(path.relative(pagefindSite, file))) continue;
      const html = fs.readFileSync(file, 'utf8');
      const edited = html.replace(/<main(?=[\s>])/, '<main data-pagefind-body');
      if (edited === html) throw new Error(`no <main> in ${file}`);
      fs.writeFileSync(file, edited);
      marked++;
    }
    console.error(`running Pagefind over ${marked} content pages…`);
    pagefindVersion = run('python3', ['-m', 'pagefind_bin', '--version']).stdout.trim().replace(/^pagefind\s+/i, '');
    const pagefindRun = timed('python3', ['-m', 'pagefind_bin', '--site', pagefindSite]);
    const indexed = /Indexed (\d[\d,]*) pages?/i.exec(pagefindRun.stdout)?.[1] ?? '?';
    pagefind = { ...sizes(files(path.join(pagefindSite, 'pagefind'))), seconds: pagefindRun.seconds, megabytes: pagefindRun.megabytes, marked, indexed };
    fs.mkdirSync(path.join(pagefindSite, 'pagefind-ui'), { recursive: true });
    fs.writeFileSync(
      path.join(pagefindSite, 'pagefind-ui', 'index.html'),
      `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind</title>
<link href="/pagefind/pagefind-ui.css" rel="stylesheet"><script src="/pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div>
<script>window.addEventListener("DOMContentLoaded", () => new PagefindUI({ element: "#search", showSubResults: false }));</script>
</body></html>
`,
    );
  } catch (error) {
    pagefind = null;
    pagefindProblem = `failed: ${error.message.split('\n')[0]}`;
    console.error(`Pagefind ${pagefindProblem}\n${error.message}`);
  }
  // The copy is only for Pagefind: at 100,000 pages it is gigabytes the next run does not need.
  if (!pagefind) fs.rmSync(pagefindSite, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// 4: serve as a static host would, and search in Chromium

/** A static server of `root` on 127.0.0.1; resolves to its origin and the server. */
async function serve(root) {
  const gzipped = new Map();
  const server = http.createServer((request, response) => {
    let file = path.join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(root) || !fs.existsSync(file)) return response.writeHead(404).end();
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
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

// Predicates run in the page (passed as source): `shown` waits for results,
// `drawn` for the page to have answered the whole query, results or none.
const ENGINES = {
  belong: {
    host: await serve(site),
    url: '/search/',
    input: '#search-q',
    shown: (query) => {
      const list = document.getElementById('search-results');
      return list.getAttribute('data-query') === query && list.querySelectorAll('li').length > 0;
    },
    drawn: (query) => document.getElementById('search-results').getAttribute('data-query') === query,
  },
};
if (pagefind) {
  ENGINES.pagefind = {
    host: await serve(pagefindSite),
    url: '/pagefind-ui/',
    input: '.pagefind-ui__search-input',
    shown: (query) => {
      const message = document.querySelector('.pagefind-ui__message');
      return !!message && message.textContent.includes(query) && document.querySelectorAll('.pagefind-ui__result').length > 0;
    },
    // "Searching for …" names the query too, before there is an answer.
    drawn: (query) => {
      const message = document.querySelector('.pagefind-ui__message');
      return !!message && /^\s*(\d[\d,]*|No) results? for/.test(message.textContent) && message.textContent.includes(query);
    },
  };
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

/** Types `query` and resolves to milliseconds from its last keystroke to
 * `shown` holding, as the page's own clock saw them. */
async function typeAndTime(page, engine, query, shown = engine.shown) {
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
    observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  }, [shown.toString(), query]);
  await page.locator(engine.input).pressSequentially(query, { delay: 20 });
  await page.waitForFunction(() => window.__shownAt > 0, null, { timeout: 60_000 });
  return page.evaluate(() => window.__shownAt - window.__lastKey);
}

/**
 * One query in a fresh context: bytes and requests until the answer has shown
 * and the network is quiet, ms to it, then `read(page)` (what the answer was;
 * its own requests are not counted) and, with `second`, ms to a second query.
 */
async function measure(name, query, { second = null, shown = ENGINES[name].shown, read = null } = {}) {
  const engine = ENGINES[name];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await context.addInitScript(() => {
      window.__lastKey = 0;
      addEventListener('keydown', () => { window.__lastKey = performance.now(); }, true);
    });
    const page = await context.newPage();
    // Playwright's events include requests from web workers (Pagefind searches in one).
    const finished = [];
    context.on('requestfinished', (request) => finished.push(request));
    await page.goto(engine.host.origin + engine.url, { waitUntil: 'load' });
    const cold = await typeAndTime(page, engine, query, shown);
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
    if (read) result.read = await read(page, query);
    if (second) result.warm = await typeAndTime(page, engine, second);
    return result;
  } finally {
    await context.close();
  }
}

/** `RUNS` measurements, with medians of the figures; null (and a note) when one fails. */
const problems = [];
async function repeated(name, query, options) {
  const runs = [];
  try {
    for (let i = 0; i < RUNS; i++) runs.push(await measure(name, query, options));
  } catch (error) {
    problems.push(`${name} ${query}: ${error.message.split('\n')[0]}`);
    console.error(`${name} ${query} failed: ${error.message}`);
    return null;
  }
  const mid = (key) => (runs[0][key] == null ? null : median(runs.map((r) => r[key])));
  return { bytes: mid('bytes'), requests: mid('requests'), cold: mid('cold'), warm: mid('warm'), reads: runs.map((r) => r.read) };
}

const results = {};
for (const query of QUERIES) {
  const second = QUERIES[(QUERIES.indexOf(query) + 1) % QUERIES.length];
  for (const name of Object.keys(ENGINES)) {
    results[`${name} ${query}`] = await repeated(name, query, { second });
    console.error(`${name} "${query}": ${kb(results[`${name} ${query}`]?.bytes)}`);
  }
}

// 5: titles. The first result as a reader sees it: the first link of the list.
const FIRST = {
  belong: async (page) => page.evaluate(() => {
    const link = document.querySelector('#search-results li a') || document.querySelector('#search-some-list li a');
    return link ? link.href : null;
  }),
  // Pagefind draws a placeholder per result and fills each in as its data
  // arrives: wait for the first one's link, not any link.
  pagefind: async (page) => {
    const first = '.pagefind-ui__results > .pagefind-ui__result:first-child .pagefind-ui__result-link';
    await page.waitForFunction((first) => !document.querySelector('.pagefind-ui__result') || document.querySelector(first), first, { timeout: 30_000 });
    return page.evaluate((first) => document.querySelector(first)?.getAttribute('href') ?? null, first);
  },
};
const titleResults = [];
for (const page of titles) {
  const row = { title: page.title, url: page.url };
  for (const name of Object.keys(ENGINES)) {
    const measured = await repeated(name, page.title, { shown: ENGINES[name].drawn, read: FIRST[name] });
    const origin = ENGINES[name].host.origin;
    row[name] = measured && {
      bytes: measured.bytes,
      cold: measured.cold,
      first: measured.reads.map((href) => href && address(href, origin)),
      // First in every run: the engines are deterministic, so the runs agree.
      found: measured.reads.every((href) => href && address(href, origin) === page.url),
    };
  }
  titleResults.push(row);
  console.error(`title "${page.title}": belong ${yes(row.belong?.found)}, Pagefind ${yes(row.pagefind?.found)}`);
}

// 6: quoted phrases. belong's count is the one its live region announces;
// its engine's own total is kept beside it to show they agree.
const COUNT = {
  belong: async (page, query) => {
    await page.waitForFunction((query) => document.getElementById('search-status').textContent.includes(`\u201c${query}\u201d`), query, { timeout: 30_000 });
    return page.evaluate(async (query) => {
      const status = document.getElementById('search-status').textContent;
      const announced = /^No results/.test(status) ? 0 : Number((/^(\d[\d,]*) results?/.exec(status)?.[1] ?? 'NaN').replace(/,/g, ''));
      const index = BelongSearch.open(document.getElementById('search-form').getAttribute('data-index'), (url) => fetch(url).then((r) => r.json()));
      const answer = await index.search(query);
      return {
        status,
        total: announced,
        engineTotal: answer.total,
        some: answer.some.length,
        first: [...document.querySelectorAll('#search-results li a')].map((link) => link.href),
      };
    }, query);
  },
  // Pagefind's UI shows 5 results at first: its own API gives the first 10.
  pagefind: async (page, query) => page.evaluate(async (query) => {
    const message = document.querySelector('.pagefind-ui__message').textContent;
    const api = await import('/pagefind/pagefind.js');
    const search = await api.search(query);
    const first = await Promise.all(search.results.slice(0, 10).map((result) => result.data()));
    return { status: message, total: search.results.length, first: first.map((data) => data.url) };
  }, query),
};

/** The text of a page's <main>, tags gone and entities decoded, lower-cased. */
function mainText(html) {
  const main = /<main[\s>][\s\S]*?<\/main>/i.exec(html)?.[0] ?? '';
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', rsquo: '\u2019', lsquo: '\u2018', ldquo: '\u201c', rdquo: '\u201d', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026' };
  return main
    .replace(/<(script|style|template)[\s>][\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body) => {
      if (body[0] === '#') return String.fromCodePoint(body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : Number(body.slice(1)));
      return named[body.toLowerCase()] ?? entity;
    })
    .toLowerCase();
}

/** How many of `hrefs` have `phrase`'s words in <main>, next to each other and in order. */
async function holding(hrefs, phrase, origin) {
  const words = phrase.replace(/"/g, '').trim().toLowerCase().split(/\s+/);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('\\s+')}(?![\\p{L}\\p{N}])`, 'u');
  const without = [];
  for (const href of hrefs) {
    const response = await fetch(new URL(href, origin));
    if (!response.ok || !pattern.test(mainText(await response.text()))) without.push(address(href, origin));
  }
  return { checked: hrefs.length, holding: hrefs.length - without.length, without };
}

const phraseResults = {};
for (const query of PHRASES) {
  phraseResults[query] = {};
  for (const name of Object.keys(ENGINES)) {
    const measured = await repeated(name, query, { shown: ENGINES[name].drawn, read: COUNT[name] });
    if (!measured) continue;
    const answer = measured.reads[0];
    const entry = { bytes: measured.bytes, cold: measured.cold, status: answer.status, total: answer.total, engineTotal: answer.engineTotal };
    if (query === PHRASES[0]) entry.check = await holding(answer.first.slice(0, PHRASE_CHECKED), query, ENGINES[name].host.origin);
    phraseResults[query][name] = entry;
    console.error(`${name} ${query}: ${answer.total} results${entry.check ? `, ${entry.check.holding} of ${entry.check.checked} hold it` : ''}`);
  }
}

await browser.close();
for (const engine of Object.values(ENGINES)) engine.host.server.close();

// ---------------------------------------------------------------------------
// 7: report

const on = median(builds.on);
const off = median(builds.off);
const ratio = (a, b) => (a == null || b == null ? 'n/a' : (a / b).toFixed(2));
const pair = (r) => (r ? `${ms(r.cold)}, ${ms(r.warm)}` : 'n/a');
const pagefindName = pagefind
  ? `Pagefind ${pagefindVersion} (content pages' \`<main>\` only: ${pagefind.indexed} pages indexed)`
  : `Pagefind (${pagefindProblem})`;
const titleCountLine = (name) => `${titleResults.filter((row) => row[name]?.found).length} of ${titleResults.length}`;
const phraseCell = (entry) => (entry ? String(entry.total) : 'n/a');
const checkLine = (name, label) => {
  const check = phraseResults[PHRASES[0]][name]?.check;
  if (!check) return `- ${label}: n/a`;
  const all = check.holding === check.checked && check.checked > 0;
  const missing = check.without.length ? ` (without it: ${check.without.join(', ')})` : '';
  return `- ${label}: every one of the first ${check.checked} of ${PHRASES[0]} holds the phrase in \`<main>\`: ${yes(all)}, ${check.holding} of ${check.checked}${missing}`;
};
const belongPhrase = phraseResults[PHRASES[0]].belong;
const lines = [
  `Search at ${PAGES.toLocaleString('en-GB')} pages: belong (built with \`--minify\`) against ${pagefindName}, medians of ${RUNS} runs (builds: ${BUILD_RUNS}).`,
  '',
  '| query | belong bytes | Pagefind bytes | belong/Pagefind | belong requests | Pagefind requests | belong ms to results (cold, then warm) | Pagefind ms (cold, then warm) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...QUERIES.map((query) => {
    const a = results[`belong ${query}`];
    const b = results[`pagefind ${query}`];
    return `| ${query} | ${kb(a?.bytes)} | ${kb(b?.bytes)} | ${ratio(a?.bytes, b?.bytes)} | ${a?.requests ?? 'n/a'} | ${b?.requests ?? 'n/a'} | ${pair(a)} | ${pair(b)} |`;
  }),
  '',
  `Titles: each typed whole; "first" is whether the first result is that page (in every run).`,
  '',
  '| title | belong first | Pagefind first | belong bytes | Pagefind bytes | belong ms | Pagefind ms |',
  '|---|:---:|:---:|---:|---:|---:|---:|',
  ...titleResults.map((row) =>
    `| ${row.title.replace(/\|/g, '\\|')} | ${yes(row.belong?.found)} | ${yes(row.pagefind?.found)} | ${kb(row.belong?.bytes)} | ${kb(row.pagefind?.bytes)} | ${ms(row.belong?.cold)} | ${ms(row.pagefind?.cold)} |`),
  '',
  `belong: ${titleCountLine('belong')} titles first; Pagefind: ${pagefind ? titleCountLine('pagefind') : 'n/a'}`,
  '',
  '| quoted phrase | belong results | Pagefind results | belong bytes | Pagefind bytes |',
  '|---|---:|---:|---:|---:|',
  ...PHRASES.map((query) => {
    const a = phraseResults[query].belong;
    const b = phraseResults[query].pagefind;
    return `| ${query} | ${phraseCell(a)} | ${phraseCell(b)} | ${kb(a?.bytes)} | ${kb(b?.bytes)} |`;
  }),
  '',
  checkLine('belong', 'belong'),
  checkLine('pagefind', 'Pagefind'),
  ...(belongPhrase && belongPhrase.engineTotal !== belongPhrase.total
    ? [`- belong's engine counts ${belongPhrase.engineTotal} for ${PHRASES[0]}, its page announced ${belongPhrase.total}`]
    : []),
  '',
  '| | belong | Pagefind |',
  '|---|---:|---:|',
  `| index build | ${(on - off).toFixed(2)} s added to a ${off.toFixed(2)} s build (${on >= off ? '+' : ''}${(((on - off) / off) * 100).toFixed(0)}%) | ${pagefind ? `${pagefind.seconds.toFixed(2)} s after the build` : 'n/a'} |`,
  `| peak memory | ${median(builds.onMemory)?.toFixed(0) ?? '?'} MB for the whole build (${median(builds.offMemory)?.toFixed(0) ?? '?'} MB without search) | ${pagefind ? `${pagefind.megabytes?.toFixed(0) ?? '?'} MB` : 'n/a'} |`,
  `| index files | ${ours.files} | ${pagefind?.files ?? 'n/a'} |`,
  `| index bytes (as written; as served) | ${kb(ours.raw)}; ${kb(ours.wire)} | ${pagefind ? `${kb(pagefind.raw)}; ${kb(pagefind.wire)}` : 'n/a'} |`,
  '',
  '`belong build --minify --timings`:',
  '',
  '```text',
  timingsBlock,
  '```',
  '',
  'Bytes on the wire: every response (from web workers too) of a fresh browser context (the page, its CSS and scripts, the index) until results show and the network is quiet, headers included.',
  'belong\'s figures include its whole search page; Pagefind\'s page is only its default UI. Warm: a second query typed after the first one\'s results.',
  ...(problems.length ? ['', 'Failed measurements (n/a above):', ...problems.map((problem) => `- ${problem}`)] : []),
];
const report = lines.join('\n');
fs.writeFileSync(path.join(WORK, 'results.md'), `${report}\n`);
fs.writeFileSync(path.join(WORK, 'results.json'), JSON.stringify({
  pages: PAGES, runs: RUNS, builds, timings: timingsBlock, pagefindVersion, pagefindProblem, ours, pagefind, results, titles: titleResults, phrases: phraseResults, problems,
}, null, 2));
console.log(report);
