// `belong serve` in headless Chromium, as an author uses it: a case study open
// while its Markdown is edited on disk, a burst of saves, a save made while
// the page's event stream is still connecting, a stylesheet changed under a
// scrolled page, a broken save and its fix, a hub that starts broken, and the
// server restarted under an open page. axe-core runs with the error overlay
// on screen.
//
// Run: cd tests/browser && npm ci && npm test. Environment as in support.mjs;
// BELONG_SERVE_REPEAT=20 runs the burst and held-stream tests 20 times each.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO, MINUTE, run, belongBinary, launch, axeViolations, describeViolations, startServe } from './support.mjs';

const CASE = path.join('content', 'case-studies', 'las-belonging.md');
const URL_PATH = '/case-studies/las-belonging/';
const REPEAT = Number(process.env.BELONG_SERVE_REPEAT || 1);

let tmp;
let context;
let page;
const errors = [];

/** A copy of the hub (site.toml and content/) at `root`. */
function copyHub(root) {
  fs.mkdirSync(root, { recursive: true });
  fs.copyFileSync(path.join(REPO, 'site.toml'), path.join(root, 'site.toml'));
  fs.cpSync(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
}

/** A seeded source of numbers in [0, 1), so a failing run can be named and repeated. */
function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `text` to `file` as editors save: in place, or to a temporary file renamed over it. */
function save(file, text, renamed) {
  if (!renamed) return fs.writeFileSync(file, text);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

/** Replaces `from` with `to` in the file at `file`, written in place as an editor saves. */
function edit(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} has no ${JSON.stringify(from)}`);
  fs.writeFileSync(file, text.replace(from, to));
}

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-serve-'));
    context = await launch(path.join(tmp, 'chromium-profile'));
    page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (error) => errors.push(error.message));
  },
  { timeout: 30 * MINUTE },
);

after(async () => {
  await context?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('an edit to an open case study shows without a reload by hand, at the same scroll position', async () => {
  const root = path.join(tmp, 'edit');
  copyHub(root);
  const server = await startServe(root);
  try {
    await page.goto(server.origin + URL_PATH);
    await page.evaluate(() => window.scrollTo(0, 600));
    await page.waitForFunction(() => window.scrollY === 600);
    edit(path.join(root, CASE), 'Five staff networks', 'Five staff networks, saved a moment ago');
    await page.waitForFunction(() => document.body.innerText.includes('saved a moment ago'), null, { timeout: 10_000 });
    await page.waitForFunction(() => Math.abs(window.scrollY - 600) < 2, null, { timeout: 5_000 });
    assert.match(server.log(), /las-belonging\.md changed: .* in \d+ ms/);

    // The server restarts under the open page: the page reconnects by
    // itself and the next edit still shows.
    await server.stop();
    const again = await startServe(root, Number(new URL(server.origin).port));
    try {
      await page.waitForLoadState('load');
      edit(path.join(root, CASE), 'saved a moment ago', 'saved after a restart');
      await page.waitForFunction(() => document.body.innerText.includes('saved after a restart'), null, {
        timeout: 20_000,
      });
    } finally {
      await again.stop();
    }
  } finally {
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});

test('/_report/ lists what `belong report` lists, passes axe at 1280 and 320 px, and follows a save', async () => {
  const root = path.join(tmp, 'report');
  copyHub(root);
  const server = await startServe(root);
  try {
    assert.match(server.log(), /is at http:\/\/127\.0\.0\.1:\d+\/_report\//);
    await page.goto(`${server.origin}/_report/`);
    assert.equal(await page.locator('h1').textContent(), 'Content report');
    const expected = run(belongBinary(), ['report', '--root', root, '--format', 'json']).stdout.trim().split('\n').map((line) => JSON.parse(line));
    const listed = await page.locator('main section li').count();
    assert.equal(listed, expected.length, 'one item per finding');
    assert.match(await page.locator('[role=status]').textContent(), new RegExp(`^${expected.length} findings in`));
    for (const size of [{ width: 1280, height: 900 }, { width: 320, height: 640 }]) {
      await page.setViewportSize(size);
      const violations = await axeViolations(page);
      assert.equal(violations.length, 0, describeViolations(violations));
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 0, `${wide} px of sideways scroll at ${size.width} px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.equal(await page.locator('#word-to-avoid').count(), 1);
    const before = await page.locator('section[aria-labelledby=word-to-avoid] li').count();
    // A save that adds a word to avoid shows on the open report by itself.
    edit(path.join(root, CASE), 'Five staff networks', 'We utilise five staff networks');
    await page.waitForFunction(
      (count) => document.querySelectorAll('section[aria-labelledby=word-to-avoid] li').length === count + 1,
      before,
      { timeout: 10_000 },
    );
    assert.match(await page.locator('main').innerText(), /las-belonging\.md:\d+\s+R012 word-to-avoid\s+"utilise": say use/);
  } finally {
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});

