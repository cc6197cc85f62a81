// What the browser tests share: the tools they need (Debian's chromium,
// playwright-core and axe-core from tests/browser/node_modules; a missing
// one fails the test, never skips it), the checks and their count, a fresh
// `sdcd demo` on a free port, and axe-core's WCAG 2.0/2.1 A and AA run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

// playwright-core's chromium and the path of axe-core's script; exits 1
// with what to run when either, or the browser, is missing.
export async function tools() {
  let chromium, axePath;
  try {
    ({ chromium } = await import('playwright-core'));
    axePath = require.resolve('axe-core/axe.min.js');
  } catch (e) {
    console.error('FAIL playwright-core and axe-core are not installed in tests/browser: run scripts/setup.sh --test');
    process.exit(1);
  }
  if (!existsSync('/usr/bin/chromium')) {
    console.error("FAIL Debian's chromium is not installed: run scripts/setup.sh --test");
    process.exit(1);
  }
  return { chromium, axePath };
}

// Debian's chromium, headless, quiet; playwright starts every launch on a
// fresh, empty profile of its own.
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const launchOptions = (extra = []) => ({ executablePath: '/usr/bin/chromium', args: [...chromiumArgs, ...extra] });

let failures = 0;
export const check = (name, ok, more = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !more ? '' : ': ' + more}`);
  if (!ok) failures++;
  return ok;
};
export const fail = () => { failures++; };
// Prints the summary and exits 0 when every check passed, 1 otherwise.
export function finish(what) {
  console.log(failures ? `${failures} check(s) failed` : `all ${what} checks passed`);
  process.exit(failures ? 1 : 0);
}

export const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

// `sdcd demo` in a fresh folder on a free port, up and answering:
// { base, log() (its standard error so far), folder, stop() }.
export async function startDemo(sdcd, name) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const folder = mkdtempSync(join(tmpdir(), `sdc-${name}-browser-`));
  const server = spawn(sdcd, ['demo', '--data', join(folder, 'd'), '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (d) => { log += d; });
  const stop = () => { try { server.kill('SIGKILL'); } catch {} rmSync(folder, { recursive: true, force: true }); };
  for (let i = 0; i < 300 && !/listening on/.test(log); i++) await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + '/healthz')).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!/listening on/.test(log)) { stop(); throw new Error('sdcd demo did not start:\n' + log); }
  return { base, log: () => log, folder, stop };
}

// axe-core on the page as it is now (the page's context must let the
// script in: bypassCSP); one check named `name`.
export async function axeCheck(page, axePath, name) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => await globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const v = result.violations.map((x) => `${x.id}: ${x.help} [${x.nodes.map((nd) => nd.target.join(' ')).join(', ')}]`);
  check(`${name} has no axe violations`, v.length === 0, v.join('; '));
}

// Signs in through the officers' form at base.
export async function signIn(page, base, user, password) {
  await page.goto(base + '/console/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('main button[type=submit]');
}

// Draws a silhouette over every photo of a face on the page: the enrolled
// photo, the photo from a card's code and, on a card's front preview, the
// portrait and the ghost image (the card's layout, src/card/render_front.cpp,
// in millimetres of the 85.60 x 53.98 mm card). The tests enroll real photos
// (Debian's libdlib19.1 example faces); the pictures kept in docs/ show none.
// The silhouette is drawn with elements styled through the CSSOM, which the
// pages' policy allows, so nothing is loaded.
export async function coverFaces(page) {
  return page.evaluate(() => {
    const box = (x, y, w, h, css) => {
      const d = document.createElement('div');
      Object.assign(d.style, { position: 'absolute', left: `${x}px`, top: `${y}px`, width: `${w}px`,
        height: `${h}px`, overflow: 'hidden', boxSizing: 'border-box', ...css });
      return d;
    };
    const silhouette = (x, y, w, h) => {
      const frame = box(x, y, w, h, { background: '#dde3eb', zIndex: '1000' });
      frame.dataset.cover = 'face';
      frame.appendChild(box(w * 0.3, h * 0.16, w * 0.4, h * 0.42, { background: '#5f6b7a', borderRadius: '50%' }));
      frame.appendChild(box(w * 0.08, h * 0.62, w * 0.84, h * 0.6, { background: '#5f6b7a', borderRadius: '45% 45% 0 0' }));
      document.body.appendChild(frame);
    };
    const at = (img) => {
      const r = img.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height };
    };
    let covered = 0;
    for (const img of document.querySelectorAll('.faces img, #result img, figure img')) {
      const r = at(img);
      if (r.w > 0 && r.h > 0) { silhouette(r.x, r.y, r.w, r.h); covered++; }
    }
    for (const img of document.querySelectorAll('img[src$="/preview-front.png"]')) {
      const r = at(img);
      const mm = (x, y, w, h) => silhouette(r.x + (x * r.w) / 85.6, r.y + (y * r.h) / 53.98, (w * r.w) / 85.6, (h * r.h) / 53.98);
      mm(3.6 - 0.35, 13.4 - 0.35, 23.6 + 0.7, (23.6 * 45) / 35 + 0.7);  // the portrait and its frame
      mm(70.3, 34.2, 12.3, (12.3 * 45) / 35);  // the ghost image
      covered += 2;
    }
    return covered;
  });
}

// Saves a full-page picture as DIR/NAME.png, faces covered (coverFaces);
// nothing without a folder. The covers are taken away again after.
export const shooter = (dir) => async (page, name) => {
  if (!dir) return;
  await coverFaces(page);
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  await page.evaluate(() => document.querySelectorAll('[data-cover=face]').forEach((e) => e.remove()));
};
