// SDC card verifier for the browser (credential-v1, shared/spec/credential-v1.md).
//
// A dependency-free ES module that gives the same results as `sdc verify`
// (src/credential/verify.cpp) with web platform APIs only: Base45 and a
// strict CBOR reader written here, zlib through DecompressionStream, X.509
// through a small DER reader, ES256 and SHA-256 through WebCrypto. It needs
// a secure context (https, or http://127.0.0.1) for crypto.subtle.
//
//   loadTrust(rootPem, signersPem) -> Promise<Trust>
//     The root certificate and the signer bundle (PEM text). Throws an Error
//     saying why when the root is no self-signed CA allowed to sign
//     certificates, a certificate does not parse, or two signer certificates
//     share a kid (the bundle is then refused whole). Signers that do not
//     chain to the root, are a CA, may not sign documents or have no P-256
//     key are kept, marked untrusted with the reason.
//
//   loadValidityList(bytes, trust) -> Promise<ValidityList>
//     A Status List Token (Uint8Array). Checks its structure, algorithm,
//     type header, signer (§4, at the list's iat), signature and bit width;
//     throws an Error whose message says why the list cannot be used. Time,
//     uri and index are checked per card by verifyBarcode, as in the C++
//     verifier, so one loaded list serves until it expires.
//     Result: { uri, iat, exp, ttl, entries, kid } (times in seconds).
//
//   newerList(held, offered) -> the list to keep for one uri: `offered`
//     unless `held` has a newer iat (an older list never replaces a newer
//     one). Either may be null; lists for different uris throw.
//
//   verifyBarcode(text, trust, lists, nowSeconds, options) -> Promise<Verification>
//     Never throws for a bad barcode. `lists` is an array of loaded lists
//     (the newest per uri is used), `nowSeconds` the verification time
//     (default: the clock). options.listProblems: reasons lists failed to
//     load, shown as the validity reason when no list applies.
//     Result: { result, detail, holder?, iss?, issuedAt?, expiresAt?,
//     statusUri?, statusIndex?, validity?, statusAsOf?, validityReason? }.
//     `result` is one of the spec's §5 names (NOT_SDC, MALFORMED,
//     UNSUPPORTED_ALGORITHM, UNKNOWN_SIGNER, UNTRUSTED_SIGNER, BAD_SIGNATURE,
//     NOT_YET_VALID, EXPIRED, REVOKED, SUSPENDED, VALID); `holder` (present
//     once the signature has checked) uses the spec's JSON names, with
//     portrait_sha256 in lowercase hex and thumbnail in base64 when present;
//     `validity` (VALID, INVALID, SUSPENDED or UNKNOWN) and `statusAsOf`
//     (the list's iat) come with VALID, REVOKED and SUSPENDED, and
//     `validityReason` says why validity is UNKNOWN. Times are seconds since
//     the epoch; card_version and statusIndex are Numbers, or BigInts beyond
//     2^53.

const PREFIX = 'SDC1:';
const MAX_INFLATED_BARCODE = 16 * 1024;
const MAX_INFLATED_STATUS_LIST = 64 * 1024 * 1024;
const MAX_CARD_VALIDITY = 3653n * 86400n;
const CLOCK_SKEW = 5n * 60n;
const INT64_MAX = (1n << 63n) - 1n;
const STATUS_LIST_TYPE = 'application/statuslist+cwt';

// ---------------------------------------------------------------- encodings

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

function base45Decode(text) {
  if (text.length % 3 === 1) throw new Error('Base45 text has a dangling character');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  const digit = (k) => B45.indexOf(text[k]);
  let i = 0;
  let n = 0;
  for (; i + 3 <= text.length; i += 3) {
    const c = digit(i), d = digit(i + 1), e = digit(i + 2);
    if (c < 0 || d < 0 || e < 0) throw new Error('Base45 text has a character outside the alphabet');
    const v = c + d * 45 + e * 2025;
    if (v > 0xffff) throw new Error('Base45 triple decodes above 0xFFFF');
    out[n++] = v >> 8;
    out[n++] = v & 0xff;
  }
  if (i < text.length) {
    const c = digit(i), d = digit(i + 1);
    if (c < 0 || d < 0) throw new Error('Base45 text has a character outside the alphabet');
    const v = c + d * 45;
    if (v > 0xff) throw new Error('Base45 pair decodes above 0xFF');
    out[n++] = v;
  }
  return out;
}

function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let n = 0;
  for (const c of chunks) {
    out.set(c, n);
    n += c.length;
  }
  return out;
}

