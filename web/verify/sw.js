// The verify page's service worker (scope /verify/): keeps the page and its
// files so the page opens without a network, and answers from the network
// first whenever there is one. The trust bundle and the validity lists are
// kept by the page itself (app.js), which checks them before keeping them.
const SHELL = 'sdc-verify-shell-v2';
const FILES = [
  '/verify/',
  '/verify/app.js',
  '/verify/sdc-verifier.js',
  '/verify/zxing.js',
  '/verify/zxing_reader.wasm',
  '/verify/verify.css',
  '/verify/manifest.webmanifest',
  '/verify/icon.svg',
  '/portal/static/portal.css',
];

self.addEventListener('install', (event) => {
  // Each file as the signed-in officer gets it; a page that was sent to the
  // login page instead is not kept.
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) =>
        Promise.all(
          FILES.map((path) =>
            fetch(path, { credentials: 'same-origin' }).then((response) => {
              if (response.ok && !response.redirected) return cache.put(path, response);
              return undefined;
            }),
          ),
        ),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('sdc-verify-shell-') && n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !FILES.includes(url.pathname)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        // A page that sent the visitor to the login page is not kept.
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(SHELL).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.open(SHELL).then((cache) => cache.match(url.pathname)).then((hit) => hit || Response.error())),
  );
});
