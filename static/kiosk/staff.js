// The way out for staff only: hold the top-left corner for 3 s, type the staff PIN, and the
// panel shows the queue and offers sync, leaving full screen and unpairing.

import { $, renderKeys, showScreen, typeInto } from "./dom.js";
import { device, pinLock, queue } from "./store.js";

const HOLD_MS = 3000;
const MAX_TRIES = 5;
const LOCK_MS = 60 * 1000;
const MAX_LOCK_MS = 60 * 60 * 1000;
const DIGITS = [..."1234567890"];

const hex = (buffer) => [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

// The server sends a slow PBKDF2 hash of the PIN (survey_app/services/kiosk_pin.py); the PIN
// itself never leaves the office's admin page.
async function pinMatches(pin, staffPin) {
  if (!globalThis.crypto?.subtle) return false;
  const encode = (text) => new TextEncoder().encode(text);
  const key = await crypto.subtle.importKey("raw", encode(pin), "PBKDF2", false, ["deriveBits"]);
  const params = { name: "PBKDF2", hash: "SHA-256", salt: encode(staffPin.salt), iterations: staffPin.iterations };
  return hex(await crypto.subtle.deriveBits(params, key, 256)) === staffPin.hash;
}

// Wrong tries survive a reload: after MAX_TRIES the PIN is refused for a minute, and each
// further lock lasts twice as long (up to an hour) until the right PIN is typed.
function countWrongTry() {
  const lock = pinLock.read();
  lock.tries += 1;
  if (lock.tries >= MAX_TRIES) {
    lock.locks += 1;
    lock.until = Date.now() + Math.min(LOCK_MS * 2 ** (lock.locks - 1), MAX_LOCK_MS);
    lock.tries = 0;
  }
  pinLock.write(lock);
  return lock.until > Date.now();
}

export function initStaff(kiosk) {
  let holdTimer = null;
  let unpairArmed = false;
  const corner = $("staff-corner");
  const cancelHold = () => clearTimeout(holdTimer);
  corner.addEventListener("pointerdown", () => {
    cancelHold();
    holdTimer = setTimeout(openPin, HOLD_MS);
  });
  for (const name of ["pointerup", "pointerleave", "pointercancel"]) corner.addEventListener(name, cancelHold);

  function openPin() {
    $("pin").value = "";
    const staffPin = kiosk.config()?.staff_pin;
    $("pin-status").textContent = staffPin ? "" : kiosk.strings().pin_none;
    kiosk.leaveCitizen();
    showScreen("pin");
    kiosk.watchIdle();
  }

  renderKeys($("pin-keys"), DIGITS, (key) => typeInto($("pin"), key));
  $("pin-cancel").addEventListener("click", () => kiosk.reset());
  $("pin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const staffPin = kiosk.config()?.staff_pin;
    const pin = $("pin").value;
    $("pin").value = "";
    if (!staffPin) return;
    if (Date.now() < pinLock.read().until) {
      $("pin-status").textContent = kiosk.strings().pin_locked;
      return;
    }
    if (await pinMatches(pin, staffPin)) {
      pinLock.clear();
      openPanel();
      return;
    }
    $("pin-status").textContent = kiosk.strings()[countWrongTry() ? "pin_locked" : "pin_wrong"];
  });

  function openPanel() {
    unpairArmed = false;
    $("unpair").textContent = kiosk.strings().unpair;
    showScreen("staff");
    kiosk.watchIdle();
    return showFacts();
  }

  async function showFacts() {
    const strings = kiosk.strings();
    const config = kiosk.config();
    const facts = {
      tablet: config?.kiosk.name ?? "",
      counter: config ? `${config.kiosk.counter_name} · ${config.kiosk.unit_name}` : "",
      queue: String(await queue.count()),
      rejected: String(await queue.rejectedCount()),
      sync: device.lastSync() ?? strings.staff_never,
      network: navigator.onLine ? strings.online : strings.offline,
      version: document.body.dataset.version,
    };
    for (const [name, value] of Object.entries(facts)) $(`fact-${name}`).textContent = value;
  }

  $("sync-now").addEventListener("click", async () => {
    await Promise.all([kiosk.sync.drain(), kiosk.sync.refreshConfig()]);
    if (document.body.dataset.screen === "staff") showFacts();
  });
  $("exit-fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  });
  $("unpair").addEventListener("click", () => {
    if (!unpairArmed) {
      unpairArmed = true;
      $("unpair").textContent = kiosk.strings().unpair_confirm;
      return;
    }
    device.unpair();
    kiosk.showPairing();
  });
  $("staff-close").addEventListener("click", () => kiosk.reset());
  return { refresh: () => document.body.dataset.screen === "staff" && showFacts() };
}
