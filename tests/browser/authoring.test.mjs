// What authors put in front matter and Markdown reaches the reader, in
// Chromium: a page's picture, the draft marker, a wide table at 320 px, and a
// discussion set printed as a workshop handout.
//
// Steps:
// 1. copy tests/fixtures/basic, give its bundled case study a real picture
//    (the fixture's photo.png is only a PNG signature, which no browser can
//    draw) and add a draft case study; build it with --drafts;
// 2. build the real hub; serve both on 127.0.0.1 and block any other request;
// 3. check each in headless Chromium; print with Chromium's PDF printer and
//    read the PDF back with poppler's pdfinfo and pdftotext.
//
// Needs poppler-utils. Environment: BELONG_BIN, CHROMIUM.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  REPO,
  WIDE,
  NARROW,
  MINUTE,
  DRAFT_CASE_STUDY,
  run,
  build,
  copyFixture,
  serve,
  launch,
  axeViolations,
  describeViolations,
  keepOnLoopback,
  png,
} from './support.mjs';

const ALT = 'Staff at a network meeting'; // tests/fixtures/basic/content/case-studies/bundle/index.md
const PICTURE = { width: 1200, height: 800 }; // wider than any text column
const DISCUSSION = '/discussions/belonging-primer-questions/';
const HANDOUT = '/discussions/long-links/'; // added to the fixture copy below
// A shared-drive address as authors paste them: 180 characters with no place
// a browser would break a line (no slash or hyphen for 150 of them).
const LONG_URL =
  'https://nhs.sharepoint.com/sites/belonging/Shared%20Documents/Forms/AllItems.aspx?id=%2Fsites%2Fbelonging%2FShared%20Documents%2FWorkshops%2FHandout%5FBelonging%5FQuestions%5F2024%2Epdf&viewid=3f2a9c41';
const LONG_LINKS = `---
title: "Questions with long links"
summary: "A handout whose links are long shared-drive addresses."
themes: ["belonging"]
date: 2022-04-02
questions:
  - "What does belonging mean to you?"
resources:
  - title: "The workshop handout on the shared drive"
    url: "${LONG_URL}"
---

Print [the workshop handout](${LONG_URL}) for each person, or open <${LONG_URL}> on screen.

| Question | Where to read about it |
| --- | --- |
| 1 | <${LONG_URL}> |
`;
const OUTCOMES = '/case-studies/eeast-belonging/'; // its outcomes table is wider than 320 px

let tmp;
let fixture; // { root, origin, server }
let hub;
let context;
let tab;
const offsite = [];

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-authoring-'));
    const source = copyFixture('basic', path.join(tmp, 'basic'));
    fs.writeFileSync(path.join(source, 'content', 'case-studies', 'bundle', 'photo.png'), png(PICTURE.width, PICTURE.height));
    fs.writeFileSync(path.join(source, 'content', 'case-studies', 'unready.md'), DRAFT_CASE_STUDY);
    fs.writeFileSync(path.join(source, 'content', 'discussions', 'long-links.md'), LONG_LINKS);
    fixture = await serve(path.join(tmp, 'basic-site'));
    build(source, fixture.root, `${fixture.origin}/`, ['--drafts']);
    hub = await serve(path.join(tmp, 'hub'));
    build(REPO, hub.root, `${hub.origin}/`);

    context = await launch(path.join(tmp, 'chromium-profile'));
    const allowed = [fixture.origin, hub.origin];
    await keepOnLoopback(context, allowed, offsite);
    tab = context.pages()[0] || (await context.newPage());
  },
  { timeout: 10 * MINUTE },
);

