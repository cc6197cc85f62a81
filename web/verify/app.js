// The verify page's script (docs/VERIFY.md). The page works without it (a
// form answered by the server); with it the page also
// - reads the card's code with the camera (the browser's BarcodeDetector,
//   else zxing-wasm: zxing-cpp, the server's own decoder, as WebAssembly
//   served by sdcd),
// - keeps the trust bundle (the first root seen is pinned) and the newest
//   validity list it has seen, never replacing it with an older one,
// - and verifies on the device, with sdc-verifier.js, when there is no
//   network: the same results as `sdc verify`.
// Online, a card is still sent to the server, which answers with what the
// registry adds for the officer's role and audits the check.
import { loadTrust, loadValidityList, verifyBarcode, newerList } from './sdc-verifier.js';

const texts = JSON.parse(document.getElementById('verify-texts').textContent);
const role = texts.role || '';
const lang = document.documentElement.lang || 'en';
const form = document.getElementById('verify-form');
const textarea = document.getElementById('barcode');
const photo = document.getElementById('photo');
const deviceState = document.getElementById('device-state');
const DATA = 'sdc-verify-data-v1';
const MAX_UPLOAD = 1 << 20;

const t = (key, args = {}) =>
  (texts[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in args ? String(args[name]) : whole));
const nowSeconds = () => Math.floor(Date.now() / 1000);
const when = (seconds) =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(seconds * 1000));

// ---- what the device keeps (Cache Storage) ----

