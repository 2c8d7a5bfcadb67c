// The search page in headless Chromium, as a member of staff uses it: results
// while typing, filters with counts, the address, Back, misspellings, no
// results, the keyboard, axe-core with results and filters on screen at 1280
// and 320 px, a sub-path base URL, and a page opened from a file.
//
// Run: cd tests/browser && npm ci && npm test. Environment as in support.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { REPO, WIDE, NARROW, MINUTE, build, serve, launch, axeViolations, describeViolations } from './support.mjs';

let tmp;
let hub; // the hub served at the root
let sub; // the hub served under /hub/
let context;
let page;
const errors = [];

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-search-'));
    hub = await serve(path.join(tmp, 'hub'));
    sub = await serve(path.join(tmp, 'sub'));
    build(REPO, hub.root, `${hub.origin}/`);
    build(REPO, path.join(sub.root, 'hub'), `${sub.origin}/hub/`);
    context = await launch(path.join(tmp, 'chromium-profile'));
    page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (error) => errors.push(error.message));
  },
  { timeout: 30 * MINUTE },
);

after(async () => {
  await context?.close();
  for (const site of [hub, sub]) site?.server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const status = () => page.locator('#search-status').textContent();
const titles = () => page.locator('#search-results .search-result__title').allTextContents();
const links = () => page.locator('#search-results .search-result__title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));

/** Waits until the status region says something containing `words`. */
async function statusSays(words) {
  await page.waitForFunction((w) => document.getElementById('search-status').textContent.includes(w), words, { timeout: 10_000 });
  return status();
}

/** The count each value of a facet shows, by value: {"Case study": 2}. */
function facetCounts(facet) {
  return page.locator(`details[data-facet="${facet}"] label`).evaluateAll((labels) =>
    Object.fromEntries(labels.map((label) => [label.firstChild.textContent.trim(), Number(label.lastChild.textContent.replace(/\D/g, ''))])),
  );
}

test('?q=turnover puts the EEAST belonging case study first and says how many', async () => {
  await page.goto(`${hub.origin}/search/?q=turnover`);
  assert.match(await statusSays('turnover'), /^\d+ results? for “turnover”$/);
  const hrefs = await links();
  assert.equal(hrefs[0], '/case-studies/eeast-belonging/');
  assert.equal(await page.inputValue('#search-q'), 'turnover');
  const first = page.locator('.search-result').first();
  assert.match(await first.locator('.search-result__meta').textContent(), /Case study · East of England Ambulance Service NHS Trust · 14 August 2023/);
  assert.match(await first.locator('.search-result__excerpt mark').first().textContent(), /^turnover$/i);
});

test('a search with fewer results than a page shows no "show more", and every result once', async () => {
  await page.goto(`${hub.origin}/search/?q=turnover`);
  const said = await statusSays('turnover');
  const count = Number(said.match(/^(\d+)/)[1]);
  assert.ok(count > 0 && count <= 10, said);
  assert.equal((await links()).length, count);
  assert.equal(await page.locator('#search-more').isVisible(), false, 'no "Show more results (0 more)"');
  assert.equal(await page.locator('#search-some').isVisible(), false);
});

test('a word on more pages than a page of results shows each of them once through "show more"', async () => {
  await page.goto(`${hub.origin}/search/?q=staff`);
  const said = await statusSays('staff');
  const count = Number(said.match(/^(\d+)/)[1]);
  assert.ok(count > 10, said);
  assert.equal((await links()).length, 10);
  assert.equal(await page.locator('#search-more').textContent(), `Show more results (${count - 10} more)`);
  while (await page.locator('#search-more').isVisible()) {
    const shown = (await links()).length;
    await page.locator('#search-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('#search-results li').length > n, shown, { timeout: 10_000 });
  }
  const all = await links();
  assert.equal(all.length, count);
  assert.equal(new Set(all).size, count, 'each result once');
});

test('"what reduced turnover" shows pages with some of the words apart, the EEAST case study in the first three', async () => {
  await page.goto(`${hub.origin}/search/?q=${encodeURIComponent('what reduced turnover')}`);
  const said = await statusSays('what reduced turnover');
  assert.match(said, /^\d+ results? for “what reduced turnover”; \d+ pages? ha(s|ve) some of the words$/);
  const some = page.locator('#search-some');
  assert.ok(await some.isVisible());
  assert.equal(await some.getByRole('heading', { level: 2 }).textContent(), 'Pages with some of your words');
  const all = await page.locator('#search-results a, #search-some-list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(all.slice(0, 3).includes('/case-studies/eeast-belonging/'), all.join(', '));
  const withAll = await links();
  const withSome = await page.locator('#search-some-list .search-result__title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(withAll.length >= 1 && withSome.length >= 1);
  assert.ok(withAll.every((href) => !withSome.includes(href)), 'a page is in one list only');
  // The results a page shows fill it; "show more" adds the next ones to the second list.
  const more = page.locator('#search-more');
  if (withAll.length + withSome.length === 10 && (await more.isVisible())) {
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('#search-some-list li').length > n, withSome.length);
  }
});

test('a quoted phrase is searched as a phrase, and kept in the address', async () => {
  await page.goto(`${hub.origin}/search/`);
  await page.locator('#search-q').fill('"turnover in emergency"');
  const said = await statusSays('turnover in emergency');
  assert.match(said, /^1 result for “"turnover in emergency"”$/);
  assert.deepEqual(await links(), ['/case-studies/eeast-belonging/']);
  assert.equal(new URL(page.url()).searchParams.get('q'), '"turnover in emergency"');
  await page.locator('#search-q').fill('"emergency turnover"');
  assert.match(await statusSays('emergency turnover'), /^No results for/);
});

test('typing "allysh" shows allyship content before the word is finished', async () => {
  await page.goto(`${hub.origin}/search/`);
  await page.locator('#search-q').pressSequentially('allysh', { delay: 40 });
  await statusSays('allysh');
  const results = await page.locator('#search-results .search-result').allTextContents();
  assert.ok(results.length > 0);
  // Each result shows the word: in its title or summary, or in "Mentions allyship".
  assert.ok(results.every((text) => /allyship/i.test(text)), results.join('\n'));
  const marks = await page.locator('#search-results mark').allTextContents();
  assert.ok(marks.some((mark) => /^allyship$/i.test(mark)), marks.join(', '));
  assert.equal(new URL(page.url()).searchParams.get('q'), 'allysh', 'the address follows the query');
});

test('the status region announces the count once per search, and nothing while loading', async () => {
  await page.goto(`${hub.origin}/search/`);
  await page.evaluate(() => {
    window.__announced = [];
    new MutationObserver(() => window.__announced.push(document.getElementById('search-status').textContent)).observe(
      document.getElementById('search-status'),
      { childList: true, characterData: true, subtree: true },
    );
  });
  await page.locator('#search-q').pressSequentially('belonging', { delay: 30 });
  await statusSays('belonging');
  await page.waitForTimeout(500);
  const announced = await page.evaluate(() => window.__announced);
  assert.deepEqual(announced, [await status()], `announced: ${JSON.stringify(announced)}`);
  assert.equal(await page.locator('[aria-live], [role=status], [role=alert]').count(), 1, 'one live region');
});

test('keys typed while the index loads skip the stale words: only the last query is drawn', async () => {
  // A slow connection: the index arrives only once the typing is done.
  let typed;
  const done = new Promise((resolve) => { typed = resolve; });
  await page.route('**/search/index.json', async (route) => {
    await done;
    await route.continue();
  });
  try {
    await page.goto(`${hub.origin}/search/`);
    await page.evaluate(() => {
      window.__drawn = [];
      const list = document.getElementById('search-results');
      new MutationObserver(() => window.__drawn.push(list.getAttribute('data-query'))).observe(list, {
        attributes: true,
        attributeFilter: ['data-query'],
      });
    });
    await page.locator('#search-q').pressSequentially('belonging', { delay: 30 });
    typed();
    await statusSays('belonging');
    assert.deepEqual(await page.evaluate(() => window.__drawn), ['belonging']);
  } finally {
    typed();
    await page.unroute('**/search/index.json');
  }
});

test('theme=staff-equality narrows the results, and the other facets count again', async () => {
  await page.goto(`${hub.origin}/search/?q=belonging`);
  await statusSays('belonging');
  const before = Number((await status()).match(/^\d+/)[0]);
  const typesBefore = await facetCounts('type');
  const themes = await facetCounts('theme');
  await page.goto(`${hub.origin}/search/?q=belonging&theme=staff-equality`);
  await statusSays('with these filters');
  const after = Number((await status()).match(/^\d+/)[0]);
  assert.equal(after, themes['Staff equality'], 'the count is the one the theme showed');
  assert.ok(after < before, `${after} < ${before}`);
  const typesAfter = await facetCounts('type');
  assert.notDeepEqual(typesAfter, typesBefore);
  assert.ok(await page.locator('#filter-theme-staff-equality').isChecked());
  // Unticking the box by keyboard widens the results again and records it in the address.
  await page.locator('#filter-theme-staff-equality').focus();
  await page.keyboard.press('Space');
  await page.waitForFunction((n) => document.getElementById('search-status').textContent.startsWith(`${n} `), before);
  assert.equal(new URL(page.url()).searchParams.get('theme'), null);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-theme-staff-equality', 'focus stays on the box');
});

test('a misspelling one edit away finds its page', async () => {
  for (const [typo, expected] of [
    ['alyship', '/toolkits/belonging-primer/'],
    ['psycological', '/toolkits/belonging-primer/'],
  ]) {
    await page.goto(`${hub.origin}/search/`);
    await page.fill('#search-q', typo);
    await statusSays(typo);
    assert.ok((await links()).slice(0, 3).includes(expected), `${typo}: ${await titles()}`);
  }
});

test('"outcomes" offers the evidence table above the results, and "turnover" does not', async () => {
  await page.goto(`${hub.origin}/search/?q=outcomes`);
  await statusSays('outcomes');
  const shortcut = page.locator('#search-shortcuts a');
  assert.equal(await shortcut.getAttribute('href'), '/evidence/');
  assert.match(await page.locator('#search-shortcuts').innerText(), /Evidence: what worked, in figures: Every measured outcome/);
  await page.goto(`${hub.origin}/search/?q=turnover`);
  await statusSays('turnover');
  assert.equal(await page.locator('#search-shortcuts').isVisible(), false);
});

test('a nonsense word shows the no-results help and no empty list', async () => {
  await page.goto(`${hub.origin}/search/?q=xqzvy`);
  assert.equal(await statusSays('xqzvy'), 'No results for “xqzvy”');
  const help = await page.locator('#search-note').innerText();
  assert.match(help, /No pages match “xqzvy”/);
  assert.match(help, /Check the spelling/);
  assert.ok(await page.locator('#browse-heading').isVisible(), 'the browse lists are offered');
  const empty = await page.evaluate(() => [...document.querySelectorAll('ul, ol')].filter((list) => list.offsetParent !== null && list.children.length === 0).length);
  assert.equal(empty, 0);
  // A word close to indexed ones offers them as links.
  await page.goto(`${hub.origin}/search/?q=mentorshipz`);
  await statusSays('mentorshipz');
  const suggestions = await page.locator('#search-note a').allTextContents();
  assert.ok(suggestions.some((word) => word.startsWith('mentor')), suggestions.join(', '));
  await page.locator('#search-note a').first().click();
  await page.waitForFunction(() => /results? for/.test(document.getElementById('search-status').textContent));
});

test('Back restores the previous query and its results', async () => {
  await page.goto(`${hub.origin}/search/?q=turnover`);
  await statusSays('turnover');
  await page.fill('#search-q', 'allyship');
  await statusSays('allyship');
  await page.keyboard.press('Enter');
  await page.goBack();
  await statusSays('turnover');
  assert.equal(await page.inputValue('#search-q'), 'turnover');
  assert.equal((await links())[0], '/case-studies/eeast-belonging/');
  await page.goForward();
  await statusSays('allyship');
  assert.equal(await page.inputValue('#search-q'), 'allyship');
});

test('the header search box on any page leads to results', async () => {
  await page.goto(`${hub.origin}/case-studies/las-belonging/`);
  await page.fill('#site-search-input', 'psychotherapy');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\/\?q=psychotherapy/);
  await statusSays('psychotherapy');
  assert.equal((await links())[0], '/case-studies/las-belonging/');
});

test('the keyboard alone searches, filters and opens a result', async () => {
  await page.goto(`${hub.origin}/search/`);
  await page.locator('#search-q').focus();
  await page.keyboard.type('staff networks');
  await page.keyboard.press('Enter');
  await statusSays('staff networks');
  await page.keyboard.press('Tab'); // the Search button
  await page.keyboard.press('Tab'); // the first facet's summary
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Theme');
  await page.keyboard.press('Tab');
  const box = await page.evaluate(() => document.activeElement.id);
  assert.match(box, /^filter-theme-/);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.getElementById('search-status').textContent.includes('with these filters'));
  // Tab on through the filters to the first result, and open it.
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.closest('.search-result') !== null)) break;
  }
  const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
  assert.ok(href && href.startsWith('/'), `focus reached a result: ${href}`);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === href);
});

