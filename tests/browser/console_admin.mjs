// The console's pages for auditors and administrators in a real browser:
// Debian's Chromium driven by playwright-core over `sdcd demo`, the pages'
// own policy in force for the flows, axe-core (WCAG 2.0/2.1 A and AA) on
// every page and every error state in a context that lets it in. Checks:
// - the auditor: the trail (events, the chain check intact), a filter, a
//   bad field named beside itself, the next page;
// - the administrator: a user created, refused with a bad field, disabled
//   (and then refused at sign-in) and enabled again; an office created and
//   one refused with its bad fields named;
// - an enrollment officer is refused the three pages, and told why.
//
//   node tests/browser/console_admin.mjs SDCD_BINARY [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, saves console-audit.png, console-users.png and
// console-offices.png at 360x740. Exit 0 when every check passed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tools, launchOptions, check, fail, finish, startDemo, axeCheck, signIn as signInAt, shooter } from './lib.mjs';

const { chromium, axePath } = await tools();
const [sdcd, shots] = process.argv.slice(2);
if (!sdcd) { console.error('usage: console_admin.mjs SDCD [SCREENSHOT_DIR]'); process.exit(2); }
const viewport = { width: 360, height: 740 };
let base = '';
let browser;

const shot = shooter(shots);

const signIn = (page, user, password) => signInAt(page, base, user, password);

// A signed-in context that lets axe-core's script in (bypassCSP), and one
// under the pages' own policy that records any refusal of the policy.
async function contexts(user, password) {
  const strict = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await strict.newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) refused.push(m.text()); });
  page.on('pageerror', (e) => refused.push(`page error: ${e.message}`));
  await signIn(page, user, password);
  const open = await browser.newContext({ viewport, locale: 'en-US', bypassCSP: true });
  const axePage = await open.newPage();
  await signIn(axePage, user, password);
  return { page, axePage, refused, close: async () => { await strict.close(); await open.close(); } };
}

// axe-core on `path` after `prepare` (filling a form, say).
async function axe(p, path, name, prepare) {
  await p.goto(base + path);
  if (prepare) { await unfold(p); await prepare(p); }
  await axeCheck(p, axePath, name);
}

const rows = (p) => p.locator('main tbody tr').count();
// Opens a page's folded form (a <details>), if it has one and it is closed.
async function unfold(p) {
  const d = p.locator('details.create');
  if ((await d.count()) && !(await d.evaluate((e) => e.open))) await p.click('details.create > summary');
}