async function kept(name) {
  const cache = await caches.open(DATA);
  const hit = await cache.match(`/verify/kept/${name}`);
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

async function keep(name, bytes) {
  const cache = await caches.open(DATA);
  await cache.put(`/verify/kept/${name}`, new Response(bytes));
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

async function fetchBytes(path) {
  const response = await fetch(path, { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const state = { trust: null, list: null, rootChanged: false };

// Loads what the device kept, then, online, what the server has: a new
// signer bundle under the same root, and a validity list newer than the
// kept one. Nothing is kept before it checks.
async function refresh() {
  let root = await kept('root.pem');
  let signers = await kept('signers.pem');
  if (navigator.onLine) {
    try {
      const [r, s] = await Promise.all([fetchBytes('/trust/root.pem'), fetchBytes('/trust/signers.pem')]);
      if (root && decoder.decode(root) !== decoder.decode(r)) {
        state.rootChanged = true; // the first root is pinned
      } else {
        await loadTrust(decoder.decode(r), decoder.decode(s));
        await keep('root.pem', r);
        await keep('signers.pem', s);
        root = r;
        signers = s;
      }
    } catch (e) {
      // Offline after all, or a bundle that does not load: keep what we have.
    }
  }
  if (!root || !signers) return showState();
  try {
    state.trust = await loadTrust(decoder.decode(root), decoder.decode(signers));
  } catch (e) {
    state.trust = null;
    return showState();
  }
  let list = null;
  const keptList = await kept('validity.cwt');
  if (keptList) {
    try {
      list = await loadValidityList(keptList, state.trust);
    } catch (e) {
      list = null;
    }
  }
  if (navigator.onLine) {
    try {
      const bytes = await fetchBytes('/status/validity');
      const fresh = await loadValidityList(bytes, state.trust);
      if (newerList(list, fresh) === fresh) {
        list = fresh;
        await keep('validity.cwt', bytes);
      }
    } catch (e) {
      // keep the list we have
    }
  }
  state.list = list;
  showState();
}

function showState() {
  if (!state.trust || !state.list) {
    deviceState.textContent = t('verify.page.no_list');
    return;
  }
  let line = t('verify.page.list_as_of', { when: when(state.list.iat) });
  const ttl = state.list.ttl || 0;
  if (ttl && nowSeconds() > state.list.iat + ttl) line += ' ' + t('verify.page.stale_list');
  deviceState.textContent = line;
}

// ---- the answer, rendered on the device ----

function verdict(r) {
  if (r.result === 'VALID') return r.validity === 'VALID' ? 'good' : 'warn';
  if (r.result === 'SUSPENDED' || r.result === 'NOT_YET_VALID') return 'warn';
  return 'bad';
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function render(r) {
  const cls = verdict(r);
  const key = r.result === 'VALID' && r.validity === 'UNKNOWN' ? 'verify.validity.UNKNOWN' : `verify.result.${r.result}`;
  const section = el('section', {
    id: 'result',
    class: `verdict ${cls}`,
    'aria-labelledby': 'result-title',
    'data-source': 'device',
    'data-result': r.result,
  });
  const mark = el('span', { class: 'mark', 'aria-hidden': 'true' }, cls === 'good' ? '✔' : cls === 'warn' ? '!' : '✘');
  section.append(el('h2', { id: 'result-title' }, mark, ' ', t(key)));
  let code = `${r.result} · ${t('verify.page.offline')}`;
  if (r.statusAsOf) code += ` · ${t('verify.status_as_of', { when: when(r.statusAsOf) })}`;
  section.append(el('p', { class: 'code' }, code));
  const h = r.holder;
  if (h) {
    const faces = el('div', { class: 'faces' });
    if (h.thumbnail) {
      const img = el('img', { src: `data:image/jpeg;base64,${h.thumbnail}`, alt: t('verify.page.on_card') });
      faces.append(el('figure', {}, img, el('figcaption', {}, t('verify.page.on_card'))));
    } else {
      faces.append(el('p', {}, t('verify.page.no_photo')));
    }
    section.append(faces);
    if (h.thumbnail) section.append(el('p', { class: 'hint' }, t('verify.page.compare')));
    const facts = el('dl', { class: 'facts' });
    const row = (label, value) => facts.append(el('dt', {}, t(label)), el('dd', {}, value));
    row('verify.field.name', h.given_names ? `${h.family_name}, ${h.given_names}` : h.family_name);
    row('verify.field.document_number', h.document_number);
    row('verify.field.date_of_birth', h.date_of_birth);
    row('verify.field.sex', h.sex);
    row('verify.field.nationality', h.nationality);
    // A screener sees identity and validity only.
    if (role !== 'checkpoint_screener') row('verify.field.a_number', h.a_number);
    row('verify.field.card_version', String(h.card_version));
    row('verify.field.issuing_office', h.issuing_office);
    // The card's last day: expiresAt is 00:00 UTC of the day after it.
    if (r.expiresAt) {
      const last = new Date((Number(r.expiresAt) - 1) * 1000);
      row('verify.field.expires_at', new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeZone: 'UTC' }).format(last));
    }
    section.append(facts);
  }
  document.getElementById('result')?.remove();
  document.getElementById('scan').before(section);
  section.scrollIntoView({ block: 'start' });
}

async function verifyHere(text) {
  if (!state.trust) {
    await refresh();
    if (!state.trust) {
      deviceState.textContent = t('verify.page.no_list');
      return;
    }
  }
  const r = await verifyBarcode(text.trim(), state.trust, state.list ? [state.list] : [], nowSeconds());
  render(r);
}

// ---- reading the code: camera and photos ----

let detectorPromise = null;
function detector() {
  detectorPromise ??= (async () => {
    if ('BarcodeDetector' in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes('qr_code')) {
          const d = new window.BarcodeDetector({ formats: ['qr_code'] });
          return async (source) => (await d.detect(source))[0]?.rawValue ?? null;
        }
      } catch (e) {
        // fall through to zxing-wasm
      }
    }
    // zxing-wasm's module, fetched from this server the first time a code
    // is read (kept by the service worker for offline use).
    const ZXingWASM = window.ZXingWASM;
    if (!ZXingWASM) return null;
    try {
      await ZXingWASM.prepareZXingModule({
        overrides: { locateFile: (file) => '/verify/' + file },
        fireImmediately: true,
      });
    } catch (e) {
      detectorPromise = null; // tried again the next time, the network back
      return null;
    }
    const canvas = document.createElement('canvas');
    const options = { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 };
    return async (source) => {
      const w = source.videoWidth || source.width;
      const h = source.videoHeight || source.height;
      if (!w || !h) return null;
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      g.drawImage(source, 0, 0, w, h);
      const found = await ZXingWASM.readBarcodes(g.getImageData(0, 0, w, h), options);
      return found[0]?.text || null;
    };
  })();
  return detectorPromise;
}

const video = document.getElementById('camera');
const cameraStatus = document.getElementById('camera-status');
const startButton = document.getElementById('camera-start');
const stopButton = document.getElementById('camera-stop');
let stream = null;

function stopCamera() {
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  video.hidden = true;
  stopButton.hidden = true;
  startButton.hidden = false;
}

async function startCamera() {
  const read = await detector();
  if (!read || !navigator.mediaDevices?.getUserMedia) {
    cameraStatus.textContent = t('verify.page.camera_unavailable');
    return;
  }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch (e) {
    cameraStatus.textContent = t('verify.page.camera_unavailable');
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  stopButton.hidden = false;
  startButton.hidden = true;
  await video.play();
  cameraStatus.textContent = t('verify.page.camera_looking');
  const look = async () => {
    if (!stream) return;
    // A frame that could not be read is passed over, never the end of looking.
    const text = await read(video).catch(() => null);
    if (text) {
      stopCamera();
      cameraStatus.textContent = '';
      textarea.value = text;
      present(text);
      return;
    }
    setTimeout(look, 150);
  };
  look();
}

async function readPhoto(file) {
  const read = await detector();
  if (!read) return null;
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
  return read(canvas);
}

// A photo over the server's limit, made smaller (the code stays readable).
async function smaller(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  return new File([blob], 'card.jpg', { type: 'image/jpeg' });
}

// A code read on the device: the server checks it when there is a network,
// the device when there is none.
function present(text) {
  if (navigator.onLine) form.submit();
  else verifyHere(text);
}

form.addEventListener('submit', async (event) => {
  const text = textarea.value.trim();
  const file = photo.files[0];
  if (navigator.onLine) {
    if (!text && file && file.size > MAX_UPLOAD) {
      event.preventDefault();
      try {
        const dt = new DataTransfer();
        dt.items.add(await smaller(file));
        photo.files = dt.files;
      } catch (e) {
        deviceState.textContent = t('verify.page.too_large');
        return;
      }
      form.submit();
    }
    return; // the server answers
  }
  event.preventDefault();
  if (text) return verifyHere(text);
  if (!file) {
    deviceState.textContent = t('verify.page.no_input');
    return;
  }
  const read = await readPhoto(file).catch(() => null);
  if (!read) {
    deviceState.textContent = t('verify.page.unreadable_photo');
    return;
  }
  textarea.value = read;
  verifyHere(read);
});

document.getElementById('scan').hidden = false;
startButton.addEventListener('click', startCamera);
stopButton.addEventListener('click', stopCamera);
window.addEventListener('online', refresh);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/verify/sw.js', { scope: '/verify/' }).catch(() => {});
}
refresh().then(() => {
  document.documentElement.dataset.verifyReady = 'true';
});
