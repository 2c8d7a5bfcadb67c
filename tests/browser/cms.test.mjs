// Editing in the browser, as a comms officer does it on their own computer:
// Decap CMS from npm (the very release the admin page pins, its integrity
// checked by the browser) and `decap-server` from npm on the loopback, saving
// into a copy of the hub while `belong serve` previews it.
//
// Steps:
// 1. copy the hub, add `[cms]` with `local = true`, run `belong serve` on it
//    and `decap-server` in it (MODE=fs: files written as they are, no git);
// 2. in Chromium, unpkg.com is answered from node_modules/decap-cms (so the
//    integrity the page names is checked against npm's bytes) and Decap's
//    fixed proxy address (localhost:8081) from decap-server's own port;
//    nothing else leaves the loopback;
// 3. list each collection, edit a case study, make a new one, and check the
//    files, `belong check` and the preview; run axe over the admin page;
// 4. check the generated config.yml against Sveltia CMS's JSON Schema for
//    the config format Decap and Sveltia share.
//
// Environment as in support.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

import { REPO, MINUTE, run, belongBinary, launch, axeViolations, describeViolations, startServe } from './support.mjs';

const require = createRequire(import.meta.url);
const DECAP_DIST = path.dirname(require.resolve('decap-cms/dist/decap-cms.js'));
const DECAP_PACKAGE = JSON.parse(fs.readFileSync(path.join(DECAP_DIST, '..', 'package.json'), 'utf8'));
const DECAP_SERVER = require.resolve('decap-server/dist/index.js');
// The package's exports do not name its schema: read it from its folder.
const SVELTIA_SCHEMA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', '@sveltia', 'cms', 'schema', 'sveltia-cms.json');
/** Where Decap looks for decap-server when the config says `local_backend: true`. */
const DECAP_PROXY = 'http://localhost:8081';
const SECTIONS = [
  ['case-studies', 'Case studies'],
  ['toolkits', 'Toolkits'],
  ['discussions', 'Discussion sets'],
];
const CMS = '\n[cms]\nbackend = "github"\nrepo = "nhs-trust/belonging-hub"\nlocal = true\n';

let tmp;
let root; // the hub copy the CMS edits
let preview; // belong serve on it
let decapServer;
let context;
let page;
const offsite = [];
const fromNpm = [];

/** A port the system has free now, for decap-server (which takes one in PORT and cannot pick its own). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs decap-server in `repo` on `port` and resolves once it listens. */
async function startDecapServer(repo, port) {
  const child = spawn(process.execPath, [DECAP_SERVER], {
    env: { ...process.env, PORT: String(port), BIND_HOST: '127.0.0.1', GIT_REPO_DIRECTORY: repo, MODE: 'fs' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => { log += chunk; });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`decap-server exited ${code}:\n${log}`)));
    const check = () => (log.includes('listening on') ? resolve() : setTimeout(check, 20));
    check();
  });
  return { log: () => log, stop: () => child.kill() };
}

/** `file` cut at its front matter: the YAML parsed (YAML 1.2, as belong reads it) and the body as bytes. */
function readPage(file) {
  const text = fs.readFileSync(file, 'utf8');
  const match = text.match(/^---\n([\s\S]*?)\n---\n/);
  assert.ok(match, `${file} has no front matter`);
  return { fields: YAML.parse(match[1]), body: text.slice(match[0].length) };
}

/** Resolves when `condition()` holds, checking as files and pages change; fails after `ms`. */
async function until(condition, what, ms = 30_000) {
  const started = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens the admin page signed in to decap-server, at the hash route `route`. */
async function openAdmin(route = '') {
  // A fresh load: a change of the hash alone would keep the last form on screen.
  await page.goto('about:blank');
  await page.goto(`${preview.origin}/admin/${route}`);
  const login = page.getByRole('button', { name: 'Login' });
  const signedIn = page.locator('a[href^="#/collections/"]').first();
  await until(async () => (await login.isVisible()) || (await signedIn.isVisible()), 'the CMS to start');
  if (await login.isVisible()) await login.click();
}

/** The titles a collection's list shows, by the entry links Decap draws. */
async function listedTitles(collection) {
  await openAdmin(`#/collections/${collection}`);
  const entries = page.locator(`a[href^="#/collections/${collection}/entries/"]`);
  await entries.first().waitFor();
  return { titles: await entries.allInnerTexts(), links: await entries.evaluateAll((as) => as.map((a) => a.getAttribute('href'))) };
}

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-cms-'));
    root = path.join(tmp, 'hub');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'site.toml'), fs.readFileSync(path.join(REPO, 'site.toml'), 'utf8') + CMS);
    fs.cpSync(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
    preview = await startServe(root);
    const port = await freePort();
    decapServer = await startDecapServer(root, port);

    context = await launch(path.join(tmp, 'chromium-profile'));
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin === 'https://unpkg.com') {
        // The release the page pins, from npm's own package: its integrity is checked against these bytes.
        const [, version, ...file] = url.pathname.split('/');
        fromNpm.push(url.pathname);
        if (version !== `decap-cms@${DECAP_PACKAGE.version}` || file[0] !== 'dist') return route.abort();
        return route.fulfill({
          status: 200,
          contentType: 'text/javascript',
          headers: { 'access-control-allow-origin': '*' },
          body: fs.readFileSync(path.join(DECAP_DIST, ...file.slice(1))),
        });
      }
      if (url.origin === DECAP_PROXY) {
        const response = await route.fetch({ url: route.request().url().replace(DECAP_PROXY, `http://127.0.0.1:${port}`) });
        return route.fulfill({ response });
      }
      if (url.origin === preview.origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      offsite.push(url.href);
      return route.abort();
    });
    page = context.pages()[0] || (await context.newPage());
  },
  { timeout: 10 * MINUTE },
);

