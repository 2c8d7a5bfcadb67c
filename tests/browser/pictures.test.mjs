// A case study with a phone photo, as a reader's browser loads it: a 4000 x
// 3000 JPEG (made by Chromium's own encoder from a canvas, as detailed as a
// photo) is the page's picture and is in its text. On a phone (375 px wide,
// two device pixels a CSS pixel) and on a laptop (1280 px) the browser picks a
// width from the srcset: the pictures it downloads stay under 600 KB and
// 900 KB, the original is never asked for, and nothing on the page moves
// as the pictures arrive (PerformanceObserver, 'layout-shift'). axe-core
// finds nothing at either size.
//
// Environment: BELONG_BIN, CHROMIUM.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { MINUTE, build, copyFixture, serve, launch, axeViolations, describeViolations, keepOnLoopback } from './support.mjs';

const PAGE = '/case-studies/photo-story/';
const STORY = `---
title: "A photo story"
summary: "Staff at the network's first meeting."
themes: ["belonging"]
organisation: "East of England Ambulance Service NHS Trust"
region: "East of England"
date: 2024-02-01
image: "photo.jpg"
image_alt: "Staff at the first meeting"
---

The network met for the first time in the spring.

![The room before the meeting](photo.jpg)

Everyone who came was asked what would make them feel they belong.
`;
const PHONE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, budget: 600_000 };
const LAPTOP = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, budget: 900_000 };

let tmp;
let site;
let originalBytes;

/** A 4000 x 3000 JPEG as detailed as a phone photo, encoded by Chromium. */
async function phonePhoto(context) {
  const tab = await context.newPage();
  const base64 = await tab.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 4000;
    canvas.height = 3000;
    const g = canvas.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 3000);
    sky.addColorStop(0, '#8ab4d8');
    sky.addColorStop(1, '#3d5a40');
    g.fillStyle = sky;
    g.fillRect(0, 0, 4000, 3000);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 3000; i++) {
      g.fillStyle = `hsla(${random() * 360}, ${30 + random() * 40}%, ${25 + random() * 50}%, 0.6)`;
      g.beginPath();
      g.arc(random() * 4000, random() * 3000, 10 + random() * 160, 0, Math.PI * 2);
      g.fill();
    }
    // Sensor grain: what makes phone photos large.
    const pixels = g.getImageData(0, 0, 4000, 3000);
    for (let i = 0; i < pixels.data.length; i += 4) {
      const grain = (random() - 0.5) * 36;
      pixels.data[i] += grain;
      pixels.data[i + 1] += grain;
      pixels.data[i + 2] += grain;
    }
    g.putImageData(pixels, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  });
  await tab.close();
  return Buffer.from(base64, 'base64');
}

before(
  async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'belong-pictures-'));
    const maker = await launch(path.join(tmp, 'maker-profile'));
    originalBytes = await phonePhoto(maker);
    await maker.close();
    assert.ok(originalBytes.length > 2_000_000, `the photo is only ${originalBytes.length} bytes`);
    const source = copyFixture('basic', path.join(tmp, 'basic'));
    const bundle = path.join(source, 'content', 'case-studies', 'photo-story');
    fs.mkdirSync(bundle, { recursive: true });
    fs.writeFileSync(path.join(bundle, 'index.md'), STORY);
    fs.writeFileSync(path.join(bundle, 'photo.jpg'), originalBytes);
    site = await serve(path.join(tmp, 'site'));
    build(source, site.root, `${site.origin}/`);
  },
  { timeout: 10 * MINUTE },
);

after(async () => {
  site?.server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

for (const [name, device] of [['a phone', PHONE], ['a laptop', LAPTOP]]) {
  test(`on ${name} (${device.viewport.width} px, ${device.deviceScaleFactor}x) the photo downloads small and nothing moves`, { timeout: 5 * MINUTE }, async (t) => {
    const context = await launch(path.join(tmp, `profile-${device.viewport.width}`), {
      viewport: device.viewport,
      deviceScaleFactor: device.deviceScaleFactor,
    });
    try {
      const offsite = [];
      await keepOnLoopback(context, [site.origin], offsite);
      const tab = context.pages()[0] || (await context.newPage());
      await tab.addInitScript(() => {
        window.shifts = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) window.shifts.push({ value: entry.value, sources: entry.sources.map((source) => source.node?.outerHTML?.slice(0, 120)) });
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      const pictures = [];
      tab.on('response', async (response) => {
        if (response.request().resourceType() !== 'image') return;
        const body = await response.body().catch(() => Buffer.alloc(0));
        pictures.push({ url: response.url(), bytes: body.length, same: body.equals(originalBytes) });
      });
      const response = await tab.goto(site.origin + PAGE, { waitUntil: 'load' });
      assert.equal(response.status(), 200);
      // Down to the picture in the text, which loads as it comes near.
      await tab.locator('img[alt="The room before the meeting"]').scrollIntoViewIfNeeded();
      await tab.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
      await tab.waitForLoadState('networkidle');
      const total = pictures.reduce((sum, picture) => sum + picture.bytes, 0);
      const list = pictures.map((picture) => `${picture.url} ${picture.bytes}`).join('\n');
      assert.ok(pictures.some((picture) => picture.url.includes('/photo-story/photo')), `no picture of the story loaded:\n${list}`);
      assert.ok(!pictures.some((picture) => picture.same), `the 4000 px original was downloaded:\n${list}`);
      assert.ok(total < device.budget, `${total} bytes of pictures (at most ${device.budget}):\n${list}`);
      t.diagnostic(`${total} bytes of pictures, the original ${originalBytes.length}:\n${list}`);
      // Small, but not smaller than the box it fills on this screen.
      // (naturalWidth is in CSS pixels for a srcset: the file's own width is its `w`.)
      const chosen = await tab.evaluate(() =>
        [...document.images].map((img) => {
          const entry = (img.getAttribute('srcset') || '').split(', ').find((candidate) => img.currentSrc.endsWith(candidate.split(' ')[0]));
          return { src: img.currentSrc, file: entry ? parseInt(entry.split(' ')[1], 10) : img.naturalWidth, device: img.getBoundingClientRect().width * devicePixelRatio };
        }),
      );
      for (const img of chosen.filter((img) => img.src.includes('/photo-story/'))) {
        assert.ok(img.file >= Math.min(img.device, 1600) - 1, `a picture too small for its box: ${JSON.stringify(img)}`);
      }
      const shifts = await tab.evaluate(() => window.shifts);
      assert.deepEqual(shifts, [], 'the page moved as it loaded');
      const violations = await axeViolations(tab);
      assert.equal(violations.length, 0, describeViolations(violations));
      assert.deepEqual(offsite, []);
    } finally {
      await context.close();
    }
  });
}