for (const [label, size] of [
  ['1280 px', WIDE],
  ['320 px', NARROW],
]) {
  test(`axe-core finds no violations with results and every filter shown at ${label}`, async () => {
    await page.setViewportSize(size);
    try {
      for (const query of ['belonging&theme=staff-equality', 'xqzvy', 'turnvoer staff', 'what reduced turnover', '"staff networks"']) {
        await page.goto(`${hub.origin}/search/?q=${query}`);
        await page.waitForFunction(() => document.getElementById('search-status').textContent !== '');
        await page.evaluate(() => document.querySelectorAll('details.search-facet').forEach((details) => { details.open = true; }));
        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, `?q=${query} at ${label}:\n${describeViolations(violations)}`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= size.width, `${width} px wide at ${label}`);
      }
    } finally {
      await page.setViewportSize(WIDE);
    }
  });
}

test('under a sub-path base URL, search loads its index and links within the sub-path', async () => {
  await page.goto(`${sub.origin}/hub/search/?q=turnover`);
  await statusSays('turnover');
  assert.equal((await links())[0], '/hub/case-studies/eeast-belonging/');
  await page.locator('#search-results a').first().click();
  await page.waitForURL(`${sub.origin}/hub/case-studies/eeast-belonging/`);
});

test('opened from a file, the page says search needs the site served, and keeps its lists', async () => {
  await page.goto(pathToFileURL(path.join(hub.root, 'search', 'index.html')).href);
  const note = page.locator('#search-file-note');
  await note.waitFor({ state: 'visible' });
  assert.match(await note.innerText(), /needs the hub to be served/);
  assert.match(await note.innerText(), /run belong serve/);
  assert.ok(await page.locator('#browse-heading').isVisible());
});

test('the search page ran without a script error', () => {
  assert.deepEqual(errors, []);
});