after(async () => {
  await context?.close();
  for (const site of [fixture, hub]) site?.server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function visit(site, pathname, options = {}) {
  const response = await tab.goto(site.origin + pathname, { waitUntil: 'load', ...options });
  assert.equal(response.status(), 200, `${pathname} answered ${response.status()}`);
}

async function assertNoAxeViolations(pathname, width) {
  const violations = await axeViolations(tab);
  assert.equal(violations.length, 0, `${violations.length} axe violation(s) on ${pathname} at ${width} px:\n${describeViolations(violations)}`);
}

/** The list page of `section` in the fixture build whose cards link to `pathname`. */
function listPageWith(section, pathname) {
  const candidates = [`/${section}/`];
  const paged = path.join(fixture.root, section, 'page');
  if (fs.existsSync(paged)) for (const number of fs.readdirSync(paged).sort()) candidates.push(`/${section}/page/${number}/`);
  // Quotes are optional: a minified build leaves them off where HTML allows.
  const card = new RegExp(`class="?card__link"? href="?${pathname}"?[ >]`);
  const found = candidates.find((candidate) => card.test(fs.readFileSync(path.join(fixture.root, candidate, 'index.html'), 'utf8')));
  assert.ok(found, `no list page of /${section}/ has a card for ${pathname}`);
  return found;
}

/** The card on this page whose title links to `pathname`. */
function card(pathname) {
  return tab.locator('.card', { has: tab.locator(`a.card__link[href="${pathname}"]`) });
}

// ---------------------------------------------------------------------------
// A page's picture

test('a page picture shows in the page header with its alt text, no wider than the page, and nothing moves when it loads', { timeout: 5 * MINUTE }, async (t) => {
  const pathname = '/case-studies/bundle/';
  for (const size of [WIDE, NARROW]) {
    await t.test(`at ${size.width} px`, async () => {
      await tab.setViewportSize(size);
      // Hold the picture back, to see the page laid out before it arrives.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      // Whichever width of it the browser picks from its srcset.
      await tab.route('**/photo*.png', async (route) => { await held; await route.continue(); });
      try {
        await visit(fixture, pathname, { waitUntil: 'domcontentloaded' });
        // The stylesheet has arrived (it does not wait for pictures).
        await tab.waitForFunction(() => {
          const figure = document.querySelector('.page-image');
          return figure && getComputedStyle(figure).position === 'relative';
        });
        const below = () => tab.evaluate(() => document.querySelector('.prose').getBoundingClientRect().top);
        const before = await below();
        assert.equal(await tab.evaluate(() => document.querySelector('.page-image img').complete), false, 'the picture was not held back');
        release();
        await tab.waitForFunction(() => document.querySelector('.page-image img')?.complete);
        assert.equal(await below(), before, 'the text below the picture moved when the picture loaded');
      } finally {
        release();
        await tab.unroute('**/photo*.png');
      }
      const shown = await tab.evaluate(() => {
        const img = document.querySelector('main header figure img');
        if (!img) return null;
        const box = img.getBoundingClientRect();
        const main = document.querySelector('main').getBoundingClientRect();
        return {
          alt: img.getAttribute('alt'),
          naturalWidth: img.naturalWidth,
          width: box.width,
          height: box.height,
          left: box.left,
          right: box.right,
          mainLeft: main.left,
          mainRight: main.right,
          viewportHeight: window.innerHeight,
        };
      });
      assert.ok(shown, `${pathname} has no <figure><img> in its page header`);
      assert.equal(shown.alt, ALT);
      assert.ok(shown.naturalWidth > 0, 'the picture did not load');
      assert.ok(shown.width > 100 && shown.height > 50, `the picture is drawn ${shown.width} x ${shown.height} px`);
      assert.ok(
        shown.left >= shown.mainLeft - 0.5 && shown.right <= shown.mainRight + 0.5,
        `the ${PICTURE.width} px picture spills out of <main>: ${shown.left}-${shown.right} px, main ${shown.mainLeft}-${shown.mainRight} px`,
      );
      assert.ok(shown.height <= shown.viewportHeight * 0.8 + 0.5, `the picture is ${shown.height} px tall in a ${shown.viewportHeight} px window`);
      await assertNoAxeViolations(pathname, size.width);
    });
  }
});

test('a listing card shows the page picture, lazily loaded, with the author’s alt text', { timeout: 5 * MINUTE }, async () => {
  await tab.setViewportSize(WIDE);
  const list = listPageWith('case-studies', '/case-studies/bundle/');
  await visit(fixture, list);
  const img = card('/case-studies/bundle/').locator('img');
  assert.equal(await img.count(), 1, `the card for /case-studies/bundle/ on ${list} has no picture`);
  assert.equal(await img.getAttribute('alt'), ALT);
  assert.equal(await img.getAttribute('loading'), 'lazy');
  await img.scrollIntoViewIfNeeded();
  await tab.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  const fits = await img.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const cardBox = el.closest('.card').getBoundingClientRect();
    return box.height > 0 && box.left >= cardBox.left && box.right <= cardBox.right;
  });
  assert.ok(fits, 'the card picture is not drawn inside its card');
  await assertNoAxeViolations(list, WIDE.width);
});

// ---------------------------------------------------------------------------
// Drafts (the fixture is built with --drafts)