// RFC 3339, as format_time() writes it.
function formatTime(t) {
  const ms = Number(t) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `${t} s after the epoch`;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A uint64 for the caller: a Number when it is exact, a BigInt beyond.
function exposeUint(v) {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// zlib (RFC 1950) inflate with an output cap. DecompressionStream checks the
// header and the Adler-32 and fails on a truncated stream and on bytes after
// the end of the stream.
async function zlibInflate(data, maxOutput) {
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  writer.write(data).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch {
      throw new Error('zlib stream is broken or truncated, or bytes follow its end');
    }
    if (step.done) break;
    total += step.value.length;
    if (total > maxOutput) {
      reader.cancel().catch(() => {});
      throw new Error(`compressed data inflates past the ${maxOutput}-byte limit`);
    }
    chunks.push(step.value);
  }
  return concat(chunks);
}

// --------------------------------------------------------------------- CBOR
// The reader of src/cbor/cbor.cpp: preferred serialization only (shortest
// heads, definite lengths), counts checked against the remaining bytes,
// nesting depth at most 16, UTF-8 validated, duplicate map keys refused in
// every map read or skipped. Failures throw CborError.

const MT_UINT = 0, MT_NINT = 1, MT_BYTES = 2, MT_TEXT = 3, MT_ARRAY = 4, MT_MAP = 5, MT_TAG = 6,
  MT_SIMPLE = 7;
const MAX_DEPTH = 16;

class CborError extends Error {
  constructor(m) {
    super('CBOR: ' + m);
  }
}

function validUtf8(s) {
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    let n, cp;
    if ((c & 0xe0) === 0xc0) (n = 1), (cp = c & 0x1f);
    else if ((c & 0xf0) === 0xe0) (n = 2), (cp = c & 0x0f);
    else if ((c & 0xf8) === 0xf0) (n = 3), (cp = c & 0x07);
    else return false;
    for (let k = 1; k <= n; ++k) {
      if (i + k >= s.length || (s[i + k] & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    const min = [0, 0x80, 0x800, 0x10000][n];
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

const utf8 = new TextDecoder();

class Reader {
  constructor(data, pos = 0) {
    this.data = data;
    this.pos = pos;
  }

  atEnd() {
    return this.pos === this.data.length;
  }

  remaining() {
    return BigInt(this.data.length - this.pos);
  }

  readHead() {
    if (this.pos >= this.data.length) throw new CborError('unexpected end of data');
    const ib = this.data[this.pos];
    const h = { major: ib >> 5, arg: 0n, info: ib & 31 };
    if (h.info < 24) {
      h.arg = BigInt(h.info);
      ++this.pos;
      return h;
    }
    if (h.info > 27) {
      if (h.info === 31) throw new CborError('indefinite lengths are not accepted');
      throw new CborError('reserved additional information value');
    }
    const n = 1 << (h.info - 24);
    if (this.data.length - this.pos - 1 < n) throw new CborError('unexpected end of data');
    let v = 0n;
    for (let i = 0; i < n; ++i) v = (v << 8n) | BigInt(this.data[this.pos + 1 + i]);
    // Major type 7 with 2/4/8 bytes is a float, whose width is its own matter.
    if (h.major !== MT_SIMPLE) {
      const min = n === 1 ? 24n : n === 2 ? 0x100n : n === 4 ? 0x10000n : 0x100000000n;
      if (v < min) throw new CborError('integer or length not in shortest form');
    } else if (n === 1 && v < 32n) {
      throw new CborError('simple value not in shortest form');
    }
    h.arg = v;
    this.pos += 1 + n;
    return h;
  }

  peek() {
    if (this.pos >= this.data.length) throw new CborError('unexpected end of data');
    return this.data[this.pos] >> 5;
  }

  expect(major) {
    const start = this.pos;
    const h = this.readHead();
    if (h.major !== major) {
      this.pos = start;
      throw new CborError('unexpected item type');
    }
    return h;
  }

  readUint() {
    return this.expect(MT_UINT).arg;
  }

  // Major type 0 or 1 as a signed value (fails outside int64).
  readInt() {
    const start = this.pos;
    const h = this.readHead();
    if (h.major === MT_UINT && h.arg <= INT64_MAX) return h.arg;
    if (h.major === MT_NINT && h.arg <= INT64_MAX) return -1n - h.arg;
    this.pos = start;
    throw new CborError(h.major === MT_UINT || h.major === MT_NINT ? 'integer out of range'
      : 'unexpected item type');
  }

  readBytes() {
    const h = this.expect(MT_BYTES);
    if (h.arg > this.remaining()) throw new CborError('string longer than the data');
    const v = this.data.subarray(this.pos, this.pos + Number(h.arg));
    this.pos += Number(h.arg);
    return v;
  }

  readText() {
    const h = this.expect(MT_TEXT);
    if (h.arg > this.remaining()) throw new CborError('string longer than the data');
    const v = this.data.subarray(this.pos, this.pos + Number(h.arg));
    if (!validUtf8(v)) throw new CborError('text string is not valid UTF-8');
    this.pos += Number(h.arg);
    return utf8.decode(v);
  }

  readArray() {
    const h = this.expect(MT_ARRAY);
    if (h.arg > this.remaining()) throw new CborError('array count exceeds the data');
    return Number(h.arg);
  }

  readMap() {
    const h = this.expect(MT_MAP);
    if (h.arg > this.remaining() / 2n) throw new CborError('map count exceeds the data');
    return Number(h.arg);
  }

  readTag() {
    return this.expect(MT_TAG).arg;
  }

  skip() {
    this.skipAtDepth(0);
  }

  readRaw() {
    const start = this.pos;
    this.skip();
    return this.data.subarray(start, this.pos);
  }

  // Refuses a duplicate key in the map whose `pairs` pairs start here,
  // without consuming anything.
  checkUniqueKeys(pairs) {
    const r = new Reader(this.data, this.pos);
    const keys = [];
    for (let i = 0; i < pairs; ++i) {
      keys.push(r.readRaw());
      r.skip();
    }
    refuseDuplicates(keys);
  }

  skipAtDepth(depth) {
    if (depth > MAX_DEPTH) throw new CborError('nesting too deep');
    const h = this.readHead();
    switch (h.major) {
      case MT_UINT:
      case MT_NINT:
      case MT_SIMPLE:
        return;
      case MT_BYTES:
      case MT_TEXT: {
        if (h.arg > this.remaining()) throw new CborError('string longer than the data');
        const v = this.data.subarray(this.pos, this.pos + Number(h.arg));
        if (h.major === MT_TEXT && !validUtf8(v)) throw new CborError('text string is not valid UTF-8');
        this.pos += Number(h.arg);
        return;
      }
      case MT_ARRAY:
        if (h.arg > this.remaining()) throw new CborError('array count exceeds the data');
        for (let i = 0n; i < h.arg; ++i) this.skipAtDepth(depth + 1);
        return;
      case MT_MAP: {
        if (h.arg > this.remaining() / 2n) throw new CborError('map count exceeds the data');
        const keys = [];
        for (let i = 0n; i < h.arg; ++i) {
          const keyStart = this.pos;
          this.skipAtDepth(depth + 1);
          keys.push(this.data.subarray(keyStart, this.pos));
          this.skipAtDepth(depth + 1);
        }
        refuseDuplicates(keys);
        return;
      }
      case MT_TAG:
        this.skipAtDepth(depth + 1);
        return;
    }
  }
}

// Shortest-form encoding makes equal keys byte-identical.
function refuseDuplicates(keys) {
  const seen = new Set();
  for (const k of keys) {
    const h = hex(k);
    if (seen.has(h)) throw new CborError('duplicate map key');
    seen.add(h);
  }
}

function cborHead(major, n) {
  if (n < 24) return [(major << 5) | n];
  if (n <= 0xff) return [(major << 5) | 24, n];
  if (n <= 0xffff) return [(major << 5) | 25, n >> 8, n & 0xff];
  return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

// Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 §4.4).
function sigStructure(protectedBytes, payload) {
  const context = new TextEncoder().encode('Signature1');
  return concat([
    new Uint8Array(cborHead(MT_ARRAY, 4)),
    new Uint8Array(cborHead(MT_TEXT, context.length)), context,
    new Uint8Array(cborHead(MT_BYTES, protectedBytes.length)), protectedBytes,
    new Uint8Array(cborHead(MT_BYTES, 0)),
    new Uint8Array(cborHead(MT_BYTES, payload.length)), payload,
  ]);
}

// ---------------------------------------------------------------- COSE_Sign1
// src/credential/cose.cpp: tag 18 or none; [protected bstr, unprotected map,
// payload bstr, signature bstr]; nothing after the item. The protected
// header is read after the structure; alg, kid and content type (16) are
// taken from it only.

function coseError(m) {
  return new Error('COSE_Sign1: ' + m);
}

function readProtected(bytes, out) {
  if (bytes.length === 0) return; // h'' is the empty map
  const r = new Reader(bytes);
  let n;
  try {
    n = r.readMap();
  } catch {
    throw coseError('protected header is not a map');
  }
  r.checkUniqueKeys(n);
  for (let i = 0; i < n; ++i) {
    const major = r.peek();
    let label = null;
    if (major === MT_UINT || major === MT_NINT) {
      try {
        label = r.readInt();
      } catch {
        r.skip();
      }
    } else {
      r.skip();
    }
    const valueMajor = r.peek();
    if (label === 1n && (valueMajor === MT_NINT || valueMajor === MT_UINT)) {
      let alg = null;
      try {
        alg = r.readInt();
      } catch {
        r.skip();
      }
      if (alg !== null) out.algIsEs256 = alg === -7n;
    } else if (label === 4n && valueMajor === MT_BYTES) {
      out.kid = r.readBytes();
    } else if (label === 16n && valueMajor === MT_TEXT) {
      out.contentType = r.readText();
    } else {
      r.skip();
    }
  }
  if (!r.atEnd()) throw coseError('bytes after the protected header');
}

function parseCoseSign1(data) {
  const r = new Reader(data);
  let major;
  try {
    major = r.peek();
  } catch {
    throw coseError('empty');
  }
  if (major === MT_TAG) {
    const tag = r.readTag();
    if (tag !== 18n) throw coseError(`tag ${tag} is not 18`);
  }
  const structure = (what, read) => {
    try {
      return read();
    } catch {
      throw coseError(what);
    }
  };
  const n = structure('not an array of four items', () => r.readArray());
  if (n !== 4) throw coseError('not an array of four items');
  const out = { protectedBytes: null, payload: null, signature: null, algIsEs256: false, kid: null,
    contentType: null };
  out.protectedBytes = structure('protected header is not a byte string', () => r.readBytes());
  const unprotected = structure('unprotected header is not a map', () => r.readMap());
  try {
    r.checkUniqueKeys(unprotected);
    for (let i = 0; i < 2 * unprotected; ++i) r.skip();
  } catch (e) {
    throw coseError(e.message);
  }
  out.payload = structure('payload is not a byte string', () => r.readBytes());
  out.signature = structure('signature is not a byte string', () => r.readBytes());
  if (!r.atEnd()) throw coseError('bytes after the COSE_Sign1 item');
  try {
    readProtected(out.protectedBytes, out);
  } catch (e) {
    throw coseError(e.message);
  }
  return out;
}

// ------------------------------------------------------------------ claims
// src/credential/claims.cpp: presence and CBOR type of every required claim
// and field (uint is major type 0), unknown keys ignored.

// A map key: {integer} for an int64, {text} for a text string, {} otherwise.
function readKey(r) {
  const major = r.peek();
  if (major === MT_UINT || major === MT_NINT) {
    try {
      return { integer: r.readInt() };
    } catch {
      // beyond int64: an unknown key, skipped below
    }
  } else if (major === MT_TEXT) {
    return { text: r.readText() };
  }
  r.skip();
  return {};
}

function mapHeader(r, what) {
  let n;
  try {
    n = r.readMap();
  } catch {
    throw new Error(`${what} is not a map`);
  }
  try {
    r.checkUniqueKeys(n);
  } catch (e) {
    throw new Error(`${what}: ${e.message}`);
  }
  return n;
}

function field(read, name) {
  try {
    return read();
  } catch {
    throw new Error(`${name} has the wrong type`);
  }
}

function readStatus(r, c) {
  const n = mapHeader(r, 'status');
  let found = false;
  for (let i = 0; i < n; ++i) {
    const k = readKey(r);
    if (k.text !== 'status_list') {
      r.skip();
      continue;
    }
    const m = mapHeader(r, 'status_list');
    let idx = false, uri = false;
    for (let j = 0; j < m; ++j) {
      const kk = readKey(r);
      if (kk.text === 'idx') {
        c.statusIndex = field(() => r.readUint(), 'status_list.idx');
        idx = true;
      } else if (kk.text === 'uri') {
        c.statusUri = field(() => r.readText(), 'status_list.uri');
        uri = true;
      } else {
        r.skip();
      }
    }
    if (!idx || !uri) throw new Error('status_list lacks idx or uri');
    found = true;
  }
  if (!found) throw new Error('status lacks status_list');
}

const SDC_FIELDS = [null, 'version', 'document_number', 'a_number', 'family_name', 'given_names',
  'date_of_birth', 'sex', 'nationality', 'portrait_sha256', 'thumbnail', 'card_version',
  'issuing_office'];

function readSdc(r) {
  const n = mapHeader(r, 'sdc claim');
  const h = {};
  const seen = new Set();
  for (let i = 0; i < n; ++i) {
    const k = readKey(r);
    if (k.integer === undefined || k.integer < 1n || k.integer > 12n) {
      r.skip();
      continue;
    }
    const key = Number(k.integer);
    const name = SDC_FIELDS[key];
    seen.add(key);
    switch (key) {
      case 1:
        field(() => r.readUint(), name);
        break;
      case 9:
      case 10:
        h[name] = field(() => r.readBytes(), name).slice();
        break;
      case 11:
        h[name] = field(() => r.readUint(), name);
        break;
      default:
        h[name] = field(() => r.readText(), name);
    }
  }
  for (let key = 1; key <= 12; ++key)
    if (key !== 10 && !seen.has(key)) throw new Error(`sdc claim lacks ${SDC_FIELDS[key]}`);
  return h;
}

function saturate(v) {
  return v > INT64_MAX ? INT64_MAX : v;
}

function decodeClaims(payload) {
  const r = new Reader(payload);
  const n = mapHeader(r, 'claims');
  const c = { iss: '', iat: 0n, exp: 0n, statusIndex: 0n, statusUri: '', holder: null };
  const seen = new Set();
  for (let i = 0; i < n; ++i) {
    const k = readKey(r);
    switch (k.integer ?? 0n) {
      case 1n:
        c.iss = field(() => r.readText(), 'iss');
        seen.add('iss');
        break;
      case 6n:
        c.iat = saturate(field(() => r.readUint(), 'iat'));
        seen.add('iat');
        break;
      case 4n:
        c.exp = saturate(field(() => r.readUint(), 'exp'));
        seen.add('exp');
        break;
      case 65535n:
        readStatus(r, c);
        seen.add('status');
        break;
      case -65537n:
        c.holder = readSdc(r);
        seen.add('sdc');
        break;
      default:
        r.skip();
    }
  }
  if (!r.atEnd()) throw new Error('bytes after the claims');
  for (const name of ['iss', 'iat', 'exp', 'status', 'sdc'])
    if (!seen.has(name)) throw new Error(`claims lack ${name}`);
  return c;
}

// The holder with the spec's JSON names (holder_to_json).
function holderJson(h) {
  const out = {
    document_number: h.document_number,
    a_number: h.a_number,
    family_name: h.family_name,
    given_names: h.given_names,
    date_of_birth: h.date_of_birth,
    sex: h.sex,
    nationality: h.nationality,
    portrait_sha256: hex(h.portrait_sha256),
  };
  if (h.thumbnail) out.thumbnail = base64(h.thumbnail);
  out.card_version = exposeUint(h.card_version);
  out.issuing_office = h.issuing_office;
  return out;
}

// ---------------------------------------------------------------- X.509 DER

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const CURVES = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};
const ECDSA_HASHES = {
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};
const OID_KEY_USAGE = '2.5.29.15';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';
// Extensions a path check understands; another one marked critical breaks
// the path (as in OpenSSL's X509_verify_cert).
const HANDLED_CRITICAL = new Set([OID_KEY_USAGE, OID_BASIC_CONSTRAINTS, '2.5.29.17', '2.5.29.32',
  '2.5.29.37', '2.5.29.36', '2.5.29.33', '2.5.29.30', '2.5.29.54']);

function derError(m) {
  return new Error('DER: ' + m);
}

// One TLV at `pos` of `buf`: {tag, start, end, body} (body is a view).
function derRead(buf, pos, end = buf.length) {
  if (pos + 2 > end) throw derError('unexpected end of data');
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) throw derError('high tag numbers are not used in certificates');
  let len = buf[pos + 1];
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw derError('unsupported length');
    if (p + n > end) throw derError('unexpected end of data');
    len = 0;
    for (let i = 0; i < n; ++i) len = len * 256 + buf[p + i];
    if (len < 0x80 || (n > 1 && buf[p] === 0)) throw derError('length not in shortest form');
    p += n;
  }
  if (p + len > end) throw derError('length exceeds the data');
  return { tag, start: pos, end: p + len, body: buf.subarray(p, p + len) };
}

// The TLVs inside a constructed TLV.
function derChildren(tlv) {
  const out = [];
  let p = 0;
  while (p < tlv.body.length) {
    const c = derRead(tlv.body, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function derOid(tlv) {
  if (!tlv || tlv.tag !== 0x06 || tlv.body.length === 0) throw derError('expected an OBJECT IDENTIFIER');
  const b = tlv.body;
  if (b[b.length - 1] & 0x80) throw derError('an OBJECT IDENTIFIER ends inside a subidentifier');
  const parts = [];
  let v = 0;
  for (let i = 0; i < b.length; ++i) {
    if (v === 0 && b[i] === 0x80) throw derError('an OBJECT IDENTIFIER subidentifier is padded');
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        parts.push(first, v - first * 40);
      } else {
        parts.push(v);
      }
      v = 0;
    }
  }
  return parts.join('.');
}

function derInteger(tlv) {
  if (!tlv || tlv.tag !== 0x02 || tlv.body.length === 0) throw derError('expected an INTEGER');
  const b = tlv.body;
  if (b.length > 1 && ((b[0] === 0 && b[1] < 0x80) || (b[0] === 0xff && b[1] >= 0x80)))
    throw derError('an INTEGER is padded');
  return b;
}

function derBitString(tlv) {
  if (!tlv || tlv.tag !== 0x03 || tlv.body.length === 0 || tlv.body[0] > 7)
    throw derError('expected a BIT STRING');
  return tlv.body;
}

// SEQUENCE { algorithm OID, parameters ANY OPTIONAL }.
function derAlgorithm(tlv) {
  if (!tlv || tlv.tag !== 0x30) throw derError('expected an AlgorithmIdentifier');
  const parts = derChildren(tlv);
  if (parts.length < 1 || parts.length > 2) throw derError('an AlgorithmIdentifier has one or two parts');
  // The parameters are ANY; constructed universal ones must hold whole items.
  if (parts[1] && (parts[1].tag & 0xe0) === 0x20) derChildren(parts[1]);
  return { oid: derOid(parts[0]), params: parts[1] ?? null };
}

// Name: SEQUENCE OF SET OF SEQUENCE { type OID, value }. As in OpenSSL, a
// value is of a type of its DirectoryString mask (the string types, BIT
// STRING, SEQUENCE, and universal tags it has no name for), and the strings
// it canonicalises must decode (UTF8String as UTF-8, BMPString in 2-byte,
// UniversalString in 4-byte units).
const NAME_VALUE_TAGS = new Set([0x03, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x12, 0x13, 0x14,
  0x16, 0x1c, 0x1d, 0x1e, 0x30]);
function derName(tlv) {
  // SEQUENCE OF and SET OF take their tag with or without the constructed
  // bit, as OpenSSL's decoder does.
  if (!tlv || (tlv.tag !== 0x30 && tlv.tag !== 0x10)) throw derError('expected a Name');
  for (const rdn of derChildren(tlv)) {
    if (rdn.tag !== 0x31 && rdn.tag !== 0x11) throw derError('a Name is made of SETs');
    for (const atv of derChildren(rdn)) {
      const parts = atv.tag === 0x30 ? derChildren(atv) : [];
      if (parts.length !== 2) throw derError('a Name attribute is a type and a value');
      derOid(parts[0]);
      const value = parts[1];
      if (!NAME_VALUE_TAGS.has(value.tag)) throw derError('a Name value is of a type names do not take');
      if (value.tag === 0x03) derBitString(value);
      if (value.tag === 0x0c && !validUtf8(value.body)) throw derError('a UTF8String is not UTF-8');
      if (value.tag === 0x1e && value.body.length % 2 !== 0) throw derError('a BMPString has an odd length');
      if (value.tag === 0x1c && value.body.length % 4 !== 0) throw derError('a UniversalString is cut');
    }
  }
  return tlv;
}

// UTCTime or GeneralizedTime as ASN1_TIME_to_tm reads it; a time it cannot
// read leaves its struct tm zeroed, which asn1_to_unix turns into
// 1900-01-00 (1899-12-31).
const UNREADABLE_TIME = -2209075200n;
function derTime(tlv) {
  if (!tlv || (tlv.tag !== 0x17 && tlv.tag !== 0x18)) throw derError('expected a UTCTime or GeneralizedTime');
  const s = String.fromCharCode(...tlv.body);
  const m = tlv.tag === 0x17
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/.exec(s)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(\.\d+)?(Z|[+-]\d{4})$/.exec(s);
  if (!m) return UNREADABLE_TIME;
  let y = Number(m[1]);
  if (tlv.tag === 0x17) y += y < 50 ? 2000 : 1900;
  const [mo, d, h, mi] = m.slice(2, 6).map(Number);
  const se = m[6] ? Number(m[6]) : 0;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12 || d < 1 || d > monthDays[mo - 1] || h > 23 || mi > 59 || se > 59) return UNREADABLE_TIME;
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8].slice(1, 3)), om = Number(m[8].slice(3, 5));
    if (oh > 12 || om > 59) return UNREADABLE_TIME;
    offset = (m[8][0] === '+' ? 1 : -1) * (oh * 3600 + om * 60);
  }
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, se, 0);
  return BigInt(Math.floor(date.getTime() / 1000) - offset);
}

