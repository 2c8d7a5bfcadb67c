// What the browser suites share: building a hub with belong, serving it on
// 127.0.0.1, launching headless Chromium, and running axe-core in a page.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CORPUS_SCRIPT =
  process.env.BELONG_CORPUS_SCRIPT || path.resolve(REPO, '..', 'shared', 'bench', 'gen_corpus.py');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 320, height: 640 };
export const MINUTE = 60_000;
const AXE = require.resolve('axe-core/axe.min.js');

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** The belong binary: BELONG_BIN, or the release build (built if needed). */
export function belongBinary() {
  if (process.env.BELONG_BIN) return process.env.BELONG_BIN;
  run('cargo', ['build', '--release', '--quiet'], { cwd: REPO });
  return path.join(REPO, 'target', 'release', 'belong');
}

/**
 * Builds the site at `root` into `output` with `baseUrl`; `extra` adds flags such as `--drafts`.
 * BELONG_BUILD_FLAGS adds flags to every build: `npm run test:minified` runs the suite
 * again over sites built with `--minify`.
 */
export function build(root, output, baseUrl, extra = []) {
  const flags = (process.env.BELONG_BUILD_FLAGS || '').split(' ').filter(Boolean);
  run(belongBinary(), ['build', '--root', root, '--output', output, '--base-url', baseUrl, ...extra, ...flags], { cwd: REPO });
}

/** Copies the fixture hub `tests/fixtures/<name>` to `into`, to edit it there. */
export function copyFixture(name, into) {
  fs.cpSync(path.join(REPO, 'tests', 'fixtures', name), into, { recursive: true });
  return into;
}

/** A draft case study for a copied fixture (themes and region from tests/fixtures/basic). */
export const DRAFT_CASE_STUDY = `---
title: "Not ready yet"
summary: "A case study still being written."
themes: ["allyship"]
organisation: "London Ambulance Service NHS Trust"
region: "London"
date: 2030-01-01
draft: true
---

Work in progress.
`;

/**
 * Runs `belong serve` on the hub at `root` and resolves once it prints the
 * address it serves: on `port`, or on one the system picks (port 0).
 * `log()` is everything it printed; `stop()` ends it.
 */
export async function startServe(root, port = 0, extra = []) {
  const child = spawn(belongBinary(), ['serve', '--root', root, '--port', String(port), ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { log += chunk; });
  const started = Date.now();
  while (!log.includes('serving http://')) {
    if (child.exitCode !== null) throw new Error(`belong serve exited ${child.exitCode}:\n${log}`);
    if (Date.now() - started > 60_000) throw new Error(`belong serve did not start:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const served = log.match(/serving http:\/\/127\.0\.0\.1:(\d+)\//);
  if (!served) throw new Error(`belong serve printed no address:\n${log}`);
  return {
    origin: `http://127.0.0.1:${served[1]}`,
    log: () => log,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGINT');
    }),
  };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
};

/** A static server for `root` on 127.0.0.1: folders serve index.html, missing files 404.html. */
export async function serve(root) {
  const server = http.createServer((request, response) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(pathname));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    let status = 200;
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      status = 404;
      file = path.join(root, '404.html');
    }
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { root, server, origin: `http://127.0.0.1:${server.address().port}` };
}

/**
 * Headless Chromium with a fresh profile in `profile`, as every suite launches it;
 * `options` adds to the context's (a `viewport`, a `deviceScaleFactor`).
 */
export function launch(profile, options = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
    viewport: WIDE,
    reducedMotion: 'reduce',
    ...options,
  });
}

/** Every .html file under `dir`, sorted. */
export function htmlFiles(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...htmlFiles(full));
    else if (entry.name.endsWith('.html')) files.push(full);
  }
  return files.sort();
}

/** Lets the browser reach only `origins` (and data: URLs); every other request is aborted and pushed to `offsite`. */
export async function keepOnLoopback(context, origins, offsite) {
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (origins.some((origin) => url.startsWith(`${origin}/`)) || url.startsWith('data:')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
}

/** axe-core's violations on `page`, leaving out what the CSS selectors in `exclude` match. */
export async function axeViolations(page, exclude = []) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async ({ tags, exclude }) => {
    const context = exclude.length ? { exclude: exclude.map((selector) => [selector]) } : document;
    const results = await window.axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ html: node.html, target: node.target.join(' '), summary: node.failureSummary })),
    }));
  }, { tags: AXE_TAGS, exclude });
}

export function describeViolations(violations) {
  return violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes.map((node) => `    ${node.target}\n      ${node.html}\n      ${(node.summary || '').replace(/\n/g, '\n      ')}`).join('\n'),
    )
    .join('\n');
}

/** A `width` by `height` RGB PNG of a diagonal gradient. */
export function png(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1); // each row starts with filter type 0
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, (y * 255) / height, 160], row + 1 + x * 3);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