test('a draft says so on its page and on its card, and asks search engines not to index it', { timeout: 5 * MINUTE }, async (t) => {
  const pathname = '/case-studies/unready/';
  for (const size of [WIDE, NARROW]) {
    await t.test(`the draft page at ${size.width} px`, async () => {
      await tab.setViewportSize(size);
      await visit(fixture, pathname);
      const notice = tab.locator('main .draft-notice');
      assert.ok(await notice.isVisible(), `${pathname} shows no draft notice`);
      assert.match(await notice.innerText(), /^Draft: this page is not published\./);
      assert.equal(await tab.locator('meta[name="robots"]').getAttribute('content'), 'noindex');
      await assertNoAxeViolations(pathname, size.width);
    });
  }
  await t.test('a published page has no draft notice and no robots meta', async () => {
    await visit(fixture, '/case-studies/bundle/');
    assert.equal(await tab.locator('.draft-notice').count(), 0);
    assert.equal(await tab.locator('meta[name="robots"]').count(), 0);
  });
  await t.test('the draft’s card', async () => {
    await tab.setViewportSize(WIDE);
    const list = listPageWith('case-studies', pathname);
    await visit(fixture, list);
    const tag = card(pathname).locator('.tag--draft');
    assert.ok(await tag.isVisible(), `the card for ${pathname} on ${list} has no visible Draft tag`);
    assert.equal((await tag.innerText()).trim(), 'Draft');
    const others = await tab.locator('.card', { hasNot: tab.locator(`a.card__link[href="${pathname}"]`) }).locator('.tag--draft').count();
    assert.equal(others, 0, 'a published page’s card is tagged Draft');
    await assertNoAxeViolations(list, WIDE.width);
  });
});

// ---------------------------------------------------------------------------
// A wide table at 320 px

/** Mean difference per channel between two same-sized PNGs, in a band `band`
 * pixels wide at the left and at the right edge. */
async function edgeDifference(first, second, band) {
  const scratch = await context.newPage();
  try {
    return await scratch.evaluate(
      async ({ images, band }) => {
        const pixels = [];
        for (const data of images) {
          const image = new Image();
          image.src = `data:image/png;base64,${data}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = image.naturalWidth;
          canvas.height = image.naturalHeight;
          const context2d = canvas.getContext('2d');
          context2d.drawImage(image, 0, 0);
          pixels.push(context2d.getImageData(0, 0, canvas.width, canvas.height));
        }
        const [a, b] = pixels;
        const mean = (from, to) => {
          let sum = 0;
          let count = 0;
          for (let y = 0; y < a.height; y++) {
            for (let x = from; x < to; x++) {
              const i = (y * a.width + x) * 4;
              for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c] - b.data[i + c]);
              count += 3;
            }
          }
          return sum / count;
        };
        return { left: mean(0, band), right: mean(a.width - band, a.width) };
      },
      { images: [first.toString('base64'), second.toString('base64')], band },
    );
  } finally {
    await scratch.close();
  }
}

test('at 320 px a wide table scrolls inside its box, not the page, by keyboard too, with a shadow where more is hidden', { timeout: 5 * MINUTE }, async () => {
  await tab.setViewportSize(NARROW);
  await visit(hub, OUTCOMES);
  const wrapper = tab.locator('.outcomes .table-scroll');
  const sizes = await tab.evaluate(() => {
    const box = document.querySelector('.outcomes .table-scroll');
    return { page: document.documentElement.scrollWidth, window: window.innerWidth, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth };
  });
  assert.ok(sizes.page <= sizes.window, `the page is ${sizes.page} px wide in a ${sizes.window} px window`);
  assert.ok(sizes.scrollWidth > sizes.clientWidth, `the outcomes table fits at 320 px (${sizes.scrollWidth} <= ${sizes.clientWidth}): this test needs a wider one`);

  // The shadow: the box drawn as it is, against the same box with a plain
  // white background, differs at an edge only where more table is hidden.
  const shadows = async () => {
    const withCue = await wrapper.screenshot();
    await wrapper.evaluate((el) => { el.style.background = '#ffffff'; });
    const plain = await wrapper.screenshot();
    await wrapper.evaluate((el) => { el.style.background = ''; });
    return edgeDifference(withCue, plain, 6);
  };
  const atStart = await shadows();
  assert.ok(atStart.right > 8, `no shadow at the right edge while the table's right part is hidden (difference ${atStart.right.toFixed(1)})`);
  assert.ok(atStart.left < 1, `a shadow at the left edge with nothing hidden there (difference ${atStart.left.toFixed(1)})`);

  // Tab reaches the box, it shows focus, and the arrow keys scroll it.
  let reached = false;
  for (let i = 0; i < 100 && !reached; i++) {
    await tab.keyboard.press('Tab');
    reached = await wrapper.evaluate((el) => document.activeElement === el);
  }
  assert.ok(reached, 'Tab never reaches the table’s scrolling box');
  const outline = await wrapper.evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused scrolling box shows no outline');
  await tab.keyboard.press('ArrowRight');
  await tab.waitForFunction((el) => el.scrollLeft > 0, await wrapper.elementHandle(), { timeout: 5000 }).catch(() => {
    assert.fail('ArrowRight on the focused box does not scroll the table');
  });

  await tab.evaluate(() => document.activeElement.blur());
  await wrapper.evaluate((el) => { el.scrollLeft = el.scrollWidth; });
  const atEnd = await shadows();
  assert.ok(atEnd.left > 8, `no shadow at the left edge once the table is scrolled to its end (difference ${atEnd.left.toFixed(1)})`);
  assert.ok(atEnd.right < 1, `a shadow at the right edge with nothing more to see (difference ${atEnd.right.toFixed(1)})`);

  await wrapper.evaluate((el) => { el.scrollLeft = 0; });
  await assertNoAxeViolations(OUTCOMES, NARROW.width);
});

// ---------------------------------------------------------------------------
// Print

/** A hub's title, from the site.toml in `root`. */
function hubTitle(root) {
  const match = fs.readFileSync(path.join(root, 'site.toml'), 'utf8').match(/^title\s*=\s*"([^"]*)"/m);
  assert.ok(match, `${root}/site.toml has no title`);
  return match[1];
}

/** Prints `pathname` of `site` to a PDF file, as a browser's print dialog does with the page's own paper size. */
async function print(site, pathname) {
  await tab.setViewportSize(WIDE);
  await visit(site, pathname);
  await tab.emulateMedia({ media: 'print' });
  try {
    const file = path.join(tmp, `${pathname.replace(/\W+/g, '-')}.pdf`);
    await tab.pdf({ path: file, preferCSSPageSize: true });
    return file;
  } finally {
    await tab.emulateMedia({ media: null });
  }
}

/** The page size in points that pdfinfo reports. */
function pdfPageSize(file) {
  const out = run('pdfinfo', [file]).stdout;
  const size = out.match(/^Page size:\s+([\d.]+) x ([\d.]+) pts/m);
  assert.ok(size, `pdfinfo said:\n${out}`);
  return { width: Number(size[1]), height: Number(size[2]) };
}

/** Every word pdftotext finds, with its page and right edge in points. */
function pdfWords(file) {
  const html = run('pdftotext', ['-bbox', file, '-']).stdout;
  const pages = html.split('<page ').slice(1);
  return pages.flatMap((text, index) =>
    [...text.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
      page: index + 1,
      xMax: Number(m[3]),
      text: m[5],
    })),
  );
}

