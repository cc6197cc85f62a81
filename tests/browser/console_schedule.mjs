// The console's scheduling pages in a real browser: Debian's Chromium
// driven by playwright-core, JavaScript off for the flows (the pages are
// forms answered by the server), axe-core (WCAG 2.0/2.1 A and AA) on every
// page in contexts that let it in. Starts `sdcd demo` on a free port in a
// fresh folder and checks:
// - an enrollment officer finds the demo holder, opens their schedule
//   (requirement, appointments, hearings on the court's clock, compliance),
//   books a free slot, cancels it, and is told of a bad field beside it;
// - the officer uploads a court calendar and sees its counts and the bad
//   line with its reason;
// - a field officer sees the next hearing and books nothing; a screener is
//   refused with a clear message.
//
//   node tests/browser/console_schedule.mjs SDCD_BINARY [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, saves console-schedule.png and
// console-hearing-import.png at 360x740. Exit 0 when every check passed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tools, launchOptions, check, fail, finish, startDemo, axeCheck, signIn as signInAt, shooter } from './lib.mjs';

const { chromium, axePath } = await tools();
const [sdcd, shots] = process.argv.slice(2);
if (!sdcd) { console.error('usage: console_schedule.mjs SDCD [SCREENSHOT_DIR]'); process.exit(2); }
const viewport = { width: 360, height: 740 };
let base = '';
let browser;

const shot = shooter(shots);

const signIn = (page, user, password) => signInAt(page, base, user, password);

// From the console's search to the holder's schedule page, by links.
async function openSchedule(page, aNumber) {
  await page.goto(base + '/console/');
  await page.fill('#a_number', aNumber);
  await page.click('form[action="/console/find"] button[type=submit]');
  await page.click('ul.holders a');
  await page.click('a[href$="/schedule"]');
}

async function axe(context, path, name, prepare) {
  const p = await context.newPage();
  await p.goto(base + path);
  if (prepare) await prepare(p);
  await axeCheck(p, axePath, name);
  await p.close();
}

const main = async (page) => (await page.textContent('main')) || '';

// Unfolds the reporting requirement's form (a details element) if folded.
async function unfold(page) {
  if ((await page.getAttribute('details.change', 'open')) === null) await page.click('details.change summary');
}

