// Components authors write in Markdown, as a reader meets them in Chromium
// (tests/fixtures/components: one toolkit holding each one): structure,
// visible labels and hidden prefixes, details opened by click and by Enter
// and Space, a YouTube video that asks nothing of any other site until its
// button is pressed and the player after it, the page without JavaScript,
// axe-core at 1280 and 320 px with nothing wider than the window, and a
// printed page that shows what details hide and the video's address.
// Each component's picture is saved for the README in
// target/screenshots/components/ (SCREENSHOTS overrides target/screenshots).
//
// Needs poppler-utils. Environment: BELONG_BIN, CHROMIUM.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO, WIDE, NARROW, MINUTE, run, build, copyFixture, serve, launch, axeViolations, describeViolations, keepOnLoopback } from './support.mjs';

const PAGE = '/toolkits/every-component/';
const YOUTUBE_ID = 'M7lc1UVf-VE';
const SCREENSHOTS = path.join(process.env.SCREENSHOTS || path.join(REPO, 'target', 'screenshots'), 'components');

let tmp;
let site;
let context;
let tab;
const offsite = [];
const errors = [];

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-components-'));
    const source = copyFixture('components', path.join(tmp, 'components'));
    site = await serve(path.join(tmp, 'site'));
    build(source, site.root, `${site.origin}/`);
    context = await launch(path.join(tmp, 'chromium-profile'));
    await keepOnLoopback(context, [site.origin], offsite);
    tab = context.pages()[0] || (await context.newPage());
    tab.on('pageerror', (error) => errors.push(error.message));
  },
  { timeout: 10 * MINUTE },
);