for (const [name, site, root, pathname] of [
  ['the hub’s discussion set', () => hub, REPO, DISCUSSION],
  ['a discussion set with long links', () => fixture, path.join(REPO, 'tests', 'fixtures', 'basic'), HANDOUT],
]) {
  test(`${name} prints on A4 naming the hub and its own address, with nothing past the margins`, { timeout: 5 * MINUTE }, async () => {
    const file = await print(site(), pathname);
    const info = pdfPageSize(file);
    assert.ok(Math.abs(info.width - 595.28) < 1.5 && Math.abs(info.height - 841.89) < 1.5, `the PDF's pages are ${info.width} x ${info.height} pts, not A4 (595 x 842)`);

    const text = run('pdftotext', ['-layout', file, '-']).stdout;
    const squeezed = text.replace(/\s+/g, '');
    const title = hubTitle(root);
    const address = `${site().origin}${pathname}`;
    assert.ok(text.includes(title), `the printout does not name the hub ("${title}")`);
    assert.ok(squeezed.includes(address), `the printout does not give its address ${address}`);
    assert.ok(!text.includes('Skip to main content'), 'the printout has the skip link in it');
    if (pathname === HANDOUT) {
      // Two links whose text is the address, in a paragraph and in a table
      // cell, and the address printed after each of the four links: all in
      // full, none cut off at the edge of the paper.
      const shown = squeezed.split(LONG_URL).length - 1;
      assert.equal(shown, 6, `the long address is printed in full ${shown} times, not 6:\n${text}`);
    }

    // No word reaches into the right margin (15 mm, 42.5 pts); 3 pts allow
    // for the box pdftotext draws round a word's last glyph. (Text past the
    // paper's edge is cut off, not reported: the count above catches that.)
    const words = pdfWords(file);
    assert.ok(words.length > 20, `pdftotext found only ${words.length} words`);
    const limit = info.width - 42.5 + 3;
    const over = words.filter((word) => word.xMax > limit);
    assert.deepEqual(
      over.map((word) => `page ${word.page}: "${word.text}" ends at ${word.xMax} pts`),
      [],
      `words past the right margin (${limit} pts)`,
    );
  });
}

test('pages load only from the local servers', () => {
  assert.deepEqual(offsite, [], `requests to other hosts:\n${offsite.join('\n')}`);
});
