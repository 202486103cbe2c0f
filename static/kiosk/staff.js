// The way out for staff only: hold the top-left corner for 3 s, type the staff PIN, and the
// panel shows the queue and offers sync, leaving full screen and unpairing.

import { $, renderKeys, showScreen, typeInto } from "./dom.js";
import { device, queue } from "./store.js";

const HOLD_MS = 3000;
const MAX_TRIES = 5;
const LOCK_MS = 60 * 1000;
const DIGITS = [..."1234567890"];

const hex = (buffer) => [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

// The server sends sha256(salt + PIN); the PIN itself never leaves the office's admin page.
async function pinMatches(pin, staffPin) {
  if (!globalThis.crypto?.subtle) return false;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(staffPin.salt + pin));
  return hex(digest) === staffPin.sha256.toLowerCase();
}

export function initStaff(kiosk) {
  let holdTimer = null;
  let tries = 0;
  let lockedUntil = 0;
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
    if (Date.now() < lockedUntil) {
      $("pin-status").textContent = kiosk.strings().pin_locked;
      return;
    }
    if (await pinMatches(pin, staffPin)) {
      tries = 0;
      openPanel();
      return;
    }
    tries += 1;
    if (tries >= MAX_TRIES) [tries, lockedUntil] = [0, Date.now() + LOCK_MS];
    $("pin-status").textContent = kiosk.strings()[lockedUntil > Date.now() ? "pin_locked" : "pin_wrong"];
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