after(async () => {
  await context?.close();
  site?.server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function visit(viewport = WIDE) {
  await tab.setViewportSize(viewport);
  const response = await tab.goto(site.origin + PAGE, { waitUntil: 'load' });
  assert.equal(response.status(), 200);
}

/**
 * What the element `selector` (the `nth`) shows a sighted reader, and what a
 * screen reader hears: its text with and without its visually hidden parts
 * (which must be clipped to nothing on screen).
 */
async function texts(selector, nth = 0) {
  return tab.locator(selector).nth(nth).evaluate((element) => {
    const hidden = [...element.querySelectorAll('.visually-hidden')];
    const clipped = hidden.every((span) => span.getBoundingClientRect().width <= 1 && span.getBoundingClientRect().height <= 1);
    const copy = element.cloneNode(true);
    copy.querySelectorAll('.visually-hidden').forEach((span) => span.remove());
    const squash = (text) => text.replace(/\s+/g, ' ').trim();
    return { shown: squash(copy.textContent), all: squash(element.textContent), clipped };
  });
}

test('alerts are inset text and warning callouts, with their hidden prefixes', async () => {
  await visit();
  const note = await texts('.nhsuk-inset-text');
  assert.deepEqual(note, { shown: 'Inset note about networks.', all: 'Information: Inset note about networks.', clipped: true });
  const warning = await texts('.nhsuk-warning-callout__label');
  assert.deepEqual(warning, { shown: 'Check consent first', all: 'Important: Check consent first', clipped: true }, 'the first heading labels the callout');
  assert.equal((await texts('.nhsuk-warning-callout__label', 1)).shown, 'Important');
  // The label is drawn over the callout's top edge, as the NHS draws it.
  const [box, label] = await tab.evaluate(() => {
    const callout = document.querySelector('.nhsuk-warning-callout');
    return [callout.getBoundingClientRect().top, callout.querySelector('.nhsuk-warning-callout__label').getBoundingClientRect().top];
  });
  assert.ok(label < box, `label top ${label} is not above the callout's ${box}`);
  assert.deepEqual(errors.splice(0), []);
});

test('details open and close by click and from the keyboard, Enter and Space alike', async () => {
  await visit();
  const details = tab.locator('details.nhsuk-details').first();
  const text = details.locator('.nhsuk-details__text');
  assert.equal(await details.evaluate((element) => element.open), false);
  assert.equal(await text.isVisible(), false, 'closed details show their content');
  await details.locator('summary').click();
  assert.equal(await text.isVisible(), true);
  assert.match(await text.innerText(), /belonging questions, asked each quarter/);
  await details.locator('summary').focus();
  await tab.keyboard.press('Enter');
  assert.equal(await details.evaluate((element) => element.open), false);
  await tab.keyboard.press('Space');
  assert.equal(await details.evaluate((element) => element.open), true);
  // The summary says what it opens, and is a focus stop.
  assert.equal(await details.locator('summary').innerText(), 'How we measured belonging');
  assert.deepEqual(errors.splice(0), []);
});

test('do and don\'t lists, quotes, figures and the summary list have the NHS structure', async () => {
  await visit();
  const lists = await tab.evaluate(() =>
    [...document.querySelectorAll('.nhsuk-do-dont-list')].map((list) => ({
      label: list.querySelector('.nhsuk-do-dont-list__label').innerText,
      kind: list.querySelector('ul').className,
      items: [...list.querySelectorAll('li')].map((item) => item.innerText),
      icon: getComputedStyle(list.querySelector('li'), '::before').backgroundImage.slice(0, 30),
    })),
  );
  assert.deepEqual(lists.map(({ label, kind, items }) => ({ label, kind, items })), [
    { label: 'Do', kind: 'nhsuk-list nhsuk-list--tick', items: ['ask staff what belonging means', 'thank volunteers'] },
    { label: "Don't", kind: 'nhsuk-list nhsuk-list--cross', items: ['assume silence means agreement'] },
  ]);
  assert.ok(lists.every((list) => list.icon.startsWith('url("data:image/svg+xml')), 'each item has its tick or cross');
  const quote = await tab.evaluate(() => {
    const figure = document.querySelector('figure.belong-quote');
    return [figure.querySelector(':scope > blockquote').innerText.trim(), figure.querySelector(':scope > figcaption').innerText];
  });
  assert.deepEqual(quote, ['We felt heard for the first time in years.', 'Amara Okafor, ward sister']);
  const figure = await tab.evaluate(() => {
    const figure = document.querySelector('figure.belong-figure');
    const img = figure.querySelector(':scope > img');
    return { alt: img.alt, width: img.getAttribute('width'), height: img.getAttribute('height'), loaded: img.complete && img.naturalWidth > 0, caption: figure.querySelector(':scope > figcaption').innerText };
  });
  assert.deepEqual(figure, { alt: 'Bar chart of network membership rising each year', width: '320', height: '200', loaded: true, caption: 'Network membership by year' });
  const rows = await tab.evaluate(() =>
    [...document.querySelectorAll('dl.nhsuk-summary-list > .nhsuk-summary-list__row')].map((row) => [
      row.querySelector('dt').innerText,
      [...row.querySelectorAll('dd')].map((dd) => dd.innerText),
    ]),
  );
  assert.deepEqual(rows, [
    ['Allyship', ['Standing with colleagues who face discrimination.']],
    ['Staff network', ['A group of colleagues with a shared characteristic.', 'Often has an executive sponsor.']],
  ]);
  assert.deepEqual(errors.splice(0), []);
});

test('a YouTube video asks nothing of another site until its button is pressed', async () => {
  offsite.length = 0;
  await visit();
  const video = tab.locator('figure.belong-video').first();
  const link = video.locator('a.belong-video__link');
  assert.equal(await link.getAttribute('href'), `https://www.youtube.com/watch?v=${YOUTUBE_ID}`);
  assert.equal(await link.innerText(), 'Watch “Our belonging story” on YouTube');
  // Looked at, transcript opened: still nothing asked of YouTube.
  await video.locator('summary').click();
  assert.match(await video.locator('.nhsuk-details__text').innerText(), /Porters and nurses describe their first week/);
  assert.equal(await tab.locator('iframe').count(), 0);
  assert.deepEqual(offsite, [], 'the page asked another site for something before the button was pressed');
  const play = video.getByRole('button', { name: 'Play “Our belonging story” here' });
  await play.click();
  const frame = video.locator('iframe');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('src'), `https://www.youtube-nocookie.com/embed/${YOUTUBE_ID}?autoplay=1`);
  assert.equal(await frame.getAttribute('title'), 'Our belonging story');
  assert.equal(await tab.evaluate(() => document.activeElement.tagName), 'IFRAME', 'the player takes the focus the button had');
  // The only other site asked is the privacy-enhanced player (the test stops it there).
  await tab.waitForFunction(() => true);
  assert.ok(offsite.length >= 1 && offsite.every((url) => url.startsWith('https://www.youtube-nocookie.com/embed/')), offsite.join('\n'));
  // A video of the hub's own plays in the page, with its captions.
  const own = await tab.evaluate(() => {
    const player = document.querySelector('video.belong-video__player');
    const track = player.querySelector('track');
    return { controls: player.controls, kind: track.kind, src: new URL(track.src).pathname, language: track.srclang };
  });
  assert.deepEqual(own, { controls: true, kind: 'captions', src: '/toolkits/every-component/talk.vtt', language: 'en' });
  assert.deepEqual(errors.splice(0), []);
});

test('without JavaScript the video is a link and details still open', async () => {
  const bare = await context.browser()?.newContext({ javaScriptEnabled: false });
  // A persistent context has no browser object: open a page with scripts off by blocking them.
  const page = bare ? await bare.newPage() : await context.newPage();
  if (!bare) await page.route('**/*.js', (route) => route.abort());
  try {
    await page.goto(site.origin + PAGE, { waitUntil: 'load' });
    const video = page.locator('figure.belong-video').first();
    assert.equal(await video.getByRole('button').count(), 0);
    assert.equal(await video.locator('a.belong-video__link').isVisible(), true);
    const details = page.locator('details.nhsuk-details').first();
    await details.locator('summary').click();
    assert.equal(await details.evaluate((element) => element.open), true);
  } finally {
    await page.close();
    await bare?.close();
  }
});

test('axe finds nothing at 1280 and 320 px, all of it open or closed, and nothing is wider than the window', async () => {
  for (const viewport of [WIDE, NARROW]) {
    await visit(viewport);
    let violations = await axeViolations(tab);
    assert.deepEqual(violations, [], `${viewport.width} px:\n${describeViolations(violations)}`);
    await tab.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = true; }));
    await tab.locator('.belong-video__play').click();
    violations = await axeViolations(tab);
    assert.deepEqual(violations, [], `${viewport.width} px, opened:\n${describeViolations(violations)}`);
    const [scroll, width] = await tab.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `${viewport.width} px: the page is ${scroll} px wide`);
  }
  assert.deepEqual(errors.splice(0), []);
});