// A certificate as d2i_X509 takes it: the structure of RFC 5280 §4.1, each
// field of its type, nothing extra; extension values are read afterwards,
// and one that does not decode makes the certificate invalid for paths
// (as OpenSSL's EXFLAG_INVALID) rather than unreadable.
function parseCertificate(der) {
  const top = derRead(der, 0);
  if (top.tag !== 0x30) throw derError('a certificate is a SEQUENCE');
  const outer = derChildren(top);
  if (outer.length !== 3 || outer[0].tag !== 0x30)
    throw derError('a certificate is tbsCertificate, signatureAlgorithm, signatureValue');
  const [tbs, sigAlg, sigValue] = outer;
  const sigAlgId = derAlgorithm(sigAlg);
  const signature = derBitString(sigValue);
  const t = derChildren(tbs);
  let i = 0;
  if (t[i] && t[i].tag === 0xa0) {
    const v = derChildren(t[i]);
    if (v.length !== 1) throw derError('the version is one INTEGER');
    derInteger(v[0]);
    ++i;
  }
  derInteger(t[i++]);
  const tbsSigAlg = t[i++];
  derAlgorithm(tbsSigAlg);
  const issuer = derName(t[i++]);
  const validity = t[i++];
  if (!validity || validity.tag !== 0x30) throw derError('expected the validity');
  const times = derChildren(validity);
  if (times.length !== 2) throw derError('the validity is two times');
  const subject = derName(t[i++]);
  const spki = t[i++];
  if (!spki || spki.tag !== 0x30) throw derError('expected the public key');
  const spkiParts = derChildren(spki);
  if (spkiParts.length !== 2) throw derError('the public key is an algorithm and a BIT STRING');
  const keyAlg = derAlgorithm(spkiParts[0]);
  derBitString(spkiParts[1]);
  let extensions = null;
  for (const [tag, name] of [[0x81, 'issuerUniqueID'], [0x82, 'subjectUniqueID'], [0xa3, 'extensions']]) {
    if (!t[i] || t[i].tag !== tag) continue;
    if (tag === 0xa3) {
      const seq = derChildren(t[i]);
      if (seq.length !== 1 || (seq[0].tag !== 0x30 && seq[0].tag !== 0x10))
        throw derError('extensions are one SEQUENCE');
      extensions = derChildren(seq[0]);
    } else if (t[i].body.length === 0 || t[i].body[0] > 7) {
      throw derError(`the ${name} is a BIT STRING`);
    }
    ++i;
  }
  if (i !== t.length) throw derError('the certificate body has fields after its last');

  const cert = {
    der: der.subarray(top.start, top.end),
    tbs: top.body.subarray(tbs.start, tbs.end),
    sigAlg: top.body.subarray(sigAlg.start, sigAlg.end),
    tbsSigAlg: tbs.body.subarray(tbsSigAlg.start, tbsSigAlg.end),
    sigAlgOid: sigAlgId.oid,
    signature,
    issuer: tbs.body.subarray(issuer.start, issuer.end),
    subject: tbs.body.subarray(subject.start, subject.end),
    notBefore: derTime(times[0]),
    notAfter: derTime(times[1]),
    spki: tbs.body.subarray(spki.start, spki.end),
    keyOid: keyAlg.oid,
    curveOid: keyAlg.params && keyAlg.params.tag === 0x06 ? derOid(keyAlg.params) : null,
    basicConstraintsCa: false,
    keyUsage: null, // null when absent, else the first byte of the bits
    subjectKeyId: null,
    authorityKeyId: null,
    unhandledCritical: false,
    invalidExtensions: false,
  };
  const seen = new Set();
  for (const ext of extensions ?? []) {
    const parts = ext.tag === 0x30 ? derChildren(ext) : [];
    if (parts.length < 2 || parts.length > 3) throw derError('an extension is an OID, a flag and a value');
    const oid = derOid(parts[0]);
    let critical = false;
    if (parts.length === 3) {
      if (parts[1].tag !== 0x01 || parts[1].body.length !== 1) throw derError('an extension flag is a BOOLEAN');
      critical = parts[1].body[0] !== 0;
    }
    const value = parts[parts.length - 1];
    // A constructed OCTET STRING (BER) is its parts joined.
    if (value.tag !== 0x04 && value.tag !== 0x24) throw derError('an extension value is an OCTET STRING');
    if (seen.has(oid)) cert.invalidExtensions = true;
    seen.add(oid);
    if (critical && !HANDLED_CRITICAL.has(oid)) cert.unhandledCritical = true;
    try {
      let bytes = value.body;
      if (value.tag === 0x24) {
        const chunks = derChildren(value);
        if (chunks.some((c) => c.tag !== 0x04)) throw derError('a constructed OCTET STRING holds other types');
        bytes = concat(chunks.map((c) => c.body));
      }
      readExtension(cert, oid, bytes);
    } catch {
      cert.invalidExtensions = true;
    }
  }
  return cert;
}

