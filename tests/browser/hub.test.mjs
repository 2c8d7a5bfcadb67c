// Browser checks of the hub that `belong build` writes: axe-core (WCAG 2.2 AA),
// keyboard (skip link, visible focus), reflow at 320 px, HTML validity
// (html-validate) and screenshots for a person to look at.
//
// Steps:
// 1. build the real hub, and a generated 60-page corpus with a small `paginate`
//    (for /page/2/ lists), each into a temporary folder with a loopback base URL;
// 2. serve each folder from a tiny static server on 127.0.0.1;
// 3. launch headless Chromium once (Debian's /usr/bin/chromium, or CHROMIUM) and
//    visit every page type at 1280 px and 320 px in two reused tabs.
//
// Run: cd tests/browser && npm ci && npm test
// Environment: BELONG_BIN (a built belong binary; default `cargo run --release`),
// CHROMIUM (browser path), BELONG_CORPUS_SCRIPT (gen_corpus.py; default
// ../shared/bench/gen_corpus.py beside the repository), SCREENSHOTS (folder;
// default target/screenshots/ in the repository).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { HtmlValidate } from 'html-validate';

import {
  REPO,
  CORPUS_SCRIPT,
  WIDE,
  NARROW,
  MINUTE,
  run,
  build,
  serve,
  launch,
  axeViolations,
  describeViolations,
  htmlFiles,
  keepOnLoopback,
} from './support.mjs';

const SCREENSHOTS = process.env.SCREENSHOTS || path.join(REPO, 'target', 'screenshots');

// Filled in by `before`.
let tmp;
let hub; // { root, origin, server }
let corpus;
let context;
let wide; // a tab at 1280 px
let narrow; // a tab at 320 px
const offsite = []; // requests that tried to leave the loopback servers
const broken = []; // sub-resources that did not load

/** The pages every browser check visits: [name, site, path, expected HTTP status]. */
function pages() {
  const first = (site, folder) => {
    const names = fs
      .readdirSync(path.join(site.root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'page')
      .map((entry) => entry.name)
      .sort();
    assert.ok(names.length > 0, `no pages under /${folder}/`);
    return `/${folder}/${names[0]}/`;
  };
  return [
    ['home', hub, '/', 200],
    ['case studies list', hub, '/case-studies/', 200],
    ['toolkits list', hub, '/toolkits/', 200],
    ['discussion sets list', hub, '/discussions/', 200],
    ['case study with outcomes chart', hub, '/case-studies/eeast-belonging/', 200],
    ['toolkit', hub, '/toolkits/international-workforce-belonging/', 200],
    ['long primer with footnotes and contents', hub, '/toolkits/belonging-primer/', 200],
    ['discussion set', hub, '/discussions/belonging-primer-questions/', 200],
    ['plain page', hub, '/about/', 200],
    ['themes index', hub, '/themes/', 200],
    ['theme page', hub, '/themes/belonging/', 200],
    ['organisations index', hub, '/organisations/', 200],
    ['organisation page', hub, first(hub, 'organisations'), 200],
    ['regions index', hub, '/regions/', 200],
    ['region page', hub, first(hub, 'regions'), 200],
    ['search page', hub, '/search/', 200],
    ['evidence table', hub, '/evidence/', 200],
    ['evidence table filtered by theme (corpus)', corpus, '/evidence/?theme=belonging', 200],
    ['404 page', hub, '/no-such-page/', 404],
    ['section list, page 2 (corpus)', corpus, '/case-studies/page/2/', 200],
    ['theme list, page 2 (corpus)', corpus, '/themes/belonging/page/2/', 200],
  ];
}

// ---------------------------------------------------------------------------
// Build and serve

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-browser-'));
    hub = await serve(path.join(tmp, 'hub'));
    corpus = await serve(path.join(tmp, 'corpus-site'));

    build(REPO, hub.root, `${hub.origin}/`);

    const corpusSource = path.join(tmp, 'corpus');
    run('python3', [CORPUS_SCRIPT, '--pages', '60', '--out', corpusSource]);
    // A small page size so that section and theme lists have a page 2.
    const toml = path.join(corpusSource, 'site.toml');
    const text = fs.readFileSync(toml, 'utf8');
    fs.writeFileSync(toml, /^paginate\s*=/m.test(text) ? text.replace(/^paginate\s*=.*$/m, 'paginate = 8') : `paginate = 8\n${text}`);
    build(corpusSource, corpus.root, `${corpus.origin}/`);

    context = await launch(path.join(tmp, 'chromium-profile'));
    // Nothing leaves the two loopback servers.
    const allowed = [hub.origin, corpus.origin];
    await keepOnLoopback(context, allowed, offsite);
    context.on('response', (response) => {
      const request = response.request();
      if (response.status() >= 400 && request.resourceType() !== 'document') broken.push(`${response.status()} ${response.url()}`);
    });
    wide = context.pages()[0] || (await context.newPage());
    await wide.setViewportSize(WIDE);
    narrow = await context.newPage();
    await narrow.setViewportSize(NARROW);
  },
  { timeout: 30 * MINUTE },
);