after(async () => {
  await context?.close();
  decapServer?.stop();
  await preview?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the admin page loads the Decap CMS release npm has, pinned by version and integrity', async () => {
  const html = await (await fetch(`${preview.origin}/admin/`)).text();
  const script = html.match(/<script src="https:\/\/unpkg\.com\/decap-cms@([^/]+)\/dist\/decap-cms\.js" integrity="([^"]+)"/);
  assert.ok(script, `the admin page has no pinned Decap script:\n${html}`);
  assert.equal(script[1], DECAP_PACKAGE.version, 'the page pins another release than package.json installs');
  const bytes = fs.readFileSync(path.join(DECAP_DIST, 'decap-cms.js'));
  assert.equal(script[2], `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`);
  assert.match(preview.log(), /edit pages in the browser at http:\/\/127\.0\.0\.1:\d+\/admin\//);
  const config = await fetch(`${preview.origin}/admin/config.yml`);
  assert.match(config.headers.get('content-type'), /yaml/);

  // The browser runs the script only when its bytes match the integrity.
  await openAdmin();
  await page.locator('a[href="#/collections/case-studies"]').first().waitFor();
  assert.deepEqual(fromNpm, [`/decap-cms@${DECAP_PACKAGE.version}/dist/decap-cms.js`], 'the CMS loaded more than its script');
  assert.deepEqual(offsite, [], 'the admin page reached off the loopback');
});

test('each collection lists its pages by title, without the section introductions', async () => {
  for (const [section, label] of SECTIONS) {
    const folder = path.join(root, 'content', section);
    const expected = fs
      .readdirSync(folder, { withFileTypes: true })
      .map((entry) => (entry.isDirectory() ? path.join(entry.name, 'index.md') : entry.name))
      .filter((name) => name.endsWith('.md') && name !== '_index.md' && fs.existsSync(path.join(folder, name)))
      .map((name) => readPage(path.join(folder, name)).fields.title)
      .sort();
    assert.ok(expected.length > 0, `${section} has no pages`);
    const { titles, links } = await listedTitles(section);
    assert.deepEqual([...titles].sort(), expected, `${label} lists other titles`);
    assert.ok(!links.some((link) => link.endsWith('/_index')), `${label} lists its _index.md`);
  }
  const { titles } = await listedTitles('introductions');
  assert.ok(titles.some((title) => title.startsWith('Home page')), 'the home page introduction is not listed');
});

test('an edit to a case study changes that field alone, keeps the body byte for byte, and shows in the preview', async () => {
  const file = path.join(root, 'content', 'case-studies', 'eeast-belonging.md');
  const before = readPage(file);
  const changed = `${before.fields.organisation} (EEAST)`;
  await openAdmin('#/collections/case-studies/entries/eeast-belonging');
  const organisation = page.getByLabel('Organisation', { exact: true });
  await until(async () => (await organisation.inputValue()) === before.fields.organisation, 'the form to load');
  await organisation.fill(changed);
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Publish now').click();

  const after = await until(() => {
    const now = readPage(file);
    return now.fields.organisation === changed && now;
  }, 'the edit to be saved');
  assert.equal(after.body, before.body, 'the body changed');
  assert.deepEqual(after.fields, { ...before.fields, organisation: changed });
  run(belongBinary(), ['check', '--root', root]);

  const preview_ = await context.newPage();
  await preview_.goto(`${preview.origin}/case-studies/eeast-belonging/`);
  await until(async () => (await preview_.locator('main').innerText()).includes('(EEAST)') || (await preview_.reload(), false), 'the preview to show the edit');
  await preview_.close();
});