function derOnly(bytes) {
  const tlv = derRead(bytes, 0);
  if (tlv.end !== bytes.length) throw derError('bytes after an extension value');
  return tlv;
}

function readExtension(cert, oid, bytes) {
  if (oid === OID_BASIC_CONSTRAINTS) {
    const seq = derOnly(bytes);
    if (seq.tag !== 0x30) throw derError('basicConstraints is a SEQUENCE');
    const bc = derChildren(seq);
    let k = 0;
    if (bc[k] && bc[k].tag === 0x01) {
      if (bc[k].body.length !== 1) throw derError('cA is a BOOLEAN');
      cert.basicConstraintsCa = bc[k++].body[0] !== 0;
    }
    if (bc[k] && bc[k].tag === 0x02) derInteger(bc[k++]);
    if (k !== bc.length) throw derError('basicConstraints has more than cA and pathLen');
  } else if (oid === OID_KEY_USAGE) {
    const bits = derBitString(derOnly(bytes));
    cert.keyUsage = bits.length > 1 ? bits[1] : 0;
  } else if (oid === OID_SUBJECT_KEY_ID) {
    const ski = derOnly(bytes);
    if (ski.tag !== 0x04) throw derError('subjectKeyIdentifier is an OCTET STRING');
    cert.subjectKeyId = ski.body;
  } else if (oid === OID_AUTHORITY_KEY_ID) {
    const seq = derOnly(bytes);
    if (seq.tag !== 0x30) throw derError('authorityKeyIdentifier is a SEQUENCE');
    const keyId = derChildren(seq).find((x) => x.tag === 0x80);
    if (keyId) cert.authorityKeyId = keyId.body;
  }
}