after(async () => {
  await context?.close();
  for (const site of [hub, corpus]) site?.server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function visit(page, site, pathname, status = 200) {
  const response = await page.goto(site.origin + pathname, { waitUntil: 'load' });
  assert.equal(response.status(), status, `${pathname} answered ${response.status()}`);
  return response;
}

// ---------------------------------------------------------------------------
// 1 and 3. axe-core at 1280 px and 320 px; reflow at 320 px


for (const [label, size, tab] of [
  ['1280 px', WIDE, () => wide],
  ['320 px', NARROW, () => narrow],
]) {
  test(`axe-core finds no WCAG 2.2 AA violations at ${label}`, { timeout: 10 * MINUTE }, async (t) => {
    for (const [name, site, pathname, status] of pages()) {
      await t.test(`${name} ${pathname}`, async () => {
        const page = tab();
        await visit(page, site, pathname, status);
        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, `${violations.length} axe violation(s) on ${pathname} at ${size.width} px:\n${describeViolations(violations)}`);
      });
    }
  });
}

test('no horizontal scrolling at 320 px (reflow)', { timeout: 10 * MINUTE }, async (t) => {
  for (const [name, site, pathname, status] of pages()) {
    await t.test(`${name} ${pathname}`, async () => {
      await visit(narrow, site, pathname, status);
      const { scrollWidth, innerWidth, widest } = await narrow.evaluate(() => {
        const limit = window.innerWidth;
        // Name the widest elements that stick out, to say what to fix.
        const widest = [...document.body.querySelectorAll('*')]
          .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
          .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= limit + 0.5)
          .slice(0, 5)
          .map((el) => `${el.outerHTML.slice(0, 160)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth: limit, widest };
      });
      assert.ok(scrollWidth <= innerWidth, `${pathname} is ${scrollWidth} px wide in a ${innerWidth} px window:\n${widest.join('\n')}`);
    });
  }
});

// ---------------------------------------------------------------------------
// 2. Keyboard: skip link, focus order, visible focus

/** Page-side helpers: what a focus style looks like, and how to name an element. */
function focusHelpers() {
  const visibleColour = (colour) => colour && colour !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(colour);
  window.__focusLook = (el) => {
    const style = getComputedStyle(el);
    const outline =
      style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && visibleColour(style.outlineColor)
        ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor} ${style.outlineOffset}`
        : 'none';
    const sides = ['top', 'right', 'bottom', 'left'].map((side) => {
      const width = style.getPropertyValue(`border-${side}-width`);
      const kind = style.getPropertyValue(`border-${side}-style`);
      const colour = style.getPropertyValue(`border-${side}-color`);
      return kind !== 'none' && parseFloat(width) > 0 && visibleColour(colour) ? `${width} ${kind} ${colour}` : 'none';
    });
    return {
      outline,
      'box-shadow': style.boxShadow,
      'background-color': visibleColour(style.backgroundColor) ? style.backgroundColor : 'transparent',
      border: sides.join(' / '),
      // Only a line that focus adds counts: taking an underline away is too faint a signal.
      'text-decoration': style.textDecorationLine === 'none' ? 'none' : `${style.textDecorationLine} ${style.textDecorationStyle} ${style.textDecorationColor} ${style.textDecorationThickness}`,
    };
  };
  window.__name = (el) => {
    const html = el.outerHTML.replace(/\s+/g, ' ');
    return html.length > 200 ? `${html.slice(0, 200)}…` : html;
  };
  window.__remember = () => {
    window.__looks = new Map();
    const focusable = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable="true"]';
    for (const el of document.querySelectorAll(focusable)) window.__looks.set(el, window.__focusLook(el));
  };
}

async function freshLoad(page, site, pathname) {
  await visit(page, site, pathname);
  await page.evaluate(focusHelpers);
  await page.evaluate(() => window.__remember());
}

const KEYBOARD_PAGES = [
  ['home', () => hub, '/'],
  ['case study', () => hub, '/case-studies/eeast-belonging/'],
  ['long primer', () => hub, '/toolkits/belonging-primer/'],
  ['discussion set', () => hub, '/discussions/belonging-primer-questions/'],
  ['search page', () => hub, '/search/'],
  ['evidence table (corpus)', () => corpus, '/evidence/'],
  ['section list, page 2 (corpus)', () => corpus, '/case-studies/page/2/'],
];

test('the first Tab reaches a visible skip link, and Enter moves focus to <main>', { timeout: 10 * MINUTE }, async (t) => {
  for (const [name, site, pathname, status] of pages()) {
    await t.test(`${name} ${pathname}`, async () => {
      for (const [page, width] of [
        [wide, 1280],
        [narrow, 320],
      ]) {
        await visit(page, site, pathname, status);
        await page.keyboard.press('Tab');
        const skip = await page.evaluate(() => {
          const el = document.activeElement;
          const box = el.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          return {
            text: el.textContent.trim(),
            href: el.getAttribute('href'),
            onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight,
            onTop: hit === el || el.contains(hit),
          };
        });
        assert.equal(skip.text, 'Skip to main content', `at ${width} px the first Tab reached "${skip.text}", not the skip link`);
        assert.ok(skip.onScreen && skip.onTop, `at ${width} px the skip link is focused but not visible`);
        await page.keyboard.press('Enter');
        const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName.toLowerCase());
        assert.equal(focused, 'main', `at ${width} px Enter on the skip link focused <${focused}>, not <main>`);
      }
    });
  }
});

test('every element reached by Tab shows a visible focus style', { timeout: 10 * MINUTE }, async (t) => {
  for (const [name, site, pathname] of KEYBOARD_PAGES) {
    for (const [page, width] of [
      [wide, 1280],
      [narrow, 320],
    ]) {
      await t.test(`${name} ${pathname} at ${width} px`, async () => {
        await freshLoad(page, site(), pathname);
        const problems = [];
        let stops = 0;
        for (let i = 0; i < 600; i++) {
          await page.keyboard.press('Tab');
          const stop = await page.evaluate(() => {
            const el = document.activeElement;
            if (!el || el === document.body || el === document.documentElement) return { end: true };
            if (window.__seen?.has(el)) return { end: true };
            (window.__seen ||= new Set()).add(el);
            const before = window.__looks.get(el);
            const now = window.__focusLook(el);
            const box = el.getBoundingClientRect();
            return {
              name: window.__name(el),
              known: Boolean(before),
              changed: before
                ? Object.keys(now).filter((key) => now[key] !== before[key] && !(key === 'text-decoration' && now[key] === 'none'))
                : [],
              sized: box.width > 0 && box.height > 0,
            };
          });
          if (stop.end) break;
          stops++;
          if (!stop.known) problems.push(`reached an element the page did not list as focusable: ${stop.name}`);
          else if (stop.changed.length === 0) problems.push(`no visible focus style (outline, box-shadow, background, border and underline unchanged): ${stop.name}`);
          if (!stop.sized) problems.push(`focus went to an element with no size: ${stop.name}`);
        }
        assert.ok(stops >= 5, `only ${stops} Tab stops on ${pathname}`);
        assert.deepEqual(problems, [], `${pathname} at ${width} px:\n${problems.join('\n')}`);
      });
    }
  }
});

// ---------------------------------------------------------------------------
// 4. HTML validity of every generated page


// .htmlvalidate.json extends html-validate:recommended. JSON has no comments, so
// here is why it turns a few rules off; each is about how the HTML is spelled,
// not whether it is right:
// - no-trailing-whitespace: Tera loops and conditionals leave indented blank
//   lines, which browsers ignore.
// - doctype-style: `<!doctype html>` is case-insensitive; the alias redirect
//   pages are written by Rust code.
// - long-title: a title is the page's own title plus the hub's name, chosen by
//   authors, not the theme.
// - void-style, attribute-boolean-style: the Markdown renderer writes task-list
//   checkboxes as `<input disabled="" type="checkbox"/>`, valid HTML.
// - no-inline-style stays on but allows `text-align`: the Markdown renderer
//   writes table column alignment (`| --: |`) as an inline text-align.
// - prefer-native-element stays on but allows role="region": a table's
//   scrolling box is a labelled `<div role="region">`, because a `<section>`
//   with no heading is a warning of the W3C Nu checker (vnu.test.mjs).
test('html-validate finds no errors', { timeout: 10 * MINUTE }, async (t) => {
  const config = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'browser', '.htmlvalidate.json'), 'utf8'));
  if ((process.env.BELONG_BUILD_FLAGS || '').includes('--minify')) {
    // Style rules a minifier breaks on purpose: quotes around attribute
    // values that need none, `type="submit"` on a button (the default), and
    // `&amp;` where a bare `&` reads the same ("R&D", "A & E"). Validity is
    // the W3C Nu checker's to judge (vnu.test.mjs), minified too.
    const minified = ['attr-quotes', 'no-implicit-button-type', 'no-raw-characters', 'unrecognized-char-ref'];
    config.rules = { ...config.rules, ...Object.fromEntries(minified.map((rule) => [rule, 'off'])) };
  }
  const validator = new HtmlValidate(config);
  const corpusPaged = htmlFiles(corpus.root).filter((file) => /[/\\]page[/\\]\d+[/\\]index\.html$/.test(file));
  assert.ok(corpusPaged.length >= 2, 'the corpus build has no paginated pages');
  for (const [site, files] of [
    [hub, htmlFiles(hub.root)],
    [corpus, corpusPaged],
  ]) {
    for (const file of files) {
      const relative = `/${path.relative(site.root, file).split(path.sep).join('/')}`;
      await t.test(`${site === hub ? 'hub' : 'corpus'} ${relative}`, async () => {
        const report = await validator.validateFile(file);
        const messages = report.results.flatMap((result) => result.messages);
        assert.ok(
          report.valid,
          `${relative}:\n${messages.map((m) => `  ${m.line}:${m.column} ${m.ruleId}: ${m.message}${m.selector ? ` (${m.selector})` : ''}`).join('\n')}`,
        );
      });
    }
  }
});

// ---------------------------------------------------------------------------
// 5. Screenshots for a person to look at (target/screenshots/), each checked
//    for what a reader would notice at once: the page is as wide as the
//    window (nothing pushes it sideways), the NHS blue header is drawn, and the
//    page below it has text on it (not a blank or unstyled page).

/** Reads a PNG in a scratch tab's canvas: its size, how much of the row
 * `headerRow` is NHS blue, and how many colours the part below `bodyFrom` has. */
async function measurePng(scratch, png, headerRow, bodyFrom) {
  return scratch.evaluate(
    async ({ data, headerRow, bodyFrom }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context2d = canvas.getContext('2d');
      context2d.drawImage(image, 0, 0);
      const row = context2d.getImageData(0, headerRow, canvas.width, 1).data;
      let blue = 0;
      for (let i = 0; i < row.length; i += 4) if (row[i] === 0 && row[i + 1] === 94 && row[i + 2] === 184) blue += 1;
      const height = Math.min(canvas.height - bodyFrom, 600);
      const body = context2d.getImageData(0, bodyFrom, canvas.width, height).data;
      const colours = new Set();
      for (let i = 0; i < body.length; i += 4 * 7) colours.add((body[i] << 16) | (body[i + 1] << 8) | body[i + 2]);
      return { width: canvas.width, height: canvas.height, blueShare: blue / canvas.width, colours: colours.size };
    },
    { data: png.toString('base64'), headerRow, bodyFrom },
  );
}

test('screenshots at 1280 px and 375 px show the page as a reader sees it', { timeout: 10 * MINUTE }, async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const scratch = await context.newPage();
  const shots = [
    ['home', '/'],
    ['case-study', '/case-studies/eeast-belonging/'],
    ['theme', '/themes/belonging/'],
    ['discussion', '/discussions/belonging-primer-questions/'],
  ];
  try {
    for (const width of [1280, 375]) {
      await wide.setViewportSize({ width, height: 900 });
      for (const [name, pathname] of shots) {
        await visit(wide, hub, pathname);
        const png = await wide.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
        const header = await wide.locator('.site-header').boundingBox();
        const shot = await measurePng(scratch, png, Math.round(header.y + 4), Math.round(header.y + header.height + 8));
        const label = `${name} at ${width} px`;
        assert.equal(shot.width, width, `${label}: the page is ${shot.width} px wide`);
        assert.ok(shot.height >= 900, `${label}: the page is only ${shot.height} px tall`);
        assert.ok(shot.blueShare > 0.5, `${label}: only ${Math.round(shot.blueShare * 100)}% of the header is NHS blue`);
        assert.ok(shot.colours >= 4, `${label}: the page below the header has ${shot.colours} colours: blank?`);
      }
    }
  } finally {
    await scratch.close();
    await wide.setViewportSize(WIDE);
  }
});

// ---------------------------------------------------------------------------
// Last: nothing tried to leave the machine, and every stylesheet and image loaded.

test('pages load only from the local server, and every sub-resource loads', () => {
  assert.deepEqual(offsite, [], `requests to other hosts:\n${offsite.join('\n')}`);
  assert.deepEqual(broken, [], `sub-resources that failed:\n${broken.join('\n')}`);
});
