// What the browser suites share: building a hub with belong, serving it on
// 127.0.0.1, launching headless Chromium, and running axe-core in a page.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
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

/** Builds the site at `root` into `output` with `baseUrl`. */
export function build(root, output, baseUrl) {
  const args = ['build', '--root', root, '--output', output, '--base-url', baseUrl];
  if (process.env.BELONG_BIN) {
    run(process.env.BELONG_BIN, args, { cwd: REPO });
  } else {
    run('cargo', ['run', '--release', '--quiet', '--', ...args], { cwd: REPO });
  }
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

/** Headless Chromium with a fresh profile in `profile`, as every suite launches it. */
export function launch(profile) {
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
  });
}

export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const results = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ html: node.html, target: node.target.join(' '), summary: node.failureSummary })),
    }));
  }, AXE_TAGS);
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