const isCa = (c) => c.basicConstraintsCa;
const canSignCertificates = (c) => c.keyUsage === null || (c.keyUsage & 0x04) !== 0;
const canSignDocuments = (c) => c.keyUsage === null || (c.keyUsage & 0x80) !== 0;
const hasP256Key = (c) => c.keyOid === OID_EC_PUBLIC_KEY && c.curveOid === '1.2.840.10045.3.1.7';

async function importKey(cert) {
  const curve = cert.keyOid === OID_EC_PUBLIC_KEY ? CURVES[cert.curveOid] : undefined;
  if (!curve) throw new Error('the key is not ECDSA on P-256, P-384 or P-521');
  const key = await crypto.subtle.importKey('spki', cert.spki, { name: 'ECDSA', namedCurve: curve.name },
    false, ['verify']);
  return { key, size: curve.size };
}

// DER ECDSA-Sig-Value -> r || s, each `size` bytes; null if malformed.
function derSignatureToRaw(der, size) {
  try {
    const seq = derRead(der, 0);
    if (seq.tag !== 0x30 || seq.end !== der.length) return null;
    const ints = derChildren(seq);
    if (ints.length !== 2) return null;
    const out = new Uint8Array(2 * size);
    for (let k = 0; k < 2; ++k) {
      if (ints[k].tag !== 0x02) return null;
      let v = ints[k].body;
      while (v.length > 1 && v[0] === 0) v = v.subarray(1);
      if (v.length > size) return null;
      out.set(v, (k + 1) * size - v.length);
    }
    return out;
  } catch {
    return null;
  }
}