test('a burst of 25 saves ends with the open page showing the last one', async () => {
  const root = path.join(tmp, 'burst');
  copyHub(root);
  const file = path.join(root, CASE);
  const original = fs.readFileSync(file, 'utf8');
  assert.ok(original.includes('Five staff networks'));
  const server = await startServe(root);
  try {
    for (let run = 0; run < REPEAT; run += 1) {
      const seed = 0x5eed + run;
      const next = random(seed);
      await page.goto(server.origin + URL_PATH);
      for (let number = 1; number <= 25; number += 1) {
        const text = original.replace('Five staff networks', `Five staff networks, burst save ${run}-${number}.`);
        save(file, text, next() < 0.5);
        await sleep(Math.floor(next() * 250));
      }
      const last = `burst save ${run}-25.`;
      try {
        await page.waitForFunction((wanted) => document.body.innerText.includes(wanted), last, { timeout: 8_000 });
      } catch (error) {
        const shown = await page.evaluate(() => (document.body.innerText.match(/burst save [\d-]+\./) || ['none'])[0]);
        throw new Error(`run ${run} (seed ${seed}): after 8 s the page shows ${shown}, not ${last}\n${server.log()}`);
      }
    }
  } finally {
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});

test('a save made while the page is still connecting its event stream shows', async () => {
  const root = path.join(tmp, 'held');
  copyHub(root);
  const file = path.join(root, CASE);
  const original = fs.readFileSync(file, 'utf8');
  const server = await startServe(root);
  // The page's event stream reaches the server 1.5 s after the page asks
  // for it, as on a slow laptop; the page itself comes at once.
  let held = 0;
  await page.route('**/__belong/events*', async (route) => {
    held += 1;
    await sleep(1_500);
    await route.continue().catch(() => {});
  });
  try {
    for (let run = 0; run < REPEAT; run += 1) {
      const before = held;
      await page.goto(server.origin + URL_PATH);
      // The save lands once the page is shown but before its stream connects.
      while (held === before) await sleep(5);
      const wanted = `saved while connecting ${run}.`;
      save(file, original.replace('Five staff networks', `Five staff networks, ${wanted}`), false);
      try {
        await page.waitForFunction((text) => document.body.innerText.includes(text), wanted, { timeout: 8_000 });
      } catch (error) {
        throw new Error(`run ${run}: the page never showed the save made while it connected\n${server.log()}`);
      }
    }
  } finally {
    await page.unroute('**/__belong/events*');
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});

test("the hub's warnings show in a notice that keeps out of the way, updates and can be dismissed", async () => {
  const root = path.join(tmp, 'warnings');
  copyHub(root);
  const file = path.join(root, CASE);
  const original = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, original.replace('Five staff networks', 'Five staff networks ([click here](../toolkits/belonging-primer.md))'));
  const server = await startServe(root);
  try {
    await page.goto(server.origin + URL_PATH);
    const notice = page.locator('#belong-warnings');
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    const summary = await notice.locator('summary').innerText();
    const count = Number(summary.match(/(\d+) warnings?/)[1]);
    assert.ok(count >= 1, summary);
    // Closed, and the reader's focus is where it was.
    assert.equal(await notice.locator('details').evaluate((details) => details.open), false);
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
    let violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    // Opened from the keyboard, it names the file, the line and the fix.
    await notice.locator('summary').focus();
    await page.keyboard.press('Enter');
    const text = await notice.innerText();
    assert.match(text, /las-belonging\.md, line \d+/);
    assert.match(text, /W006 vague-link-text/);
    assert.match(text, /Fix: /);
    violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));

    // The warning fixed: the notice counts one fewer, without a reload by hand.
    fs.writeFileSync(file, original);
    await page.waitForFunction(
      (before) => {
        const shown = document.querySelector('#belong-warnings summary');
        const now = shown ? Number((shown.innerText.match(/(\d+) warnings?/) || [0, 0])[1]) : 0;
        return now === before - 1;
      },
      count,
      { timeout: 10_000 },
    );
    if (count > 1) {
      await page.getByRole('button', { name: 'Dismiss warnings' }).click();
      await notice.waitFor({ state: 'detached' });
    }
  } finally {
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});