let demo;
try {
  demo = await startDemo(sdcd, 'console-schedule');
  base = demo.base;
  if (shots) mkdirSync(shots, { recursive: true });
  // A court calendar: a hearing of the second demo holder, and a row whose
  // A-number is too short (line 3).
  const calendar = join(demo.folder, 'court-calendar.csv');
  writeFileSync(calendar,
    'a_number,hearing_id,starts_at,time_zone,court_name,court_address,judge,hearing_type,status\n' +
    'A201-555-002,UPLOAD-1,2031-01-15T13:30,America/Phoenix,Sample Immigration Court,"42 Docket Way, Phoenix",Judge Sample,bond,scheduled\n' +
    'A201-55,UPLOAD-2,2031-01-16T13:30,America/Phoenix,Sample Immigration Court,,,master,scheduled\n');

  browser = await chromium.launch(launchOptions());

  // ---- the enrollment officer, without JavaScript ----
  const officer = await browser.newContext({ viewport, locale: 'en-US', javaScriptEnabled: false });
  const op = await officer.newPage();
  await signIn(op, 'officer', 'demo-officer-pass');
  check('the officer starts at the console', op.url() === base + '/console/', op.url());
  check('the navigation offers the hearing import', /Import hearings/.test(await op.textContent('nav')));
  check('the console home links to the import', (await op.locator('main a[href="/console/hearings/import"]').count()) === 1);

  await openSchedule(op, 'A201-555-002');
  check('the schedule page opens from the holder page', /\/console\/holders\/[0-9a-f]{32}\/schedule$/.test(op.url()), op.url());
  const schedulePath = new URL(op.url()).pathname;
  let text = await main(op);
  check('schedule: the holder and the reporting requirement', /MUSTERMANN, ERIKA/.test(text) && /Reporting requirement/.test(text) &&
    /Specimen Field Office Southwest/.test(text) && /30 days/.test(text), text);
  check('schedule: the hearing with its court, address and the court\'s clock',
    /Specimen Immigration Court/.test(text) && /500 Sample Court Road, Newark/.test(text) && /E[SD]T/.test(text), text);
  check('schedule: compliance', /Reporting compliance/.test(text) && /Last check-in/.test(text), text);
  check('schedule: no appointment yet', /No appointment has been booked/.test(text), text);
  const options = await op.locator('#starts_at option').count();
  check('schedule: free times of the reporting office to book', options > 0, String(options));

  // Book the first free time.
  const chosen = (await op.locator('#starts_at option').first().textContent()).trim();
  await op.click('form[action$="/appointments"] button[type=submit]');
  text = await main(op);
  check('booked: the page says so', /The appointment is booked/.test(await op.textContent('[role=status]')), text);
  check('booked: listed with the office and its time', /booked/.test(text) && text.includes(chosen.split(', ').pop()), `${chosen} / ${text}`);
  check('booked: no second booking for the same date', /already booked for the reporting date/.test(text));
  await shot(op, 'console-schedule');

  // A bad field of the requirement, named beside itself; nothing written.
  check('the requirement\'s form is folded away', (await op.getAttribute('details.change', 'open')) === null);
  await unfold(op);
  await op.fill('#cadence_days', 'abc');
  await op.fill('#window_days', '40');
  await op.click(`form[action="${schedulePath}/reporting"] button[type=submit]`);
  check('bad fields: each error beside its field',
    /whole number of days from 1 to 365/.test(await op.textContent('#cadence_days-error')) &&
    /from 0 to 30/.test(await op.textContent('#window_days-error')));
  check('bad fields: the field is marked invalid', (await op.getAttribute('#cadence_days', 'aria-invalid')) === 'true');
  check('bad fields: the form is unfolded', (await op.getAttribute('details.change', 'open')) !== null);
  await op.goto(base + schedulePath);
  check('bad fields: the requirement is as it was', /30 days/.test(await main(op)));

  // Change the requirement: every 28 days.
  await unfold(op);
  await op.fill('#cadence_days', '28');
  await op.click(`form[action="${schedulePath}/reporting"] button[type=submit]`);
  check('requirement changed', /saved/.test(await op.textContent('[role=status]')) && /28 days/.test(await main(op)));

  // Cancel the appointment.
  await op.click('form[action$="/cancel"] button[type=submit]');
  check('cancelled: the page says so', /is cancelled/.test(await op.textContent('[role=status]')));
  check('cancelled: listed as cancelled', /cancelled/.test(await main(op)) && (await op.locator('form[action$="/cancel"]').count()) === 0);

  // The court calendar.
  await op.click('nav a[href="/console/hearings/import"]');
  check('import: the form', (await op.locator('form[enctype="multipart/form-data"] #calendar').count()) === 1);
  await op.setInputFiles('#calendar', calendar);
  await op.click('main form button[type=submit]');
  const result = (await op.textContent('#import-result')) || '';
  check('import: the counts', /Rows read\s*2/.test(result) && /Added\s*1/.test(result) && /Rejected\s*1/.test(result), result);
  check('import: the bad line with its reason', /Line 3/.test(result) && /a_number/.test(result), result);
  await shot(op, 'console-hearing-import');
  await op.goto(base + schedulePath);
  text = await main(op);
  check('import: the hearing is on the holder\'s schedule, on the court\'s clock', /Sample Immigration Court/.test(text) &&
    /42 Docket Way, Phoenix/.test(text) && /MST/.test(text), text);

  // ---- the field officer and the screener ----
  const field = await browser.newContext({ viewport, locale: 'en-US' });
  const fp = await field.newPage();
  await signIn(fp, 'field', 'demo-field-pass');
  await fp.goto(base + schedulePath);
  text = await main(fp);
  check('field officer: the next hearing and compliance', /Next court hearing/.test(text) && /Reporting compliance/.test(text), text);
  check('field officer: nothing to book or set', (await fp.locator('main form').count()) === 0);
  const screener = await browser.newContext({ viewport, locale: 'en-US' });
  const sp = await screener.newPage();
  await signIn(sp, 'screener', 'demo-screener-pass');
  const refused = await sp.goto(base + schedulePath);
  check('screener: refused with a clear message', refused.status() === 403 &&
    /Your role does not read holders' schedules/.test(await sp.textContent('[role=alert]')) && !/MUSTERMANN/.test(await main(sp)));

  // ---- axe on every page ----
  const axeOfficer = await browser.newContext({ viewport, storageState: await officer.storageState(), bypassCSP: true });
  await axe(axeOfficer, schedulePath, 'schedule page');
  await axe(axeOfficer, schedulePath, 'schedule page with a field error', async (p) => {
    await unfold(p);
    await p.fill('#anchor_date', 'someday');
    await p.click(`form[action="${schedulePath}/reporting"] button[type=submit]`);
  });
  await axe(axeOfficer, schedulePath, 'schedule page after booking', async (p) => {
    await p.click('form[action$="/appointments"] button[type=submit]');
  });
  await axe(axeOfficer, '/console/hearings/import', 'hearing import form');
  await axe(axeOfficer, '/console/hearings/import', 'hearing import result', async (p) => {
    await p.setInputFiles('#calendar', calendar);
    await p.click('main form button[type=submit]');
  });
  await axe(axeOfficer, '/console/hearings/import', 'hearing import without a file', async (p) => {
    await p.evaluate(() => document.querySelector('#calendar').removeAttribute('required'));
    await p.click('main form button[type=submit]');
  });
  const axeField = await browser.newContext({ viewport, storageState: await field.storageState(), bypassCSP: true });
  await axe(axeField, schedulePath, 'schedule page of a field officer');
  await axe(axeField, '/console/hearings/import', 'hearing import refused');
} catch (e) {
  console.error(e);
  fail();
} finally {
  if (browser) await browser.close().catch(() => {});
  if (demo) demo.stop();
}
finish('console schedule');