// True if `issuerKey` signed `cert` (ECDSA) with matching algorithm fields.
async function signedBy(cert, issuerKey) {
  const hash = ECDSA_HASHES[cert.sigAlgOid];
  if (!hash || !issuerKey || !equalBytes(cert.sigAlg, cert.tbsSigAlg)) return false;
  if (cert.signature.length < 1 || cert.signature[0] !== 0) return false;
  const raw = derSignatureToRaw(cert.signature.subarray(1), issuerKey.size);
  if (!raw) return false;
  try {
    return await crypto.subtle.verify({ name: 'ECDSA', hash }, issuerKey.key, raw, cert.tbs);
  } catch {
    return false;
  }
}

// The issuer's name and key identifier match (X509_check_issued).
function namesIssuer(cert, issuer) {
  if (!equalBytes(cert.issuer, issuer.subject)) return false;
  if (cert.authorityKeyId && issuer.subjectKeyId && !equalBytes(cert.authorityKeyId, issuer.subjectKeyId))
    return false;
  return canSignCertificates(issuer);
}

async function ownKey(cert) {
  try {
    return await importKey(cert);
  } catch {
    return null;
  }
}

// Certificate::is_self_signed.
async function isSelfSigned(cert) {
  return namesIssuer(cert, cert) && (await signedBy(cert, await ownKey(cert)));
}

// Certificate::issued_by: the path is exactly `cert` and `root`.
async function issuedBy(cert, root) {
  if (cert.unhandledCritical || root.unhandledCritical) return false;
  if (cert.invalidExtensions || root.invalidExtensions) return false;
  if (equalBytes(cert.der, root.der)) return false;
  if (await isSelfSigned(cert)) return false;
  return namesIssuer(cert, root) && (await signedBy(cert, root.publicKey));
}

function pemBlocks(pem) {
  const begin = '-----BEGIN CERTIFICATE-----';
  const end = '-----END CERTIFICATE-----';
  const out = [];
  let pos = 0;
  while ((pos = pem.indexOf(begin, pos)) !== -1) {
    const e = pem.indexOf(end, pos);
    if (e === -1) {
      out.push(null);
      break;
    }
    out.push(pem.slice(pos + begin.length, e));
    pos = e + end.length;
  }
  return out;
}

function pemBody(body) {
  if (body === null) throw new Error('no END line');
  const b64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new Error('not base64');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; ++i) out[i] = bin.charCodeAt(i);
  return out;
}

async function kidOf(der) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', der)).slice(0, 8);
}

const maxBig = (a, b) => (a > b ? a : b);
const minBig = (a, b) => (a < b ? a : b);

// ---------------------------------------------------------------- trust