test('a stylesheet change restyles the open page without reloading it', async () => {
  const root = path.join(tmp, 'style');
  copyHub(root);
  const server = await startServe(root);
  try {
    await page.goto(server.origin + URL_PATH);
    await page.evaluate(() => {
      window.notReloaded = true;
      window.scrollTo(0, 500);
    });
    await page.waitForFunction(() => window.scrollY === 500);
    const theme = fs.readFileSync(path.join(REPO, 'themes', 'hub', 'static', 'style.css'), 'utf8');
    fs.mkdirSync(path.join(root, 'static'));
    fs.writeFileSync(path.join(root, 'static', 'style.css'), `${theme}\nh1 { color: rgb(1, 2, 3); }\n`);
    await page.waitForFunction(() => getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)', null, {
      timeout: 10_000,
    });
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page reloaded');
    assert.equal(await page.evaluate(() => window.scrollY), 500);
    assert.equal(await page.locator('link[rel="stylesheet"]').count(), 1);
  } finally {
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});

test('a broken save shows an accessible overlay naming the file and line; the fix takes it away', async () => {
  const root = path.join(tmp, 'break');
  copyHub(root);
  const server = await startServe(root);
  try {
    await page.goto(server.origin + URL_PATH);
    const heading = await page.locator('h1').innerText();
    edit(path.join(root, CASE), 'date: 2023-08-14', 'date: 2023-14-08');
    const overlay = page.locator('#belong-overlay');
    await overlay.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await overlay.innerText();
    assert.match(text, /The hub did not build/);
    assert.match(text, /content\/case-studies\/las-belonging\.md, line 7/);
    assert.equal(await overlay.getAttribute('role'), 'alertdialog');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'belong-overlay');
    // The last good page is still there underneath.
    assert.equal(await page.locator('h1').innerText(), heading);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));

    // Dismissed, it goes; the same errors do not bring it back.
    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached' });

    edit(path.join(root, CASE), 'date: 2023-14-08', 'date: 2023-08-14');
    edit(path.join(root, CASE), 'title: "', 'title: "Fixed: ');
    await page.waitForFunction(() => document.querySelector('h1').innerText.startsWith('Fixed: '), null, {
      timeout: 10_000,
    });
    assert.equal(await overlay.count(), 0);

    // Broken again and fixed again, without dismissing: the overlay comes
    // and goes by itself.
    edit(path.join(root, CASE), 'date: 2023-08-14', 'date: 2023-14-08');
    await overlay.waitFor({ state: 'visible', timeout: 10_000 });
    edit(path.join(root, CASE), 'date: 2023-14-08', 'date: 2023-08-14');
    await overlay.waitFor({ state: 'detached', timeout: 10_000 });
  } finally {
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});

test('a hub that starts broken shows the overlay on every address, and its pages once fixed', async () => {
  const root = path.join(tmp, 'broken');
  copyHub(root);
  edit(path.join(root, CASE), 'date: 2023-08-14', 'date: 2023-14-08');
  const server = await startServe(root);
  try {
    for (const address of ['/', URL_PATH, '/no/such/page/']) {
      const response = await page.goto(server.origin + address);
      assert.equal(response.status(), 500);
      const overlay = page.locator('#belong-overlay');
      await overlay.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await overlay.innerText(), /las-belonging\.md, line 7/);
      assert.match(await page.locator('main').innerText(), /las-belonging\.md, line 7/);
    }
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    await page.goto(server.origin + URL_PATH);
    edit(path.join(root, CASE), 'date: 2023-14-08', 'date: 2023-08-14');
    await page.waitForFunction(() => document.querySelector('h1')?.innerText.includes('London Ambulance Service'), null, {
      timeout: 10_000,
    });
    assert.equal(await page.locator('#belong-overlay').count(), 0);
  } finally {
    await server.stop();
  }
  assert.deepEqual(errors.splice(0), []);
});