test('a new case study made in the form is a page belong check accepts, named as belong new names it', async () => {
  const title = "Café talks: Bedford's staff voice";
  // belong new, in a scratch hub, says which file this title makes.
  const scratch = path.join(tmp, 'scratch');
  run(belongBinary(), ['init', scratch]);
  const made = run(belongBinary(), ['new', 'case-study', title, '--bundle', '--root', scratch]);
  const named = (made.stdout + made.stderr).match(/content\/case-studies\/([^/]+)\/index\.md/);
  assert.ok(named, `belong new printed no file:\n${made.stdout}${made.stderr}`);
  const file = path.join(root, 'content', 'case-studies', named[1], 'index.md');
  const body = 'Staff asked for a place to talk.[^1]\n\n> [!NOTE]\n> Talks run on every shift.\n\n[^1]: From the 2025 staff survey.\n';

  await openAdmin('#/collections/case-studies/new');
  await page.getByLabel('Title', { exact: true }).first().fill(title);
  await page.getByLabel('Summary', { exact: true }).fill('Cafe-style talks gave staff on every shift a voice.');
  await page.getByLabel('Themes', { exact: true }).click();
  await page.keyboard.type('Staff networks');
  await page.keyboard.press('Enter');
  await page.getByLabel('Organisation', { exact: true }).fill('Bedfordshire Hospitals NHS Foundation Trust');
  await page.getByLabel('Date', { exact: true }).fill('2026-11-30');
  // The raw Markdown editor is the form's last editable region, below the fields.
  await page.locator('[contenteditable="true"]').last().click();
  await page.keyboard.insertText(body);
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Publish now').click();

  const saved = await until(() => fs.existsSync(file) && readPage(file), `${path.relative(root, file)} to be written`);
  assert.deepEqual(saved.fields, {
    title,
    summary: 'Cafe-style talks gave staff on every shift a voice.',
    themes: ['staff-networks'],
    organisation: 'Bedfordshire Hospitals NHS Foundation Trust',
    date: '2026-11-30',
  });
  assert.equal(saved.body.trim(), body.trim());
  run(belongBinary(), ['check', '--root', root]);

  const shown = await context.newPage();
  await until(async () => (await shown.goto(`${preview.origin}/case-studies/${named[1]}/`)).ok(), 'the preview to have the page');
  assert.equal(await shown.locator('h1').innerText(), title);
  assert.match(await shown.locator('main').innerText(), /Talks run on every shift/);
  await shown.close();
});

test('the admin page brings no accessibility violations of its own; the CMS’s are listed in the README', async () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const listed = readme.slice(readme.indexOf('### What the CMS cannot do'));
  const screens = {
    'sign-in': async () => {
      // Signed out: Decap keeps who signed in in local storage.
      await page.goto(`${preview.origin}/admin/`);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.getByRole('button', { name: 'Login' }).waitFor();
    },
    'a collection': async () => {
      await openAdmin('#/collections/case-studies');
      await page.locator('a[href^="#/collections/case-studies/entries/"]').first().waitFor();
    },
    'a case study’s form': async () => {
      await openAdmin('#/collections/case-studies/entries/eeast-belonging');
      await page.locator('[contenteditable="true"]').last().waitFor();
    },
  };
  for (const [screen, open] of Object.entries(screens)) {
    await open();
    // Decap draws everything inside #nc-root; the rest is belong's page.
    const ours = await axeViolations(page, ['#nc-root']);
    assert.deepEqual(ours, [], `${screen}:\n${describeViolations(ours)}`);
    const theirs = await axeViolations(page);
    if (process.env.BELONG_CMS_VIOLATIONS) console.log(`${screen}:\n${describeViolations(theirs)}`);
    for (const violation of theirs) {
      assert.ok(listed.includes(`\`${violation.id}\``), `${screen}: the CMS brings \`${violation.id}\` (${violation.help}), which the README does not list`);
    }
  }
});

test('the generated config is valid against the CMS config schema, for each backend', () => {
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SVELTIA_SCHEMA, 'utf8')));
  const backends = {
    github: '[cms]\nbackend = "github"\nrepo = "nhs-trust/belonging-hub"\nauth_url = "https://auth.example.nhs.uk"\n',
    gitlab: '[cms]\nbackend = "gitlab"\nrepo = "nhs-trust/comms/belonging-hub"\napp_id = "a1b2c3"\ngitlab_url = "https://gitlab.example.nhs.uk"\n',
    'local editing': CMS,
  };
  for (const [name, cms] of Object.entries(backends)) {
    const hub = path.join(tmp, `schema-${name.replace(' ', '-')}`);
    fs.mkdirSync(hub);
    fs.writeFileSync(path.join(hub, 'site.toml'), fs.readFileSync(path.join(REPO, 'site.toml'), 'utf8') + cms);
    fs.cpSync(path.join(REPO, 'content'), path.join(hub, 'content'), { recursive: true });
    run(belongBinary(), ['build', '--root', hub, '--output', path.join(hub, 'public')]);
    const config = YAML.parse(fs.readFileSync(path.join(hub, 'public', 'admin', 'config.yml'), 'utf8'));
    // Decap's alone: Sveltia edits local folders through the browser instead.
    delete config.local_backend;
    const valid = validate(config);
    assert.ok(valid, `${name}: ${JSON.stringify(validate.errors, null, 1)}`);
  }
});