export async function loadTrust(rootPem, signersPem) {
  if (typeof rootPem !== 'string' || typeof signersPem !== 'string')
    throw new TypeError('loadTrust takes the root and the signer bundle as PEM text');
  let root;
  try {
    const blocks = pemBlocks(rootPem);
    if (blocks.length === 0 || blocks[0] === null) throw new Error('no PEM block');
    root = parseCertificate(pemBody(blocks[0]));
  } catch {
    throw new Error('root certificate: not a PEM certificate');
  }
  root.publicKey = await ownKey(root);
  if (!isCa(root) || !canSignCertificates(root) || !(await isSelfSigned(root)))
    throw new Error('root certificate: must be a self-signed CA allowed to sign certificates');

  const blocks = pemBlocks(signersPem);
  const certs = [];
  for (const [n, block] of blocks.entries()) {
    if (block === null) throw new Error(`signer bundle: certificate ${n + 1} in the bundle has no END line`);
    try {
      certs.push(parseCertificate(pemBody(block)));
    } catch {
      throw new Error(`signer bundle: certificate ${n + 1} in the bundle does not parse`);
    }
  }
  if (certs.length === 0) throw new Error('signer bundle: no certificate in the PEM bundle');

  const signers = [];
  for (const cert of certs) {
    const s = { kid: await kidOf(cert.der), cert, key: null, untrustedBecause: '',
      validFrom: maxBig(cert.notBefore, root.notBefore), validUntil: minBig(cert.notAfter, root.notAfter) };
    for (const other of signers)
      if (equalBytes(other.kid, s.kid))
        throw new Error(`signer bundle: two certificates share the kid ${hex(s.kid)}; the bundle is refused whole`);
    if (!(await issuedBy(cert, root))) s.untrustedBecause = 'the signer certificate does not chain to the root';
    else if (isCa(cert)) s.untrustedBecause = 'the signer certificate is a CA, not a document signer';
    else if (!canSignDocuments(cert)) s.untrustedBecause = 'the signer certificate may not sign documents (keyUsage)';
    else if (!hasP256Key(cert)) s.untrustedBecause = 'the signer key is not ECDSA P-256';
    if (!s.untrustedBecause) {
      try {
        s.key = (await importKey(cert)).key;
      } catch (e) {
        s.untrustedBecause = 'the signer key cannot be used: ' + e.message;
      }
    }
    signers.push(s);
  }
  return Object.freeze({ root, signers: Object.freeze(signers) });
}

function findSigner(trust, kid) {
  return trust.signers.find((s) => equalBytes(s.kid, kid)) ?? null;
}

// Empty if `signer` may vouch for something signed at `iat`; else why not.
function checkAt(signer, iat) {
  if (signer.untrustedBecause) return signer.untrustedBecause;
  if (iat < signer.validFrom || iat > signer.validUntil)
    return 'the signer certificate was not valid at the issue time ' + formatTime(iat);
  return '';
}

async function verifyEs256(key, message, signature) {
  if (!key || signature.length !== 64) return false;
  try {
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, message);
  } catch {
    return false;
  }
}

function checkTrust(trust) {
  if (!trust || !Array.isArray(trust.signers)) throw new TypeError('trust must come from loadTrust()');
}

// ------------------------------------------------------------ validity list
// src/credential/status_list.cpp.

// What lookups need of a loaded list, out of the caller's sight.
const LIST = Symbol('validity list');

function unusable(m) {
  return new Error('status list: ' + m);
}

async function parseStatusPayload(cose) {
  const r = new Reader(cose.payload);
  let n;
  try {
    n = r.readMap();
  } catch {
    throw unusable('the payload is not a CWT claims map');
  }
  try {
    r.checkUniqueKeys(n);
  } catch (e) {
    throw unusable(e.message);
  }
  const claims = { uri: '', iat: 0n, exp: 0n, ttl: null };
  let list = null;
  let sub = false, iat = false, exp = false, lst = false;
  let bits = 0n;
  const wrong = (name) => unusable(`${name} has the wrong type`);
  const attempt = (read, error) => {
    try {
      return read();
    } catch {
      throw error;
    }
  };
  for (let i = 0; i < n; ++i) {
    const major = attempt(() => r.peek(), unusable('CBOR: unexpected end of data'));
    let key = null;
    if (major === MT_UINT || major === MT_NINT) {
      try {
        key = r.readInt();
      } catch {
        // beyond int64: skipped below
      }
    }
    if (key === null) attempt(() => r.skip(), unusable('broken claim key'));
    if (key === 2n) {
      claims.uri = attempt(() => r.readText(), wrong('sub'));
      sub = true;
    } else if (key === 6n || key === 4n || key === 65534n) {
      const v = attempt(() => r.readUint(), wrong('iat/exp/ttl'));
      if (v > INT64_MAX) throw wrong('iat/exp/ttl');
      if (key === 6n) (claims.iat = v), (iat = true);
      else if (key === 4n) (claims.exp = v), (exp = true);
      else claims.ttl = v;
    } else if (key === 65533n) {
      const m = attempt(() => r.readMap(), wrong('status_list'));
      try {
        r.checkUniqueKeys(m);
      } catch (e) {
        throw unusable(e.message);
      }
      for (let j = 0; j < m; ++j) {
        let name = '';
        const keyMajor = attempt(() => r.peek(), wrong('status_list key'));
        if (keyMajor === MT_TEXT) name = attempt(() => r.readText(), wrong('status_list key'));
        else attempt(() => r.skip(), wrong('status_list key'));
        if (name === 'bits') {
          bits = attempt(() => r.readUint(), wrong('bits'));
        } else if (name === 'lst') {
          const v = attempt(() => r.readBytes(), wrong('lst'));
          let inflated;
          try {
            inflated = await zlibInflate(v, MAX_INFLATED_STATUS_LIST);
          } catch (e) {
            throw unusable('lst: ' + e.message);
          }
          if (inflated.length === 0) throw unusable('the list is empty');
          list = inflated;
          lst = true;
        } else {
          attempt(() => r.skip(), wrong('status_list value'));
        }
      }
    } else {
      attempt(() => r.skip(), unusable('broken claim'));
    }
  }
  if (!r.atEnd()) throw unusable('bytes after the claims');
  if (!sub || !iat || !exp || !lst)
    throw unusable('a required claim (sub, iat, exp, status_list.lst) is missing');
  if (bits !== 2n) throw unusable(`bits is ${bits}, not 2`);
  return { claims, list };
}

