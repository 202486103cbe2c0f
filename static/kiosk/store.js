// What the tablet keeps across reloads and restarts: its device token and settings
// (localStorage), and the ratings not yet accepted by the server (IndexedDB).

const DB_NAME = "kiosk";
const QUEUE = "queue"; // finished ratings, oldest first, until the server accepts them
const REJECTED = "rejected"; // ratings the server refused for good, kept for staff to see
const KEYS = { token: "kiosk.token", config: "kiosk.config", revoked: "kiosk.revoked", lastSync: "kiosk.lastSync" };

export const device = {
  token: () => localStorage.getItem(KEYS.token),
  config: () => JSON.parse(localStorage.getItem(KEYS.config) || "null"),
  revoked: () => localStorage.getItem(KEYS.revoked) === "1",
  lastSync: () => localStorage.getItem(KEYS.lastSync),
  pair(token, config) {
    localStorage.setItem(KEYS.token, token);
    localStorage.setItem(KEYS.config, JSON.stringify(config));
    localStorage.removeItem(KEYS.revoked);
  },
  saveConfig: (config) => localStorage.setItem(KEYS.config, JSON.stringify(config)),
  markRevoked: () => localStorage.setItem(KEYS.revoked, "1"),
  markSynced: (when) => localStorage.setItem(KEYS.lastSync, when),
  // The queue stays in IndexedDB: pairing again sends it under the new token.
  unpair() {
    for (const key of [KEYS.token, KEYS.config, KEYS.revoked]) localStorage.removeItem(key);
  },
};

// Wrong staff PINs typed on this tablet (static/kiosk/staff.js): kept across reloads.
const PIN_LOCK = "kiosk.pinLock";
export const pinLock = {
  read: () => ({ tries: 0, locks: 0, until: 0, ...JSON.parse(localStorage.getItem(PIN_LOCK) || "{}") }),
  write: (lock) => localStorage.setItem(PIN_LOCK, JSON.stringify(lock)),
  clear: () => localStorage.removeItem(PIN_LOCK),
};

let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(QUEUE, { keyPath: "seq", autoIncrement: true });
      request.result.createObjectStore(REJECTED, { keyPath: "seq", autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
  });
  return opening;
}

// Run `work(stores)` in one transaction; resolves with its result once the data is on disk.
async function transact(names, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode, { durability: "strict" });
    const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
    let result;
    Promise.resolve(work(stores)).then((value) => (result = value), reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

const asPromise = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

export const queue = {
  add: (rating) => transact([QUEUE], "readwrite", (s) => asPromise(s[QUEUE].add({ rating, queued_at: Date.now() }))),
  oldest: () => transact([QUEUE], "readonly", (s) => asPromise(s[QUEUE].openCursor()).then((c) => c && c.value)),
  remove: (seq) => transact([QUEUE], "readwrite", (s) => asPromise(s[QUEUE].delete(seq))),
  count: () => transact([QUEUE], "readonly", (s) => asPromise(s[QUEUE].count())),
  rejectedCount: () => transact([REJECTED], "readonly", (s) => asPromise(s[REJECTED].count())),
  // Moved in one transaction: a refused rating is never dropped silently.
  reject: (entry, status, reason) =>
    transact([QUEUE, REJECTED], "readwrite", (s) => {
      s[REJECTED].add({ rating: entry.rating, status, reason, rejected_at: Date.now() });
      return asPromise(s[QUEUE].delete(entry.seq));
    }),
};
