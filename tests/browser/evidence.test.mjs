// The evidence table in headless Chromium, as a board member or comms lead
// uses it: filters kept in the address, counts said in the status region,
// columns sorted by their header buttons and announced, the whole table
// without JavaScript, axe-core clean with filters and sorting applied at
// 1280 and 320 px, and the page never wider than the window.
//
// Run: cd tests/browser && npm ci && npm test. Environment as in support.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO, CORPUS_SCRIPT, WIDE, NARROW, MINUTE, run, build, serve, launch, axeViolations, describeViolations } from './support.mjs';

let tmp;
let site; // a 300-page corpus: a hundred case studies, a third with outcomes
let hub; // the real hub
let context;
let page;
let plain; // a context with JavaScript off
const errors = [];

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-evidence-'));
    site = await serve(path.join(tmp, 'site'));
    hub = await serve(path.join(tmp, 'hub'));
    build(REPO, hub.root, `${hub.origin}/`);
    run('python3', [CORPUS_SCRIPT, '--pages', '300', '--out', path.join(tmp, 'corpus')]);
    build(path.join(tmp, 'corpus'), site.root, `${site.origin}/`);
    context = await launch(path.join(tmp, 'chromium-profile'));
    page = context.pages()[0] || (await context.newPage());
    await page.setViewportSize(WIDE);
    page.on('pageerror', (error) => errors.push(error.message));
    plain = await launch(path.join(tmp, 'chromium-plain'), { javaScriptEnabled: false });
  },
  { timeout: 30 * MINUTE },
);

after(async () => {
  await context?.close();
  await plain?.close();
  site?.server.close();
  hub?.server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The rows on screen: [measure, case study address, themes] each. */
const visibleRows = (tab = page) =>
  tab.locator('#evidence-table tbody tr:not([hidden])').evaluateAll((rows) =>
    rows.map((row) => ({ measure: row.cells[0].textContent, href: row.querySelector('a').getAttribute('href'), theme: row.dataset.theme, before: row.cells[1].dataset.value })),
  );

test('?theme= shows only that theme\'s outcomes, says how many, and keeps the filter in the address', async () => {
  await page.goto(`${site.origin}/evidence/`);
  const all = await visibleRows();
  assert.ok(all.length >= 20, `${all.length} rows in a 300-page corpus`);
  const belonging = all.filter((row) => row.theme.split(' ').includes('belonging')).length;
  assert.ok(belonging > 0 && belonging < all.length, `${belonging} of ${all.length}`);

  await page.goto(`${site.origin}/evidence/?theme=belonging`);
  const shown = await visibleRows();
  assert.equal(shown.length, belonging);
  assert.ok(shown.every((row) => row.theme.split(' ').includes('belonging')));
  assert.equal(await page.inputValue('#evidence-theme'), 'belonging');
  assert.match(await page.locator('#evidence-status').textContent(), new RegExp(`^Showing ${belonging} of ${all.length} outcomes \\(theme Belonging\\), from \\d+ case stud`));

  // A second filter narrows further, and the address says both.
  const region = await page.locator('#evidence-region option').nth(1).getAttribute('value');
  await page.selectOption('#evidence-region', region);
  await page.waitForFunction((r) => new URL(location.href).searchParams.get('region') === r, region);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('theme'), 'belonging');
  const both = await visibleRows();
  assert.ok(both.length <= belonging);

  // Reloading the address shows the same rows; "show every outcome" clears it.
  await page.reload();
  assert.deepEqual(await visibleRows(), both);
  await page.click('#evidence-clear');
  assert.equal((await visibleRows()).length, all.length);
  assert.equal(new URL(page.url()).search, '');
  assert.match(await page.locator('#evidence-status').textContent(), /^Showing every outcome/);

  // A measure filter reads the measure's own slug.
  const measure = await page.locator('#evidence-measure option').nth(1).getAttribute('value');
  await page.goto(`${site.origin}/evidence/?measure=${measure}`);
  const measured = await visibleRows();
  assert.ok(measured.length > 0 && measured.every((row) => row.measure === measured[0].measure));
});

test('on the real hub, ?theme= keeps EEAST\'s turnover row for its themes and says when none is left', async () => {
  await page.goto(`${hub.origin}/evidence/?theme=belonging`);
  const shown = await visibleRows();
  assert.deepEqual(shown.map((row) => row.href), ['/case-studies/eeast-belonging/']);
  assert.equal(shown[0].measure, 'Staff turnover in emergency operations');
  await page.goto(`${hub.origin}/evidence/?theme=allyship`);
  assert.equal((await visibleRows()).length, 0);
  assert.match(await page.locator('#evidence-status').textContent(), /^No outcome matches theme allyship/);
  await page.click('#evidence-clear');
  assert.equal((await visibleRows()).length, 1);
  const tab = plain.pages()[0] || (await plain.newPage());
  await tab.goto(`${hub.origin}/evidence/?theme=allyship`);
  assert.equal((await visibleRows(tab)).length, 1, 'without JavaScript the whole table shows');
});

test('without JavaScript the whole table shows, and no filter that cannot work', async () => {
  const tab = plain.pages()[0] || (await plain.newPage());
  await tab.goto(`${site.origin}/evidence/`);
  await page.goto(`${site.origin}/evidence/`);
  const all = (await visibleRows()).length;
  await tab.goto(`${site.origin}/evidence/?theme=belonging`);
  assert.equal((await visibleRows(tab)).length, all);
  assert.equal(await tab.locator('#evidence-filters').isVisible(), false);
  assert.equal(await tab.locator('th button').count(), 0, 'no sort buttons that do nothing');
});

test('a column header sorts the rows, sets aria-sort and says so; again, the other way', async () => {
  await page.goto(`${site.origin}/evidence/`);
  const header = page.locator('#evidence-table thead th', { hasText: 'Before' });
  const button = header.locator('button');
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  const up = (await visibleRows()).map((row) => Number(row.before));
  assert.deepEqual(up, [...up].sort((a, b) => a - b));
  assert.equal(await page.locator('#evidence-sorted').textContent(), 'Sorted by Before, lowest first.');
  await page.keyboard.press('Enter');
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const down = (await visibleRows()).map((row) => Number(row.before));
  assert.deepEqual(down, [...down].sort((a, b) => b - a));
  assert.equal(await page.locator('#evidence-table thead th[aria-sort]').count(), 1, 'only the sorted column says it is');
  // A text column sorts A to Z, and the filters still apply to the new order.
  await page.locator('#evidence-table thead th', { hasText: 'Organisation' }).locator('button').click();
  assert.equal(await page.locator('#evidence-sorted').textContent(), 'Sorted by Organisation, A to Z.');
  await page.selectOption('#evidence-theme', 'belonging');
  const organisations = await page.locator('#evidence-table tbody tr:not([hidden]) td:nth-of-type(7)').allTextContents();
  assert.deepEqual(organisations, [...organisations].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })));
});

for (const [label, size] of [['1280 px', WIDE], ['320 px', NARROW]]) {
  test(`filtered and sorted, axe-core finds no violations at ${label}, and the page is no wider than the window`, { timeout: 5 * MINUTE }, async () => {
    await page.setViewportSize(size);
    await page.goto(`${site.origin}/evidence/?theme=belonging`);
    await page.locator('#evidence-table thead th', { hasText: 'Change' }).locator('button').click();
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, describeViolations(violations));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${wide} px of sideways scroll at ${size.width} px`);
    await page.setViewportSize(WIDE);
  });
}

test('the evidence page ran without a script error', () => {
  assert.deepEqual(errors, []);
});
