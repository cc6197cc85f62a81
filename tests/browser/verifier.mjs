// The browser card verifier (web/verify/sdc-verifier.js) in a real browser:
// Debian's Chromium driven by playwright-core opens a page served from
// 127.0.0.1 (a secure context, so WebCrypto is there), imports the module
// and runs every case of the spec's vectors with its `now` and its validity
// list, comparing every key of `expected` with what the module returns.
// Also: changed characters in a valid barcode never come out VALID, the
// forged, other-uri, expired and future lists give validity UNKNOWN with a
// reason, and an older list never replaces a newer one.
//
//   node tests/browser/verifier.mjs [VECTORS_DIR]
//
// VECTORS_DIR defaults to ../shared/spec/vectors beside the repository; the
// vectors are served from there in place. Exit 0 when every check passed.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('FAIL playwright-core is not installed in tests/browser: run scripts/setup.sh --test');
  process.exit(1);
}
if (!existsSync('/usr/bin/chromium')) {
  console.error("FAIL Debian's chromium is not installed: run scripts/setup.sh --test");
  process.exit(1);
}
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const vectors = resolve(process.argv[2] ?? join(repo, '..', 'shared', 'spec', 'vectors'));
const webVerify = join(repo, 'web', 'verify');
if (!existsSync(join(vectors, 'cases.json'))) {
  console.error(`FAIL no cases.json in ${vectors}`);
  process.exit(2);
}

let failures = 0;
const check = (name, ok, more = '') => {
  if (!ok) console.log(`FAIL ${name}${more ? ': ' + more : ''}`);
  if (!ok) failures++;
  return ok;
};