let demo;
try {
  demo = await startDemo(sdcd, 'console-admin');
  base = demo.base;
  browser = await chromium.launch(launchOptions());
  if (shots) mkdirSync(shots, { recursive: true });

  // ---- an enrollment officer: none of the three pages ----
  {
    const { page, axePage, close } = await contexts('officer', 'demo-officer-pass');
    const nav = await page.textContent('nav');
    check('officer: the navigation leaves out the audit trail, users and offices', !/Audit trail|Users|Offices/.test(nav), nav);
    for (const [path, why] of [['/console/audit', 'read the audit trail'], ['/console/users', 'manage users'], ['/console/offices', 'manage offices']]) {
      const r = await page.goto(base + path);
      check(`officer: ${path} is refused`, r.status() === 403, String(r.status()));
      check(`officer: ${path} says why`, (await page.textContent('[role=alert]')).includes(`Your role does not ${why}`));
    }
    await axe(axePage, '/console/audit', 'the refused audit page');
    await close();
  }

  // ---- the auditor: the trail and the chain check ----
  {
    const { page, axePage, refused, close } = await contexts('auditor', 'demo-auditor-pass');
    check('auditor: the navigation offers the audit trail', await page.locator('nav a[href="/console/audit"]').count() === 1);
    await page.click('nav a[href="/console/audit"]');
    check('auditor: the trail opens', page.url() === base + '/console/audit', page.url());
    // A few more audited reads, so that the table shows more than the demo's.
    for (let i = 0; i < 3; i++) await page.reload();
    check('auditor: events in the table', (await rows(page)) > 0);
    const chain = await page.textContent('section[aria-labelledby=chain-title]');
    check('auditor: the chain is intact, with its records and checkpoints', /The chain is intact/.test(chain) && /Records\s*[1-9]/.test(chain) && /Signed checkpoints/.test(chain), chain);
    await shot(page, 'console-audit');
    await axe(axePage, '/console/audit', 'the audit page');

    check('auditor: the filter is folded until wanted', !(await page.isVisible('#action')));
    await unfold(page);
    await page.fill('#action', 'read_audit');
    await page.click('form[action="/console/audit"] button[type=submit]');
    const actions = await page.locator('main tbody tr td:nth-child(5)').allTextContents();
    check('auditor: filtered by action', actions.length > 0 && actions.every((a) => a === 'read_audit'), actions.join(','));
    check('auditor: the filter is not in the URL', page.url() === base + '/console/audit', page.url());
    await axe(axePage, '/console/audit', 'the audit page, filtered', async (p) => {
      await p.fill('#action', 'read_audit');
      await p.click('form[action="/console/audit"] button[type=submit]');
    });

    check('auditor: the filter stays open while it is used', await page.isVisible('#holder'));
    await page.fill('#action', '');
    await page.fill('#holder', 'xyz');
    await page.fill('#from', '2026-02-01T00:00');
    await page.fill('#to', '2026-01-01T00:00');
    await page.click('form[action="/console/audit"] button[type=submit]');
    check('auditor: a bad holder id is named beside its field', /32 hexadecimal digits/.test(await page.textContent('#holder-error')) &&
      (await page.getAttribute('#holder', 'aria-invalid')) === 'true');
    check('auditor: the error is announced', /not valid/.test(await page.textContent('[role=alert]')));
    await axe(axePage, '/console/audit', 'the audit page with a bad field', async (p) => {
      await p.fill('#holder', 'xyz');
      await p.click('form[action="/console/audit"] button[type=submit]');
    });
    await axe(axePage, '/console/audit', 'the audit page with a backwards time range', async (p) => {
      await p.fill('#from', '2026-02-01T00:00');
      await p.fill('#to', '2026-01-01T00:00');
      await p.click('form[action="/console/audit"] button[type=submit]');
      check('auditor: a backwards range is named beside "until"', /later than the start/.test(await p.textContent('#to-error')));
    });

    // The auditor reads the users and the offices, and may change neither.
    await page.goto(base + '/console/users');
    check('auditor: reads the users', (await rows(page)) > 0 && await page.locator('form[action="/console/users"]').count() === 0);
    await page.goto(base + '/console/offices');
    check('auditor: reads the offices', (await rows(page)) > 0 && await page.locator('form[action="/console/offices"]').count() === 0);
    check('auditor: no policy refusals on the pages', refused.length === 0, refused.join('; '));
    await close();
  }

  // ---- the administrator: users and offices ----
  {
    const { page, axePage, refused, close } = await contexts('demoadmin', 'demo-admin-pass');
    await page.click('nav a[href="/console/users"]');
    check('admin: the users page opens', page.url() === base + '/console/users', page.url());
    const before = await rows(page);
    check('admin: the demo accounts are listed', before >= 6, String(before));
    await axe(axePage, '/console/users', 'the users page');

    check('admin: the form is folded until wanted', !(await page.isVisible('#username')));
    await unfold(page);
    await page.fill('#username', 'bad name');
    await page.fill('#password', 'long-enough-password');
    await page.selectOption('#role', 'field_officer');
    await page.click('form[action="/console/users"] button[type=submit]');
    check('admin: a bad username is named beside its field', /1 to 64 letters/.test(await page.textContent('#username-error')));
    check('admin: and nothing is created', (await rows(page)) === before);
    check('admin: the form stays open to show the error', await page.isVisible('#username-error'));
    await axe(axePage, '/console/users', 'the users page with a bad field', async (p) => {
      await p.fill('#username', 'bad name');
      await p.fill('#password', 'short');
      await p.click('form[action="/console/users"] button[type=submit]');
    });

    await unfold(page);
    await page.fill('#username', 'clerk.two');
    await page.fill('#password', 'clerk-two-password');
    await page.selectOption('#role', 'field_officer');
    const office = await page.locator('#office_id option').nth(1).getAttribute('value');
    await page.selectOption('#office_id', office);
    await page.click('form[action="/console/users"] button[type=submit]');
    check('admin: the user is created', /User clerk.two was created/.test(await page.textContent('[role=status]')));
    const row = page.locator('main tbody tr', { hasText: 'clerk.two' });
    check('admin: the new user is listed with role and office', /Field officer/.test(await row.textContent()) && !/No office/.test(await row.textContent()), await row.textContent());
    await shot(page, 'console-users');

    await row.locator('button', { hasText: 'Disable' }).click();
    check('admin: the user is disabled', /clerk.two is disabled/.test(await page.textContent('[role=status]')) &&
      /disabled/.test(await page.locator('main tbody tr', { hasText: 'clerk.two' }).textContent()));
    await axe(axePage, '/console/users', 'the users page after a change');
    {
      const ctx = await browser.newContext({ viewport });
      const p = await ctx.newPage();
      await signIn(p, 'clerk.two', 'clerk-two-password');
      check('a disabled user cannot sign in', /Wrong username or password/.test(await p.textContent('main')));
      await page.locator('main tbody tr', { hasText: 'clerk.two' }).locator('button', { hasText: 'Enable' }).click();
      check('admin: the user is enabled again', /clerk.two is enabled/.test(await page.textContent('[role=status]')));
      await signIn(p, 'clerk.two', 'clerk-two-password');
      check('the enabled user signs in', p.url() === base + '/verify/', p.url());
      await ctx.close();
    }

    await page.click('nav a[href="/console/offices"]');
    const offices = await rows(page);
    check('admin: the demo offices are listed', offices >= 1, String(offices));
    await axe(axePage, '/console/offices', 'the offices page');
    await unfold(page);
    await page.fill('#name', 'Mars Office');
    await page.fill('#time_zone', 'Mars/Olympus');
    await page.fill('#hours_mon', '9 to 5');
    await page.click('form[action="/console/offices"] button[type=submit]');
    check('admin: a bad time zone and bad hours are named beside their fields',
      /Not a known time zone/.test(await page.textContent('#time_zone-error')) && /09:00-16:00/.test(await page.textContent('#hours_mon-error')));
    check('admin: and no office is created', (await rows(page)) === offices);
    await axe(axePage, '/console/offices', 'the offices page with bad fields', async (p) => {
      await p.fill('#name', 'Mars Office');
      await p.fill('#time_zone', 'Mars/Olympus');
      await p.fill('#slot_minutes', '1');
      await p.click('form[action="/console/offices"] button[type=submit]');
    });
    await unfold(page);
    await page.fill('#name', 'Houston Field Office');
    await page.fill('#address', '126 Northpoint Dr, Houston TX');
    await page.fill('#time_zone', 'America/Chicago');
    await page.fill('#phone', '+1 281 555 0100');
    await page.fill('#hours_mon', '08:00-16:00');
    await page.fill('#hours_thu', '08:00-12:00');
    await page.fill('#slot_minutes', '20');
    await page.fill('#slot_capacity', '4');
    await page.click('form[action="/console/offices"] button[type=submit]');
    check('admin: the office is created', /Office Houston Field Office was created/.test(await page.textContent('[role=status]')));
    const made = await page.locator('main tbody tr', { hasText: 'Houston Field Office' }).textContent();
    check('admin: the new office is listed with its hours and slots', /America\/Chicago/.test(made) && /Mon 08:00-16:00/.test(made) && /Thu 08:00-12:00/.test(made), made);
    await shot(page, 'console-offices');
    check('admin: no policy refusals on the pages', refused.length === 0, refused.join('; '));
    await close();
  }
} catch (e) {
  console.error(e);
  fail();
} finally {
  if (browser) await browser.close().catch(() => {});
  if (demo) demo.stop();
}
finish('console administration');
