// The officers' console in a real browser: Debian's Chromium driven by
// playwright-core, the page's own policy in force, axe-core (WCAG 2.0/2.1
// A and AA) on every page in contexts that let it in. Starts `sdcd demo` on
// a free port in a fresh folder and goes the whole way an enrollment takes:
// - the enrollment form, sent with bad fields and no photo: every problem
//   beside its field at once; then a photo without a face: the quality
//   check's reason;
// - enrolled with a real photo (the example faces of Debian's libdlib19.1),
//   the card issued from the holder's page, its preview shown, the PDF and
//   the back's PNG (where the code is) downloaded;
// - a field officer verifies the card by uploading the downloaded PNG;
// - the card suspended and the suspension lifted with reasons, a case
//   status recorded.
//
//   node tests/browser/console.mjs SDCD_BINARY [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, saves the pages at 360x740 as console-*.png. Exit 0
// when every check passed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tools, launchOptions, check, fail, finish, startDemo, axeCheck, signIn as signInAt, shooter } from './lib.mjs';

const { chromium, axePath } = await tools();
const [sdcd, shots] = process.argv.slice(2);
if (!sdcd) { console.error('usage: console.mjs SDCD [SCREENSHOT_DIR]'); process.exit(2); }
const viewport = { width: 360, height: 740 };
const work = mkdtempSync(join(tmpdir(), 'sdc-console-browser-'));

// A photo of the package, whether Debian ships it plain or compressed.
const faces = '/usr/share/doc/libdlib19.1/examples/faces';
function facePhoto(name) {
  const out = join(work, name);
  if (existsSync(join(faces, name))) writeFileSync(out, readFileSync(join(faces, name)));
  else if (existsSync(join(faces, name + '.gz'))) writeFileSync(out, gunzipSync(readFileSync(join(faces, name + '.gz'))));
  else { console.error(`FAIL ${faces}/${name} is missing: install libdlib-dev (scripts/setup.sh)`); process.exit(1); }
  return out;
}
const face = facePhoto('Tom_Cruise_avp_2014_4.jpg');
const dogs = facePhoto('dogs.jpg');

let base = '';
const shot = shooter(shots);
const violations = [];
const watch = (page) => page.on('console', (m) => {
  if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
});

const signIn = (page, user, password) => signInAt(page, base, user, password);

async function fillHolder(page, aNumber) {
  await page.fill('#a_number', aNumber);
  await page.fill('#family_name', 'NAKAMURA');
  await page.fill('#given_names', 'ELENA MARIA');
  await page.fill('#date_of_birth', '1991-07-23');
  await page.selectOption('#sex', 'F');
  await page.fill('#nationality', 'UTO');
  await page.fill('#contact', '+15555550142');
  await page.selectOption('#language', 'pt');
}

const text = async (page, selector) => ((await page.locator(selector).first().textContent()) || '').trim();
const imagesLoaded = (page) => page.locator('.card-preview img').evaluateAll(
  (imgs) => imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 300));