// / is an empty page; /verify/<file> and /vectors/<file> serve those folders.
const types = { js: 'text/javascript', json: 'application/json', pem: 'application/x-pem-file',
  cwt: 'application/cwt', html: 'text/html' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  if (url.pathname === '/') return send(200, 'text/html', '<!doctype html><title>verifier test</title>');
  const m = url.pathname.match(/^\/(verify|vectors)\/([A-Za-z0-9_-][A-Za-z0-9_.-]*)$/);
  if (!m) return send(404, 'text/plain', 'not found');
  try {
    const body = await readFile(join(m[1] === 'verify' ? webVerify : vectors, m[2]));
    send(200, types[m[2].split('.').pop()] ?? 'application/octet-stream', body);
  } catch {
    send(404, 'text/plain', 'not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

let browser;
try {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // playwright starts every launch on a fresh, empty profile of its own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(base + '/');

  const out = await page.evaluate(async () => {
    const v = await import('/verify/sdc-verifier.js');
    const text = async (name) => (await fetch('/vectors/' + name)).text();
    const bytes = async (name) => new Uint8Array(await (await fetch('/vectors/' + name)).arrayBuffer());
    // JSON-safe: BigInts as text.
    const plain = (x) => JSON.parse(JSON.stringify(x, (k, val) => (typeof val === 'bigint' ? String(val) : val)));
    const trust = await v.loadTrust(await text('root.pem'), await text('signers.pem'));
    const { cases } = JSON.parse(await text('cases.json'));

    const loaded = {};
    const load = async (name) => {
      if (!(name in loaded)) {
        try {
          loaded[name] = { list: await v.loadValidityList(await bytes(name), trust) };
        } catch (e) {
          loaded[name] = { error: e.message };
        }
      }
      return loaded[name];
    };
    const verify = async (barcode, listName, now) => {
      const l = listName ? await load(listName) : null;
      try {
        return plain(await v.verifyBarcode(barcode, trust, l && l.list ? [l.list] : [], now,
          { listProblems: l && l.error ? [l.error] : [] }));
      } catch (e) {
        return { thrown: String(e) };
      }
    };

    const results = [];
    for (const c of cases) results.push(await verify(c.barcode, c.validity_list, c.now));

    // One character changed at many places of a valid barcode.
    const valid = cases.find((c) => c.name === 'valid_basic');
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    const tampered = [];
    for (let i = 5; i < valid.barcode.length; i += 7) {
      const old = valid.barcode[i];
      const repl = alphabet[(alphabet.indexOf(old) + 1 + (i % 44)) % 45];
      const barcode = valid.barcode.slice(0, i) + repl + valid.barcode.slice(i + 1);
      tampered.push({ at: i, ...(await verify(barcode, valid.validity_list, valid.now)) });
    }

    // The problem lists, each given alone to a card the good list says is VALID.
    const problems = {};
    for (const name of ['validity-forged.cwt', 'validity-other-uri.cwt', 'validity-expired.cwt',
      'validity-future.cwt']) {
      const l = await load(name);
      problems[name] = { load: l.error ?? null, verification: await verify(valid.barcode, name, valid.now) };
    }

    // Newest list per uri: an older one never replaces a newer one.
    const good = (await load('validity.cwt')).list;
    const expired = (await load('validity-expired.cwt')).list;
    const newer = good && expired ? (good.iat >= expired.iat ? good : expired) : null;
    const older = newer === good ? expired : good;
    const keep = newer && {
      newerHeld: v.newerList(newer, older) === newer,
      newerOffered: v.newerList(older, newer) === newer,
      fromNothing: v.newerList(null, older) === older,
      distinct: newer.iat !== older.iat,
      both: plain(await v.verifyBarcode(valid.barcode, trust, [newer, older], valid.now)),
      bothReversed: plain(await v.verifyBarcode(valid.barcode, trust, [older, newer], valid.now)),
      newerAsOf: newer.iat,
    };

    // A bundle with the same certificate twice is refused whole.
    let duplicate = null;
    try {
      const signers = await text('signers.pem');
      await v.loadTrust(await text('root.pem'), signers + '\n' + signers);
    } catch (e) {
      duplicate = e.message;
    }
    return { cases, results, tampered, problems, keep, duplicate, goodList: good && plain(good) };
  });

  // Every case, every key of `expected`.
  let passed = 0;
  out.cases.forEach((c, i) => {
    const got = out.results[i];
    const bad = [];
    if (got.thrown) bad.push(`threw ${got.thrown}`);
    if (got.result !== c.expected.result)
      bad.push(`result ${got.result} (${got.detail}), expected ${c.expected.result}`);
    if ('holder' in c.expected) {
      if (!got.holder) bad.push('no holder');
      else
        for (const [k, want] of Object.entries(c.expected.holder))
          if (JSON.stringify(got.holder[k]) !== JSON.stringify(want))
            bad.push(`holder.${k} ${JSON.stringify(got.holder[k])}, expected ${JSON.stringify(want)}`);
    } else if (got.holder && !['VALID', 'REVOKED', 'SUSPENDED', 'NOT_YET_VALID', 'EXPIRED'].includes(got.result)) {
      bad.push('a holder for a card whose signature did not check');
    }
    if ('validity' in c.expected && got.validity !== c.expected.validity)
      bad.push(`validity ${got.validity} (${got.validityReason ?? ''}), expected ${c.expected.validity}`);
    if (got.validity === 'UNKNOWN' && !got.validityReason) bad.push('validity UNKNOWN without a reason');
    for (const k of Object.keys(c.expected))
      if (!['result', 'holder', 'validity'].includes(k)) bad.push(`expected key ${k} is not compared`);
    if (check(`case ${c.name}`, bad.length === 0, bad.join('; '))) passed++;
  });
  console.log(`${passed} of ${out.cases.length} vector cases passed`);

  for (const t of out.tampered)
    check(`barcode changed at ${t.at} is not VALID`, !t.thrown && t.result && t.result !== 'VALID',
      t.thrown ?? `${t.result}: ${t.detail}`);
  check('tampered barcodes tried', out.tampered.length >= 20, String(out.tampered.length));

  const forged = out.problems['validity-forged.cwt'];
  check('the forged list is refused on load', forged.load !== null && /signer not trusted/.test(forged.load),
    String(forged.load));
  for (const [name, p] of Object.entries(out.problems)) {
    const got = p.verification;
    check(`${name}: the card is VALID with validity UNKNOWN and a reason`,
      got.result === 'VALID' && got.validity === 'UNKNOWN' && !!got.validityReason,
      `${got.result} ${got.validity} ${got.validityReason}`);
  }
  check('the other-uri list loads but is not used', out.problems['validity-other-uri.cwt'].load === null &&
    /no validity list/.test(out.problems['validity-other-uri.cwt'].verification.validityReason ?? ''));
  check('the expired list says it expired',
    /expired at/.test(out.problems['validity-expired.cwt'].verification.validityReason ?? ''));
  check('the future list says it is from the future',
    /issued in the future/.test(out.problems['validity-future.cwt'].verification.validityReason ?? ''));

  check('the good list loads', !!out.goodList && out.goodList.entries === 4096, JSON.stringify(out.goodList));
  const valid = out.results[out.cases.findIndex((c) => c.name === 'valid_basic')];
  check('a checked card says which list and how old', valid.statusAsOf === out.goodList?.iat &&
    typeof valid.statusUri === 'string' && valid.statusUri.length > 0, JSON.stringify(valid));
  const k = out.keep;
  check('newerList keeps the newer list held', !!k && k.distinct && k.newerHeld && k.fromNothing);
  check('newerList takes a newer list offered', !!k && k.newerOffered);
  check('verifyBarcode uses the newest list of a uri, in either order', !!k &&
    k.both.statusAsOf === k.newerAsOf && k.bothReversed.statusAsOf === k.newerAsOf,
    JSON.stringify(k && [k.both.statusAsOf, k.bothReversed.statusAsOf, k.newerAsOf]));
  check('a bundle with a kid twice is refused whole', /share the kid/.test(out.duplicate ?? ''), String(out.duplicate));
  check('no error in the page', pageErrors.length === 0, pageErrors.join('; '));
} catch (e) {
  check('the verifier runs in the browser', false, e.stack || String(e));
} finally {
  if (browser) await browser.close();
  server.close();
}
console.log(failures === 0 ? 'ok   all browser verifier checks passed' : `FAIL ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