test('a printed page shows what details hide and the video\'s address, on A4', async () => {
  await visit();
  await tab.emulateMedia({ media: 'print' });
  const file = path.join(tmp, 'components.pdf');
  try {
    await tab.pdf({ path: file, preferCSSPageSize: true });
  } finally {
    await tab.emulateMedia({ media: null });
  }
  const info = run('pdfinfo', [file]).stdout;
  assert.match(info, /Page size:.*\(A4\)/, info);
  const text = run('pdftotext', [file, '-']).stdout.replace(/\s+/g, ' ');
  for (const words of [
    'asked each quarter',
    'Porters and nurses describe their first week',
    'Each board member brings one kestrel question',
    `https://www.youtube.com/watch?v=${YOUTUBE_ID}`,
  ]) {
    assert.ok(text.includes(words), `the printed page lacks "${words}":\n${text}`);
  }
});

test('each component is pictured for the README', async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await visit({ width: 800, height: 900 });
  await tab.evaluate(() => document.querySelector('details.nhsuk-details').setAttribute('open', ''));
  const shots = {
    'inset-text': '.nhsuk-inset-text',
    'warning-callout': '.nhsuk-warning-callout',
    details: 'details.nhsuk-details',
    'do-list': '.nhsuk-do-dont-list--do',
    'dont-list': '.nhsuk-do-dont-list--dont',
    quote: 'figure.belong-quote',
    figure: 'figure.belong-figure',
    video: 'figure.belong-video',
    'summary-list': 'dl.nhsuk-summary-list',
  };
  for (const [name, selector] of Object.entries(shots)) {
    const element = tab.locator(selector).first();
    // Room round the element, so labels drawn over its edge are in the picture.
    const box = await element.boundingBox();
    const png = await tab.screenshot({
      path: path.join(SCREENSHOTS, `${name}.png`),
      clip: { x: Math.max(0, box.x - 24), y: Math.max(0, box.y - 24), width: box.width + 48, height: box.height + 48 },
      fullPage: true,
    });
    assert.ok(png.length > 1000, `${name}: an empty picture`);
  }
});
