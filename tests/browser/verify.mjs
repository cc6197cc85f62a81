// The officers' verify page in a real browser: Debian's Chromium driven by
// playwright-core, the page's own policy in force (no bypass) for every
// flow, axe-core (WCAG 2.0/2.1 A and AA) on every page in contexts that let
// it in. Starts `sdcd demo` on a free port in a fresh folder, issues cards
// through the API (one then revoked), and checks:
// - field officer and screener each see what their role may, and no more;
// - a card read from a photo upload, and with the camera (Chromium's fake
//   video capture fed a picture of the card's code);
// - valid, revoked, forged and a photo without a code, each told apart;
// - the same page with JavaScript off (a form answered by the server);
// - offline: the page opens from its service worker and verifies in the
//   browser, reads a photo there with its own QR reader (zxing-wasm, which
//   also reads 40 codes as long as a card's), and a validity list past its
//   ttl is said to be out of date.
//
//   node tests/browser/verify.mjs SDCD_BINARY [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, saves the pages at 360x740 as verify-*.png. Exit 0
// when every check passed.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync, deflateSync } from 'node:zlib';
import { tools, launchOptions, check, fail, finish, startDemo, axeCheck, signIn as signInAt, shooter } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const zxingPath = join(here, 'node_modules', '@zxing', 'library', 'umd', 'index.min.js');
const { chromium, axePath } = await tools();
if (!existsSync(zxingPath)) {
  console.error('FAIL @zxing/library is not installed in tests/browser: run scripts/setup.sh --test');
  process.exit(1);
}
const [sdcd, shots] = process.argv.slice(2);
if (!sdcd) { console.error('usage: verify.mjs SDCD [SCREENSHOT_DIR]'); process.exit(2); }
const viewport = { width: 360, height: 740 };
let base = '';
let browsers = [];

async function api(method, path, token, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// A forgery: the card's signed data changed (one letter of the name) and
// packed again as a valid code, the signature left as it was.
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function base45Decode(text) {
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const v = [...text.slice(i, i + 3)].reduce((acc, ch, k) => acc + B45.indexOf(ch) * 45 ** k, 0);
    if (text.length - i >= 3) out.push(v >> 8, v & 0xff); else out.push(v);
  }
  return Buffer.from(out);
}
function base45Encode(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 2) {
    let v = i + 1 < bytes.length ? bytes[i] * 256 + bytes[i + 1] : bytes[i];
    const n = i + 1 < bytes.length ? 3 : 2;
    for (let k = 0; k < n; k++) { s += B45[v % 45]; v = Math.floor(v / 45); }
  }
  return s;
}
function forge(barcode, from, to) {
  const cose = inflateSync(base45Decode(barcode.slice(5)));
  const at = cose.indexOf(Buffer.from(from));
  if (at < 0) throw new Error(`${from} is not in the card`);
  Buffer.from(to).copy(cose, at);
  return 'SDC1:' + base45Encode(deflateSync(cose));
}

const shot = shooter(shots);

async function axe(context, path, name, prepare) {
  const p = await context.newPage();
  await p.goto(base + path);
  if (prepare) await prepare(p);
  await axeCheck(p, axePath, name);
  await p.close();
}

const signIn = (page, user, password) => signInAt(page, base, user, password);

// Sends the code's text through the page's form.
async function verifyText(page, text) {
  await page.fill('#barcode', text);
  await page.click('#verify-form button[type=submit]');
  await page.waitForSelector('#result');
}