export async function loadValidityList(bytes, trust) {
  checkTrust(trust);
  if (!(bytes instanceof Uint8Array)) throw new TypeError('loadValidityList takes the token as a Uint8Array');
  let cose;
  try {
    cose = parseCoseSign1(bytes);
  } catch (e) {
    throw unusable(e.message);
  }
  const { claims, list } = await parseStatusPayload(cose);
  if (!cose.algIsEs256) throw unusable('the algorithm is not ES256');
  if (cose.contentType !== STATUS_LIST_TYPE)
    throw unusable('the type header is not application/statuslist+cwt');
  if (!cose.kid) throw unusable('no kid');
  const signer = findSigner(trust, cose.kid);
  if (!signer) throw unusable('signed by an unknown signer');
  const why = checkAt(signer, claims.iat);
  if (why) throw unusable('signer not trusted: ' + why);
  if (!(await verifyEs256(signer.key, sigStructure(cose.protectedBytes, cose.payload), cose.signature)))
    throw unusable('the signature does not verify');
  return Object.freeze({
    uri: claims.uri,
    iat: Number(claims.iat),
    exp: Number(claims.exp),
    ttl: claims.ttl === null ? null : exposeUint(claims.ttl),
    entries: list.length * 4,
    kid: hex(cose.kid),
    [LIST]: { iat: claims.iat, exp: claims.exp, bytes: list },
  });
}

export function newerList(held, offered) {
  if (!held) return offered ?? null;
  if (!offered) return held;
  if (held.uri !== offered.uri) throw new Error('newerList compares lists of one uri');
  return held[LIST].iat > offered[LIST].iat ? held : offered;
}

// lookup_status(): the per-card rules of §6.
function lookupStatus(token, cardUri, index, now) {
  const list = { uri: token.uri, ...token[LIST] };
  const a = { validity: 'UNKNOWN', asOf: list.iat, reason: '' };
  if (list.uri !== cardUri) {
    a.reason = `the list is for ${list.uri}, not the card's ${cardUri}`;
  } else if (list.iat > now + CLOCK_SKEW) {
    a.reason = `the list was issued in the future (${formatTime(list.iat)})`;
  } else if (now >= list.exp) {
    a.reason = `the list expired at ${formatTime(list.exp)}`;
  } else if (index >= BigInt(list.bytes.length) * 4n) {
    a.reason = `the card's index ${index} lies outside the list of ${list.bytes.length * 4} entries`;
  } else {
    const i = Number(index);
    const v = (list.bytes[i >> 2] >> (2 * (i & 3))) & 3;
    if (v === 0) a.validity = 'VALID';
    else if (v === 1) a.validity = 'INVALID';
    else if (v === 2) a.validity = 'SUSPENDED';
    else a.reason = 'the list holds the undefined value 3 for this card';
  }
  return a;
}

// ------------------------------------------------------------------ verify

export async function verifyBarcode(text, trust, lists = [], nowSeconds = Date.now() / 1000, options = {}) {
  checkTrust(trust);
  const now = BigInt(Math.floor(nowSeconds));
  const done = (result, detail, extra = {}) => ({ result, detail, ...extra });

  if (typeof text !== 'string' || !text.startsWith(PREFIX))
    return done('NOT_SDC', 'the text does not start with SDC1:');
  let compressed;
  try {
    compressed = base45Decode(text.slice(PREFIX.length));
  } catch (e) {
    return done('NOT_SDC', e.message);
  }
  let cose, claims;
  try {
    cose = parseCoseSign1(await zlibInflate(compressed, MAX_INFLATED_BARCODE));
  } catch (e) {
    return done('MALFORMED', e.message);
  }
  try {
    claims = decodeClaims(cose.payload);
  } catch (e) {
    return done('MALFORMED', 'claims: ' + e.message);
  }

  if (!cose.algIsEs256) return done('UNSUPPORTED_ALGORITHM', 'the protected header does not name ES256 (-7)');
  if (!cose.kid) return done('UNKNOWN_SIGNER', 'the protected header has no kid');
  const signer = findSigner(trust, cose.kid);
  if (!signer) return done('UNKNOWN_SIGNER', 'no certificate in the signer bundle has kid ' + hex(cose.kid));
  const why = checkAt(signer, claims.iat);
  if (why) return done('UNTRUSTED_SIGNER', why);
  if (claims.exp - claims.iat > MAX_CARD_VALIDITY)
    return done('UNTRUSTED_SIGNER', 'the card claims more than 3,653 days of validity');
  if (!(await verifyEs256(signer.key, sigStructure(cose.protectedBytes, cose.payload), cose.signature)))
    return done('BAD_SIGNATURE', 'the signature does not verify');

  const card = {
    holder: holderJson(claims.holder),
    iss: claims.iss,
    issuedAt: Number(claims.iat),
    expiresAt: Number(claims.exp),
    statusUri: claims.statusUri,
    statusIndex: exposeUint(claims.statusIndex),
  };
  if (claims.iat > now + CLOCK_SKEW)
    return done('NOT_YET_VALID', `issued at ${formatTime(claims.iat)}, in the future`, card);
  if (now >= claims.exp) return done('EXPIRED', `expired at ${formatTime(claims.exp)}`, card);

  let list = null;
  for (const l of lists ?? []) if (l && l.uri === claims.statusUri) list = newerList(list, l);
  let status;
  if (!list) {
    status = { validity: 'UNKNOWN', asOf: null, reason: `no validity list for ${claims.statusUri} was given` };
    const problems = options.listProblems ?? [];
    if (problems.length > 0) status.reason = problems[0];
  } else {
    status = lookupStatus(list, claims.statusUri, claims.statusIndex, now);
  }
  const withStatus = { ...card, validity: status.validity };
  if (status.asOf !== null) withStatus.statusAsOf = Number(status.asOf);
  if (status.validity === 'UNKNOWN') withStatus.validityReason = status.reason;
  switch (status.validity) {
    case 'INVALID':
      return done('REVOKED', 'the validity list marks the card invalid', withStatus);
    case 'SUSPENDED':
      return done('SUSPENDED', 'the validity list marks the card suspended', withStatus);
    case 'VALID':
      return done('VALID', 'authentic, and valid per the list', withStatus);
  }
  return done('VALID', 'authentic; validity unknown: ' + status.reason, withStatus);
}