let demo;
let browser;
try {
  demo = await startDemo(sdcd, 'console');
  base = demo.base;
  browser = await chromium.launch(launchOptions());
  const officerCtx = await browser.newContext({ viewport, locale: 'en-US', acceptDownloads: true });
  const op = await officerCtx.newPage();
  watch(op);

  // ---- the enrollment form ----
  await signIn(op, 'officer', 'demo-officer-pass');
  check('the enrollment officer starts at the console', new URL(op.url()).pathname === '/console/', op.url());
  check('the navigation offers enrollment', /Enroll a holder/.test(await text(op, 'nav')));
  await op.click('nav a[href="/console/enroll"]');
  check('the enrollment page', (await text(op, 'h1')) === 'Enroll a holder');
  await shot(op, 'console-enroll');

  await op.fill('#a_number', '12');
  await op.fill('#date_of_birth', '1991-13-40');
  await op.fill('#nationality', 'U1');
  await op.click('main form button[type=submit]');
  await op.waitForSelector('[role=alert]');
  const errors = await op.locator('.field-error').evaluateAll((ps) => ps.map((p) => p.id));
  for (const field of ['a_number', 'family_name', 'date_of_birth', 'nationality', 'portrait'])
    check(`every problem at once: ${field} has its error`, errors.includes(`${field}-error`), errors.join(', '));
  check('the bad field is marked invalid and described by its error',
    (await op.getAttribute('#a_number', 'aria-invalid')) === 'true' &&
    /a_number-error/.test(await op.getAttribute('#a_number', 'aria-describedby')));
  check('what was typed stays', (await op.inputValue('#date_of_birth')) === '1991-13-40');
  await shot(op, 'console-enroll-errors');

  await fillHolder(op, 'A207-555-001');
  await op.setInputFiles('#portrait', dogs);
  await op.click('main form button[type=submit]');
  await op.waitForSelector('#portrait-error');
  check('a photo without a face: the quality check says why', /No face was found/.test(await text(op, '#portrait-error')),
    await text(op, '#portrait-error'));
  check('the good fields have no error', await op.locator('#a_number-error').count() === 0);
  await shot(op, 'console-enroll-photo');

  // A file past the upload bound: a page that says so, nothing read.
  const huge = join(work, 'huge.jpg');
  writeFileSync(huge, Buffer.alloc(13 << 20, 0xff));
  await op.goto(base + '/console/enroll');
  await fillHolder(op, 'A207-555-001');
  await op.setInputFiles('#portrait', huge);
  await op.click('main form button[type=submit]');
  await op.waitForSelector('[role=alert]');
  check('a file over 12 MiB gets a page saying so', /over 12 MiB/.test(await text(op, '[role=alert]')), await text(op, 'main'));
  await op.click('main a[href="/console/enroll"]');

  // ---- enrolled, issued, previewed, downloaded ----
  await fillHolder(op, 'A207-555-001');
  await op.setInputFiles('#portrait', face);
  await op.click('main form button[type=submit]');
  await op.waitForSelector('[role=status]');
  check('enrolled: the holder page says so', /The holder is enrolled/.test(await text(op, '[role=status]')));
  check('enrolled: the holder page shows the name and the photo',
    /NAKAMURA, ELENA MARIA/.test(await text(op, 'main h2')) && await op.locator('.faces img').count() === 1);
  const holderUrl = op.url().replace(/\?.*$/, '');
  await op.click('form[action$="/cards"] button');
  await op.waitForSelector('.card-preview');
  check('issued: the card page says so', /The card is issued and signed/.test(await text(op, '[role=status]')));
  for (let i = 0; i < 100 && !(await imagesLoaded(op)); i++) await op.waitForTimeout(100);
  check('issued: both sides are previewed', await imagesLoaded(op));
  await shot(op, 'console-card');

  const [pdf] = await Promise.all([op.waitForEvent('download'), op.click('a[download][href$="/card.pdf"]')]);
  const pdfPath = join(work, 'card.pdf');
  await pdf.saveAs(pdfPath);
  check('the PDF for printing downloads', readFileSync(pdfPath).subarray(0, 5).toString() === '%PDF-');
  const [png] = await Promise.all([op.waitForEvent('download'), op.click('a[href$="/back.png"]')]);
  const backPath = join(work, 'back.png');
  await png.saveAs(backPath);
  check('the back PNG (with the code) downloads', readFileSync(backPath).subarray(1, 4).toString() === 'PNG');

  // ---- a field officer verifies the printed card from its picture ----
  const fieldCtx = await browser.newContext({ viewport, locale: 'en-US' });
  const fp = await fieldCtx.newPage();
  watch(fp);
  await signIn(fp, 'field', 'demo-field-pass');
  await fp.setInputFiles('#photo', backPath);
  await fp.click('#verify-form button[type=submit]');
  await fp.waitForSelector('#result', { timeout: 60000 });
  check('verified by image upload: valid', (await fp.getAttribute('#result', 'class')).includes('good'), await text(fp, '#result'));
  check('verified by image upload: the holder enrolled here', /NAKAMURA/.test(await text(fp, '#result')));
  await shot(fp, 'console-verified');

  // ---- card changes with reasons, and the case status ----
  const cardUrl = op.url().replace(/\?.*$/, '');
  await op.click('form[action$="/suspend"] button');
  await op.waitForSelector('[role=alert]');
  check('a suspension without a reason is refused beside its field', await op.locator('#suspend-reason-error').count() === 1);
  await op.fill('#suspend-reason', 'reported lost at the office');
  await op.click('form[action$="/suspend"] button');
  await op.waitForSelector('[role=status]');
  check('suspended', /suspended/.test(await text(op, '[role=status]')) && await op.locator('form[action$="/lift"]').count() === 1);
  for (let i = 0; i < 100 && !(await imagesLoaded(op)); i++) await op.waitForTimeout(100);
  await shot(op, 'console-card-suspended');
  await op.fill('#lift-reason', 'found by the holder');
  await op.click('form[action$="/lift"] button');
  await op.waitForSelector('[role=status]');
  check('the suspension is lifted', /valid again/.test(await text(op, '[role=status]')));

  await op.goto(holderUrl);
  await op.selectOption('#status', 'no_final_order');
  await op.fill('#effective_date', '2026-11-30');
  await op.fill('#reason', 'hearing continued');
  await op.click('form[action$="/case-status"] button');
  await op.waitForSelector('[role=status]');
  check('a case status is recorded and shown in the history',
    /case status is recorded/.test(await text(op, '[role=status]')) && /No final order of removal/.test(await text(op, 'ol.holders')));
  await shot(op, 'console-holder-case');
  check('no policy violations on the console', violations.length === 0, violations.join('; '));

  // ---- axe on every page ----
  const axeCtx = await browser.newContext({ viewport, storageState: await officerCtx.storageState(), bypassCSP: true });
  const axe = async (url, name, prepare) => {
    const p = await axeCtx.newPage();
    await p.goto(url);
    if (prepare) await prepare(p);
    await axeCheck(p, axePath, name);
    await p.close();
  };
  await axe(base + '/console/enroll', 'enrollment form');
  await axe(base + '/console/enroll', 'enrollment form with errors', async (p) => {
    await p.fill('#a_number', '12');
    await p.click('main form button[type=submit]');
    await p.waitForSelector('[role=alert]');
  });
  await axe(base + '/console/enroll', 'the page for a file too large', async (p) => {
    await p.setInputFiles('#portrait', huge);
    await p.click('main form button[type=submit]');
    await p.waitForSelector('[role=alert]');
  });
  await axe(holderUrl, 'holder page with its forms');
  await axe(cardUrl, 'card page');
  await axe(cardUrl, 'card page with an error', async (p) => {
    await p.click('form[action$="/revoke"] button');
    await p.waitForSelector('[role=alert]');
  });
} catch (e) {
  console.error(e);
  fail();
} finally {
  if (browser) await browser.close().catch(() => {});
  if (demo) demo.stop();
  rmSync(work, { recursive: true, force: true });
}
finish('console');