let demo;
try {
  demo = await startDemo(sdcd, 'verify');
  base = demo.base;
  const data = demo.folder;

  // Cards through the API: the demo's second holder gets a new card (valid),
  // the third one a card that is then revoked.
  const officer = (await api('POST', '/v1/login', null, { username: 'officer', password: 'demo-officer-pass' })).token;
  const holderOf = async (a) => (await api('GET', `/v1/holders?a_number=${a}`, officer)).holders[0].id;
  const good = await api('POST', `/v1/holders/${await holderOf('A201-555-002')}/cards`, officer, {});
  const bad = await api('POST', `/v1/holders/${await holderOf('A201-555-003')}/cards`, officer, {});
  await api('POST', `/v1/cards/${bad.document_number}/revoke`, officer, { reason: 'reported stolen' });
  const valid = good.issued.barcode;
  const revoked = bad.issued.barcode;
  const forged = forge(valid, 'MUSTERMANN', 'MUSTERMANX');

  // Pictures of the card's code, drawn with the ZXing encoder: a PNG to
  // upload, a Y4M video for the fake camera, a PNG with no code at all; and
  // 40 more codes as long as the card's, of fixed pseudo-random text, for
  // the page's reader (up to a third of such codes defeated @zxing/library's).
  const drawer = await chromium.launch(launchOptions());
  browsers.push(drawer);
  const dp = await (await drawer.newContext({ bypassCSP: true })).newPage();
  await dp.addScriptTag({ path: zxingPath });
  const art = await dp.evaluate(({ text }) => {
    const ZX = globalThis.ZXing;
    const hints = new Map([[ZX.EncodeHintType.MARGIN, 2]]);
    // A white w x h picture with a heading and, unless `code` is null, the
    // code's QR symbol below it, as large as the height allows.
    const draw = (w, h, code) => {
      const c = document.createElement('canvas');
      c.width = w; c.height = h;
      const g = c.getContext('2d');
      g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
      g.fillStyle = '#000';
      g.font = '28px sans-serif';
      g.fillText('SECURE DOCKET CARD', 24, 40);
      if (code !== null) {
        const matrix = new ZX.QRCodeWriter().encode(code, ZX.BarcodeFormat.QR_CODE, 0, 0, hints);
        const n = matrix.getWidth();
        const px = Math.floor((h - 80) / n);
        const x0 = Math.floor((w - n * px) / 2), y0 = 60;
        for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (matrix.get(x, y)) g.fillRect(x0 + x * px, y0 + y * px, px, px);
      }
      return c;
    };
    const video = draw(1280, 720, text);
    const gray = Array.from(video.getContext('2d').getImageData(0, 0, 1280, 720).data.filter((_, i) => i % 4 === 0));
    let seed = 20261207;
    const random = () => {  // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
      return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
    };
    const base45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    const codes = [];
    for (let k = 0; k < 40; k++) {
      let code = 'SDC1:';
      while (code.length < text.length) code += base45[Math.floor(random() * base45.length)];
      codes.push({ code, frame: draw(1280, 720, code).toDataURL('image/png') });
    }
    return { png: draw(900, 900, text).toDataURL('image/png'), blank: draw(600, 400, null).toDataURL('image/png'), gray, codes };
  }, { text: valid });
  await drawer.close();
  browsers = browsers.filter((b) => b !== drawer);
  const photo = join(data, 'card.png');
  const blank = join(data, 'blank.png');
  writeFileSync(photo, Buffer.from(art.png.split(',')[1], 'base64'));
  writeFileSync(blank, Buffer.from(art.blank.split(',')[1], 'base64'));
  const y = Buffer.from(art.gray);
  const uv = Buffer.alloc((1280 / 2) * (720 / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, uv]);
  const y4m = join(data, 'card.y4m');
  writeFileSync(y4m, Buffer.concat([Buffer.from('YUV4MPEG2 W1280 H720 F10:1 Ip A1:1 C420\n'), frame, frame, frame]));

  const browser = await chromium.launch(launchOptions());
  browsers.push(browser);
  if (shots) mkdirSync(shots, { recursive: true });

  // ---- the field officer, JavaScript on, under the page's own policy ----
  const field = await browser.newContext({ viewport, locale: 'en-US' });
  const fp = await field.newPage();
  const violations = [];
  fp.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  fp.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  if (process.env.SDC_BROWSER_DEBUG) fp.on('console', (m) => console.log('console:', m.text()));
  const loginRes = await fp.goto(base + '/console/login');
  check('the sign-in page has the strict policy', (loginRes.headers()['content-security-policy'] || '').includes("default-src 'none'"));
  await shot(fp, 'console-login');
  await signIn(fp, 'field', 'demo-field-pass');
  check('a field officer lands on the verify page', fp.url() === base + '/verify/', fp.url());
  await fp.waitForSelector('html[data-verify-ready=true]');
  check('the script shows the camera button', await fp.isVisible('#camera-start'));
  // (waitForFunction would need eval, which the page's policy forbids.)
  await fp.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await fp.locator('#device-state', { hasText: 'validity list' }).waitFor({ timeout: 15000 });
  check('the device keeps a validity list', /validity list is from/.test(await fp.textContent('#device-state')), await fp.textContent('#device-state'));
  await shot(fp, 'verify');

  await verifyText(fp, valid);
  check('valid: checked by the registry', (await fp.getAttribute('#result', 'data-source')) === 'registry');
  check('valid: good, in words', (await fp.getAttribute('#result', 'class')).includes('good') && (await fp.textContent('#result h2')).includes('genuine and valid'));
  check('valid: the field officer sees the A-number and the case status', /A-number/.test(await fp.textContent('#result')) && /Case status/.test(await fp.textContent('#result')));
  check('valid: the card photo and the registry photo', (await fp.locator('#result .faces img').count()) === 2);
  const thumbOk = await fp.evaluate(() => [...document.querySelectorAll('#result .faces img')].every((i) => i.complete && i.naturalWidth > 0));
  check('valid: the faces are drawn', thumbOk);
  await shot(fp, 'verify-valid');

  await verifyText(fp, revoked);
  check('revoked: bad, in words', (await fp.getAttribute('#result', 'class')).includes('bad') && /revoked/.test(await fp.textContent('#result h2')));
  await shot(fp, 'verify-revoked');

  await verifyText(fp, forged);
  const forgedText = await fp.textContent('#result');
  check('forged: the signature does not match, and no holder data', (await fp.getAttribute('#result', 'class')).includes('bad') &&
    /forged/.test(await fp.textContent('#result h2')) && !/MUSTERMAN/.test(forgedText), forgedText);
  await shot(fp, 'verify-forged');

  // A photo of the code, decoded by the server.
  await fp.goto(base + '/verify/');
  await fp.setInputFiles('#photo', photo);
  await fp.click('#verify-form button[type=submit]');
  await fp.waitForSelector('#result');
  check('photo upload: read and valid', (await fp.getAttribute('#result', 'class')).includes('good'));
  await fp.goto(base + '/verify/');
  await fp.setInputFiles('#photo', blank);
  await fp.click('#verify-form button[type=submit]');
  await fp.waitForSelector('[role=alert]');
  check('a photo without a code is told', /No card code could be read/.test(await fp.textContent('[role=alert]')));
  check('no policy violations on the field officer\'s pages', violations.length === 0, violations.join('; '));

  // ---- offline: from the service worker, verified in the browser ----
  await fp.goto(base + '/verify/');
  await fp.waitForSelector('html[data-verify-ready=true]');
  await field.setOffline(true);
  await fp.reload();
  await fp.waitForSelector('html[data-verify-ready=true]');
  check('offline: the page opens from the service worker', (await fp.textContent('h1')).includes('Verify a card'));
  await verifyText(fp, valid);
  check('offline: verified on the device', (await fp.getAttribute('#result', 'data-source')) === 'device');
  check('offline: valid', (await fp.getAttribute('#result', 'data-result')) === 'VALID' && (await fp.getAttribute('#result', 'class')).includes('good'));
  await shot(fp, 'verify-offline');
  await verifyText(fp, revoked);
  check('offline: the kept list knows the revoked card', (await fp.getAttribute('#result', 'data-result')) === 'REVOKED');
  await verifyText(fp, forged);
  check('offline: the forged card is BAD_SIGNATURE', (await fp.getAttribute('#result', 'data-result')) === 'BAD_SIGNATURE');
  // A photo read on the device: zxing-wasm's module from the service worker.
  await fp.goto(base + '/verify/');
  await fp.waitForSelector('html[data-verify-ready=true]');
  await fp.fill('#barcode', '');
  await fp.setInputFiles('#photo', photo);
  await fp.click('#verify-form button[type=submit]');
  const readOffline = await fp.waitForSelector('#result', { timeout: 30000 }).then(() => true, () => false);
  check('offline: a photo is read on the device', readOffline && (await fp.getAttribute('#result', 'data-source')) === 'device' &&
    (await fp.getAttribute('#result', 'data-result')) === 'VALID', await fp.textContent('#device-state'));
  // The reader the page has just loaded, under the page's policy, on the
  // 40 codes, each drawn as a camera frame like the fake camera's below.
  const misses = await fp.evaluate(async (codes) => {
    const c = document.createElement('canvas');
    c.width = 1280; c.height = 720;
    const g = c.getContext('2d', { willReadFrequently: true });
    const missed = [];
    for (const { code, frame } of codes) {
      const picture = new Image();
      picture.src = frame;
      await picture.decode();
      g.drawImage(picture, 0, 0);
      const found = await window.ZXingWASM.readBarcodes(g.getImageData(0, 0, 1280, 720), { formats: ['QRCode'], tryHarder: true })
        .catch((e) => [{ text: String(e).slice(0, 160) }]);
      if (found[0]?.text !== code) missed.push(found[0]?.text ?? code.slice(0, 12));
    }
    return missed;
  }, art.codes);
  check(`offline: the page's reader reads all ${art.codes.length} card-sized codes`, art.codes.length === 40 && misses.length === 0, misses.join(', '));
  // Two hours later (the demo list's ttl is one hour): out of date.
  await fp.clock.install({ time: Date.now() + 2 * 3600 * 1000 });
  await fp.reload();
  await fp.waitForSelector('html[data-verify-ready=true]');
  check('offline: a list past its ttl is out of date', /out of date/.test(await fp.textContent('#device-state')), await fp.textContent('#device-state'));
  await verifyText(fp, valid);
  check('offline: still verified with the kept list', (await fp.getAttribute('#result', 'data-result')) === 'VALID');
  await shot(fp, 'verify-stale');
  await field.setOffline(false);

  // ---- the screener: identity and validity only ----
  const screener = await browser.newContext({ viewport, locale: 'en-US' });
  const sp = await screener.newPage();
  await signIn(sp, 'screener', 'demo-screener-pass');
  await sp.waitForSelector('html[data-verify-ready=true]');
  await verifyText(sp, valid);
  const seen = await sp.textContent('#result');
  check('screener: valid with name and photo', /MUSTERMANN/.test(seen) && (await sp.locator('#result .faces img').count()) === 1, seen);
  check('screener: no A-number, no case status', !/A-number|Case status|Next hearing|201555002/.test(seen), seen);
  await shot(sp, 'verify-screener');

  // ---- the other roles: where they start, what the navigation offers ----
  for (const [user, password, role, start, verifies] of [
    ['officer', 'demo-officer-pass', 'enrollment officer', '/console/', true],
    ['auditor', 'demo-auditor-pass', 'auditor', '/console/', false],
    ['demoadmin', 'demo-admin-pass', 'administrator', '/console/', false],
  ]) {
    const ctx = await browser.newContext({ viewport, locale: 'en-US' });
    const p = await ctx.newPage();
    await signIn(p, user, password);
    check(`${role}: starts at ${start}`, p.url() === base + start, p.url());
    const nav = await p.textContent('nav');
    check(`${role}: the navigation ${verifies ? 'offers' : 'leaves out'} the verify page`, /Verify a card/.test(nav) === verifies, nav);
    const r = await p.goto(base + '/verify/');
    check(`${role}: the verify page ${verifies ? 'opens' : 'is refused'}`, r.status() === (verifies ? 200 : 403), String(r.status()));
    if (!verifies) check(`${role}: told why`, /Your role does not verify cards/.test(await p.textContent('[role=alert]')));
    await p.goto(base + '/console/');
    const finds = role !== 'administrator';
    check(`${role}: the console ${finds ? 'offers' : 'has no'} holder search`, (await p.locator('form[action="/console/find"]').count()) === (finds ? 1 : 0));
    if (finds) {
      await p.fill('#a_number', 'A201 555 002');
      await p.click('form[action="/console/find"] button[type=submit]');
      check(`${role}: finds the holder by the A-number as typed`, /MUSTERMANN, ERIKA/.test(await p.textContent('main')));
      if (role === 'enrollment officer') {
        await shot(p, 'console-find');
        await p.click('ul.holders a');
        const record = await p.textContent('main');
        check('the holder page: identity, cards and case status', /MUSTERMANN, ERIKA/.test(record) && /201555002/.test(record) &&
          /Cards/.test(record) && /Case status/.test(record), record);
        check('the holder page: the enrolled photo is drawn', await p.evaluate(() => [...document.querySelectorAll('main img')].every((i) => i.complete && i.naturalWidth > 0)));
        await shot(p, 'console-holder');
      }
    }
    await ctx.close();
  }

  // ---- JavaScript off: the same form, answered by the server ----
  const plain = await browser.newContext({ viewport, javaScriptEnabled: false, locale: 'es-ES' });
  const pp = await plain.newPage();
  await signIn(pp, 'field', 'demo-field-pass');
  check('without JavaScript: the verify page, in Spanish', pp.url() === base + '/verify/' && (await pp.getAttribute('html', 'lang')) === 'es');
  check('without JavaScript: no camera button', !(await pp.isVisible('#camera-start')));
  await pp.setInputFiles('#photo', photo);
  await pp.click('#verify-form button[type=submit]');
  check('without JavaScript: the photo is verified', (await pp.getAttribute('#result', 'class')).includes('good') && /auténtica y válida/.test(await pp.textContent('#result h2')));

  // ---- the camera: Chromium's fake capture shows the card's code ----
  const camera = await chromium.launch(launchOptions(['--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`]));
  browsers.push(camera);
  const cam = await camera.newContext({ viewport, locale: 'en-US', permissions: ['camera'] });
  const cp = await cam.newPage();
  const camErrors = [];
  cp.on('pageerror', (e) => camErrors.push(e.message));
  await signIn(cp, 'field', 'demo-field-pass');
  await cp.waitForSelector('html[data-verify-ready=true]');
  await cp.click('#camera-start');
  // The page either verifies what the camera shows or says the camera is
  // unavailable; on a loaded machine decoding frames may take a while.
  // Polled from here: the page's policy forbids the evaluated strings a
  // waitForFunction with an interval would need.
  const look = () => cp.evaluate(() => {
    const result = document.getElementById('result');
    if (result && result.offsetParent !== null) return 'result';
    const status = document.getElementById('camera-status')?.textContent ?? '';
    if (/cannot be used/.test(status)) return 'camera unavailable: ' + status;
    const v = document.getElementById('camera');
    return { status, hidden: v?.hidden, width: v?.videoWidth, height: v?.videoHeight, ready: v?.readyState };
  }).catch((e) => ({ navigating: e.message.split('\n')[0] }));  // looked again after a navigation
  let answer = await look();
  for (const started = Date.now(); typeof answer !== 'string' && Date.now() - started < 120000; answer = await look())
    await new Promise((r) => setTimeout(r, 250));
  if (typeof answer !== 'string') answer = `no answer in 120 s: ${JSON.stringify(answer)}; page errors: ${camErrors.join(' | ') || 'none'}`;
  check('camera: the code is read and verified', answer === 'result' &&
    (await cp.getAttribute('#result', 'class')).includes('good'), answer === 'result' ? await cp.textContent('#result') : answer);

  // ---- axe on every page ----
  const state = await field.storageState();
  const axeCtx = await browser.newContext({ viewport, storageState: state, bypassCSP: true });
  const visitor = await browser.newContext({ viewport, bypassCSP: true });
  await axe(visitor, '/console/login', 'console login');
  await axe(axeCtx, '/console/', 'console home');
  await axe(axeCtx, '/console/', 'console search results', async (p) => {
    await p.fill('#a_number', 'A201-555-002');
    await p.click('form[action="/console/find"] button[type=submit]');
  });
  await axe(axeCtx, '/console/', 'console search with an error', async (p) => {
    await p.fill('#a_number', '12');
    await p.click('form[action="/console/find"] button[type=submit]');
  });
  await axe(axeCtx, '/console/', 'console holder page', async (p) => {
    await p.fill('#a_number', 'A201-555-002');
    await p.click('form[action="/console/find"] button[type=submit]');
    await p.click('ul.holders a');
  });
  await axe(axeCtx, '/verify/', 'verify page');
  for (const [name, text] of [['valid', valid], ['revoked', revoked], ['forged', forged]])
    await axe(axeCtx, '/verify/', `verify page, ${name}`, (p) => verifyText(p, text));
  await axe(axeCtx, '/verify/', 'verify page, offline result', async (p) => {
    await p.waitForSelector('html[data-verify-ready=true]');
    await axeCtx.setOffline(true);
    await verifyText(p, valid);
    await axeCtx.setOffline(false);
  });
} catch (e) {
  console.error(e);
  fail();
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  if (demo) demo.stop();
}
finish('verify page');
