// The W3C Nu HTML checker (vnu.jar, the checker behind validator.w3.org/nu)
// over every page belong writes: no errors and no warnings. html-validate
// (hub.test.mjs) checks the same pages against its own rules; the Nu checker
// is the reference for what HTML is valid and warns about ARIA misuse
// (a <section> with no heading, a role an element already has).
//
// Steps:
// 1. build the real hub, a copy of tests/fixtures/basic with a draft page
//    and a 1,200 px picture added and `[cms]` on (the editor's page), built with --drafts so
//    the draft markup is checked too, and
//    tests/fixtures/components, a page holding every component;
// 2. run one java process over every .html file of all three (it is slow to start);
// 3. one test per build, each listing every message with file, line and text.
//
// Needs Java (Debian's default-jre-headless). Environment: BELONG_BIN.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

import { REPO, MINUTE, DRAFT_CASE_STUDY, build, copyFixture, htmlFiles, png } from './support.mjs';

const require = createRequire(import.meta.url);
const VNU_JAR = require('vnu-jar');

let tmp;
let sites; // [{ name, root }]
let messages; // every message the checker printed, with `file` relative to its site


before(
  () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-vnu-'));
    const hub = { name: 'hub', root: path.join(tmp, 'hub') };
    build(REPO, hub.root, 'https://hub.example.org/');

    const source = copyFixture('basic', path.join(tmp, 'basic'));
    fs.writeFileSync(path.join(source, 'content', 'case-studies', 'unready.md'), DRAFT_CASE_STUDY);
    // The browser editor's page too.
    fs.appendFileSync(path.join(source, 'site.toml'), '\n[cms]\nbackend = "github"\nrepo = "nhs-trust/belonging-hub"\n');
    // A picture wide enough to go out at several widths: srcset and sizes.
    fs.writeFileSync(path.join(source, 'content', 'case-studies', 'bundle', 'photo.png'), png(1200, 800));
    const fixture = { name: 'basic fixture with --drafts', root: path.join(tmp, 'basic-site') };
    build(source, fixture.root, 'https://example.org/sub/', ['--drafts']);
    assert.ok(fs.existsSync(path.join(fixture.root, 'case-studies', 'unready', 'index.html')), 'the draft page was not built');
    assert.ok(fs.existsSync(path.join(fixture.root, 'admin', 'index.html')), 'the editor page was not built');
    const components = { name: 'components fixture', root: path.join(tmp, 'components-site') };
    build(copyFixture('components', path.join(tmp, 'components')), components.root, 'https://example.org/');
    sites = [hub, fixture, components];

    const files = sites.flatMap((site) => htmlFiles(site.root));
    // --exit-zero-always: the messages say what failed; a non-zero status is
    // kept for the checker itself failing (no Java, a broken jar).
    const result = spawnSync('java', ['-jar', VNU_JAR, '--format', 'json', '--exit-zero-always', ...files], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (result.error) throw new Error(`could not run java (install default-jre-headless): ${result.error.message}`);
    assert.equal(result.status, 0, `vnu.jar exited ${result.status}:\n${result.stderr}`);
    // The JSON report goes to stderr.
    messages = JSON.parse(result.stderr).messages.map((message) => {
      const file = message.url ? decodeURIComponent(new URL(message.url).pathname) : '';
      const site = sites.find((candidate) => file.startsWith(candidate.root + path.sep));
      return { ...message, site: site?.name, file: site ? `/${path.relative(site.root, file).split(path.sep).join('/')}` : file };
    });
  },
  { timeout: 10 * MINUTE },
);

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Errors, checker failures and warnings; plain "info" notes are left out. */
function findings(site) {
  return messages.filter(
    (message) =>
      (message.site === site.name || message.site === undefined) &&
      (message.type === 'error' || message.type === 'non-document-error' || message.subType === 'warning'),
  );
}

function describe(found) {
  return found
    .map((m) => {
      const kind = m.subType ? `${m.type} (${m.subType})` : m.type;
      const extract = m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
      return `  ${m.file}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'} ${kind}: ${m.message}${extract}`;
    })
    .join('\n');
}

for (const name of ['hub', 'basic fixture with --drafts', 'components fixture']) {
  test(`the Nu HTML checker finds no errors or warnings: ${name}`, () => {
    const site = sites.find((candidate) => candidate.name === name);
    const found = findings(site);
    assert.equal(found.length, 0, `${found.length} Nu checker message(s) in the ${name} build:\n${describe(found)}`);
  });
}
