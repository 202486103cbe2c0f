// The counter tablet's service worker: keeps the app's own files so the tablet starts and works
// without a network. Ratings do not pass through here: the page queues them in IndexedDB.
const VERSION = {{ version|tojson }};
const CACHE = "kiosk-" + VERSION;
const SHELL = {{ app_page|tojson }};
const ASSETS = {{ assets|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([SHELL, ...ASSETS]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("kiosk-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// The app's files come from the cache first (they change only with VERSION); everything else,
// the API above all, goes to the network untouched.
self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const key = request.mode === "navigate" ? (url.pathname === SHELL ? SHELL : null) : ASSETS.includes(url.pathname) ? url.pathname : null;
  if (key) event.respondWith(fromCache(key, request));
});

async function fromCache(key, request) {
  const cached = await caches.match(key, { cacheName: CACHE });
  return cached || fetch(request);
}
