// The tablet's only conversation with the server: pairing, settings, and sending the queue.
// Requests carry the device token, never a cookie: no session or CSRF token can expire.

import { localIso } from "./clock.js";
import { device, queue } from "./store.js";

const TIMEOUT_MS = 20000;
const FIRST_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60 * 1000;
const { api: API, version: VERSION } = document.body.dataset;

export async function request(path, { method = "GET", body, token = device.token() } = {}) {
  const waiting = await queue.count().catch(() => 0);
  const headers = { Accept: "application/json", "X-Kiosk-Version": VERSION, "X-Kiosk-Queue": String(waiting) };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

// {token, config} on success; {problem: "invalid" | "offline"} otherwise.
export async function pair(code) {
  try {
    const response = await request("/kiosk/pair", { method: "POST", body: { pairing_code: code }, token: null });
    if (response.status === 201) return await response.json();
    if (response.status === 429) return { problem: "busy" };
    return { problem: response.status >= 500 ? "offline" : "invalid" };
  } catch {
    return { problem: "offline" };
  }
}

const isAccepted = (status) => status === 200 || status === 201;
const isRevoked = (status) => status === 401 || status === 403;
const isTransient = (status) => status === 408 || status === 429 || status >= 500;

export function createSync({ onRevoked, onConfig, onChange }) {
  let running = false;
  let again = false;
  let failures = 0;
  let timer = null;

  // Send the queue oldest first; stop at the first failure and try again later.
  async function drain() {
    if (running) {
      again = true;
      return;
    }
    if (!device.token() || device.revoked()) return;
    running = true;
    clearTimeout(timer);
    try {
      let entry;
      while ((entry = await queue.oldest())) {
        const outcome = await send(entry);
        if (outcome !== "sent") return outcome === "retry" ? retryLater() : stop();
      }
      failures = 0;
    } catch {
      retryLater(); // the tablet's storage failed for a moment: the queue is still there
    } finally {
      running = false;
      onChange();
      if (again) {
        again = false;
        drain();
      }
    }
  }

  async function send(entry) {
    let response;
    try {
      response = await request("/responses", { method: "POST", body: entry.rating });
    } catch {
      return "retry";
    }
    if (isAccepted(response.status)) {
      await queue.remove(entry.seq);
      device.markSynced(localIso(new Date()));
      return "sent";
    }
    if (isRevoked(response.status)) return "revoked";
    if (isTransient(response.status)) return "retry";
    await queue.reject(entry, response.status, await response.text().catch(() => ""));
    return "sent";
  }

  // 2 s doubling to 5 min, with jitter so a room of tablets does not retry in step.
  function retryLater() {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    clearTimeout(timer);
    timer = setTimeout(drain, delay);
  }

  function stop() {
    clearTimeout(timer);
    device.markRevoked();
    onRevoked();
  }

  async function refreshConfig() {
    if (!device.token() || device.revoked()) return;
    try {
      const response = await request("/kiosk/config");
      if (response.ok) onConfig(await response.json());
      else if (isRevoked(response.status)) stop();
    } catch {
      // Offline: the settings kept on the tablet stay in force.
    }
  }

  addEventListener("online", () => {
    failures = 0;
    drain();
  });
  return { drain, refreshConfig };
}
