// The holder portal in a real browser: Debian's Chromium driven by
// playwright-core, JavaScript off for the flow (the portal must work
// without it), axe-core (WCAG 2.0/2.1 A and AA) on every page in a second
// context with the same cookies. Starts `sdcd demo` on a free port in a
// fresh folder and logs in with the holder it prints.
//
//   node tests/browser/portal.mjs SDCD_BINARY [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, saves every page at 360x740 in English and Spanish
// as <page>-<lang>.png. Exit 0 when every check passed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tools, launchOptions, check, fail, finish, startDemo, axeCheck } from './lib.mjs';

const { chromium, axePath } = await tools();
const [sdcd, shots] = process.argv.slice(2);
if (!sdcd) { console.error('usage: portal.mjs SDCD [SCREENSHOT_DIR]'); process.exit(2); }

let browser, demo;
try {
  demo = await startDemo(sdcd, 'portal');
  const { base } = demo;
  let login;
  for (let i = 0; i < 300 && !login; i++) {
    login = demo.log().match(/document number (\S+) and PIN (\d+)/);
    if (!login) await new Promise((r) => setTimeout(r, 100));
  }
  if (!login) throw new Error('sdcd demo printed no holder login:\n' + demo.log());
  const [, doc, pin] = login;

  browser = await chromium.launch(launchOptions());
  const viewport = { width: 360, height: 740 };
  const ctx = await browser.newContext({ viewport, javaScriptEnabled: false, locale: 'en-US' });
  const page = await ctx.newPage();

  // Every HTML answer: a strict policy, no script.
  const headersOk = (res, name) => {
    const h = res.headers();
    const csp = h['content-security-policy'] || '';
    check(`${name}: CSP default-src 'none' without unsafe-inline`, csp.includes("default-src 'none'") && !csp.includes('unsafe-inline'), csp);
    check(`${name}: nosniff`, h['x-content-type-options'] === 'nosniff');
  };

  let res = await page.goto(base + '/portal/');
  check('an unsigned visit lands on the login page', page.url() === base + '/portal/login', page.url());
  headersOk(res, 'login');
  await page.fill('input[name=document_number]', doc);
  await page.fill('input[name=pin]', '000000');
  await page.click('button[type=submit]');
  check('a wrong PIN is told', (await page.locator('[role=alert]').count()) === 1 && page.url().endsWith('/portal/login'));
  await page.fill('input[name=document_number]', doc);
  await page.fill('input[name=pin]', pin);
  await page.click('main button[type=submit]');
  check('the holder is welcomed home', page.url() === base + '/portal/' && (await page.textContent('h1')).startsWith('Welcome'), page.url());

  // Book the first free time.
  res = await page.goto(base + '/portal/appointments');
  headersOk(res, 'appointments');
  const before = await page.locator('li.appointment').count();
  const form = page.locator('form[action="/portal/appointments"]');
  if (before > 0 && (await form.count()) === 0) {
    // The demo booked this due date already: cancel it first.
    const href = await page.locator('li.appointment a[href$="/cancel"]').first().getAttribute('href');
    await page.goto(base + href);
    await page.click('main button[type=submit]');
  }
  const radio = page.locator('form[action="/portal/appointments"] input[name=starts_at]').first();
  const bookedAt = Number(await radio.getAttribute('value'));
  await radio.check();
  await page.click('form[action="/portal/appointments"] button[type=submit]');
  check('booking says so', (await page.locator('[role=status]').count()) === 1 && page.url().includes('booked='), page.url());
  const id = new URL(page.url()).searchParams.get('booked');

  // Move it to another time.
  await page.click(`a[href="/portal/appointments/${id}/move"]`);
  const moveRadios = page.locator('input[name=starts_at]');
  const n = await moveRadios.count();
  check('the move page offers other times', n > 0);
  const target = moveRadios.nth(n - 1);
  const movedAt = Number(await target.getAttribute('value'));
  await target.check();
  await page.click('main button[type=submit]');
  check('moving says so', page.url().includes('moved=' + id) && (await page.locator('[role=status]').count()) === 1, page.url());
  check('the moved time is not the booked one', movedAt !== bookedAt);

  // The calendar download has the moved time (DTSTART in UTC or on the office's clock).
  const ics = await ctx.request.get(base + '/portal/calendar.ics');
  const cal = await ics.text();
  check('the calendar is text/calendar', (ics.headers()['content-type'] || '').startsWith('text/calendar'));
  check('the calendar has a VTIMEZONE and the appointment', cal.includes('BEGIN:VTIMEZONE') && cal.includes(`UID:appointment-${id}@sdc`));
  const block = cal.split('BEGIN:VEVENT').find((b) => b.includes(`UID:appointment-${id}@sdc`)) || '';
  const m = block.match(/DTSTART;TZID=([^:]+):(\d{8}T\d{6})/);
  if (m) {
    const local = new Date(movedAt * 1000).toLocaleString('sv-SE', { timeZone: m[1], hour12: false }).replace(/[-: ]/g, (c) => (c === ' ' ? 'T' : ''));
    check('the calendar event starts at the moved time', m[2] === local, `${m[2]} vs ${local}`);
  } else {
    check('the calendar event has a zoned DTSTART', false, block);
  }

  // Every page, checked by axe, and pictured in two languages.
  const pages = {
    home: '/portal/', appointments: '/portal/appointments', move: `/portal/appointments/${id}/move`,
    cancel: `/portal/appointments/${id}/cancel`, hearings: '/portal/hearings', 'check-ins': '/portal/check-ins',
    access: '/portal/access', language: '/portal/language',
  };
  const hearings = await (await page.goto(base + '/portal/hearings')).text();
  check('hearings show a court address', /Court/.test(hearings) && (await page.locator('li.hearing').count()) > 0);
  await page.goto(base + '/portal/access');
  check('who accessed my record lists an officer', (await page.locator('table tbody tr').count()) > 0);

  const state = await ctx.storageState();
  // axe is a script: these contexts let it past the portal's policy (the
  // flow above ran under the policy, with JavaScript off).
  const axeCtx = await browser.newContext({ viewport, storageState: state, bypassCSP: true });
  const visitors = await browser.newContext({ viewport, bypassCSP: true });
  if (shots) mkdirSync(shots, { recursive: true });
  for (const lang of ['en', 'es']) {
    for (const c of [axeCtx, visitors])
      await c.addCookies([{ name: 'sdc_lang', value: lang, url: base + '/portal/' }]);
    const all = [['login', visitors, '/portal/login'], ...Object.entries(pages).map(([k, p]) => [k, axeCtx, p])];
    for (const [name, c, path] of all) {
      const p = await c.newPage();
      const r = await p.goto(base + path);
      check(`${name} (${lang}) answers 200`, r.status() === 200, String(r.status()));
      check(`${name} (${lang}) is in ${lang}`, (await p.getAttribute('html', 'lang')) === lang);
      await axeCheck(p, axePath, `${name} (${lang})`);
      if (shots) await p.screenshot({ path: join(shots, `${name}-${lang}.png`), fullPage: true });
      await p.close();
    }
  }
  // Choose Spanish through the form (JavaScript off) and back.
  await page.goto(base + '/portal/language');
  await page.check('input[name=lang][value=es]');
  await page.click('main button[type=submit]');
  check('the language switch speaks Spanish', (await page.getAttribute('html', 'lang')) === 'es');
  await page.check('input[name=lang][value=en]');
  await page.click('main button[type=submit]');
  check('and back to English', (await page.getAttribute('html', 'lang')) === 'en');
  // Cancel at the end.
  await page.goto(base + pages.cancel);
  await page.click('main button[type=submit]');
  check('cancelling says so', page.url().includes('cancelled=' + id));
} catch (e) {
  console.error(e);
  fail();
} finally {
  if (browser) await browser.close();
  if (demo) demo.stop();
}
finish('portal');
