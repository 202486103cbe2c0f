// The counter tablet: pairing, the attract screen, idle resets, opening hours, revocation.
// Every screen is drawn here from what the page loaded once; only ratings and settings travel.

import { createCitizenFlow } from "./citizen.js";
import { dayInWords, isOpen, nextOpening } from "./clock.js";
import { $, applyTexts, faceIcon, fill, LEVELS, renderKeys, showScreen, typeInto } from "./dom.js";
import { initStaff } from "./staff.js";
import { device, queue } from "./store.js";
import { createSync, pair } from "./sync.js";

const STRINGS = JSON.parse($("kiosk-strings").textContent);
const WATCH_MS = 30 * 1000; // how often the idle screens look at the clock
const CONFIG_EVERY_MS = 10 * 60 * 1000;
const PAIRED_SECONDS = 60; // the pairing confirmation, for whoever set the tablet up

let config = null;
let nextConfig = null; // settings that arrived during a citizen's turn wait for the next one
let locale = "vi";
let idleTimer = null;
let idleSeconds = 0;
let configFetchedAt = 0;
let reloadWhenIdle = false;

const strings = () => STRINGS[locale] ?? STRINGS.vi;

const kiosk = {
  config: () => config,
  strings,
  locale: () => locale,
  reset,
  leaveCitizen: () => citizen.abandon(),
  showPairing,
  // Arm the idle timer for the screen just shown (default: the kiosk's idle seconds).
  watchIdle(seconds = config?.idle_seconds ?? 30) {
    idleSeconds = seconds;
    armIdle();
  },
  async keep(rating) {
    try {
      await queue.add(rating);
    } catch {
      return false;
    }
    sync.drain();
    return true;
  },
};

const sync = createSync({
  onRevoked: () => {
    citizen.abandon();
    showRevoked();
  },
  onConfig: (fresh) => {
    configFetchedAt = Date.now();
    device.saveConfig(fresh);
    nextConfig = fresh;
    if (!citizen.active() && ["attract", "closed"].includes(document.body.dataset.screen)) reset();
  },
  onChange: () => {
    staff.refresh();
    if (document.body.dataset.screen === "revoked") showRevoked();
  },
});
kiosk.sync = sync;
const citizen = createCitizenFlow(kiosk);
const staff = initStaff(kiosk);

function armIdle() {
  clearTimeout(idleTimer);
  if (idleSeconds > 0) idleTimer = setTimeout(reset, idleSeconds * 1000);
}

function stopIdle() {
  clearTimeout(idleTimer);
  idleSeconds = 0;
}

// Back to the start for the next person: nothing the previous citizen entered stays anywhere.
async function reset() {
  if (!config) return showPairing();
  stopIdle();
  await citizen.abandon();
  for (const id of ["comment", "phone", "pin"]) $(id).value = "";
  for (const id of ["officers", "question-faces", "overall-faces"]) $(id).replaceChildren();
  for (const id of ["overall-status", "callback-status", "pin-status", "consent-text"]) $(id).textContent = "";
  $("thanks-callback").hidden = true;
  if (reloadWhenIdle) location.reload();
  if (nextConfig) [config, nextConfig] = [nextConfig, null];
  setLocale(config.default_locale || "vi");
  showRest();
}

// The screen shown while nobody is rating.
function showRest() {
  stopIdle();
  if (device.revoked()) return showRevoked();
  if (!isOpen(config)) {
    $("closed-hours").textContent = openingHours();
    const next = nextOpening(config);
    $("closed-next").textContent = next ? fill(strings().reopens, { day: dayInWords(next.day, locale), time: next.time }) : "";
    return showScreen("closed");
  }
  $("unit-name").textContent = config.kiosk.unit_name;
  $("counter-name").textContent = config.kiosk.counter_name;
  showScreen("attract");
}

// "Mở cửa: Thứ Hai – Thứ Sáu, 07:30–17:00, trừ ngày nghỉ lễ." from the kiosk's settings.
function openingHours() {
  if (config.always_open) return strings().always_open;
  return fill(strings().closed_hours, { opens: config.opens_at, closes: config.closes_at });
}

// Pairing worked: say so, and where and when the tablet takes ratings, before the first citizen.
function showPaired() {
  const { counter_name: counter, unit_name: unit } = config.kiosk;
  $("paired-place").textContent = fill(strings().paired_text, { counter, unit });
  $("paired-hours").textContent = openingHours();
  showScreen("paired");
  kiosk.watchIdle(PAIRED_SECONDS);
}

async function showRevoked() {
  stopIdle();
  const waiting = await queue.count().catch(() => "?");
  $("revoked-text").textContent = fill(strings().revoked_text, { count: waiting });
  showScreen("revoked");
}

function setLocale(chosen) {
  locale = chosen in STRINGS ? chosen : "vi";
  applyTexts(strings(), locale);
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === locale));
  }
}

function showPairing(code = "") {
  stopIdle();
  config = null;
  setLocale(locale);
  $("pair-code").value = code;
  $("pair-status").textContent = "";
  showScreen("pair");
}

async function connect(code) {
  const status = $("pair-status");
  status.textContent = strings().pair_working;
  const paired = await pair(code.trim().toUpperCase());
  if (paired.problem) {
    status.textContent = strings()[`pair_${paired.problem}`];
    return;
  }
  device.pair(paired.token, paired.config);
  $("pair-code").value = "";
  begin(paired.config, { justPaired: true });
}

async function begin(settings, { justPaired = false } = {}) {
  config = settings;
  configFetchedAt = Date.now();
  await reset();
  if (justPaired) showPaired();
  sync.drain();
}

function startRating() {
  if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => {});
  }
  navigator.wakeLock?.request("screen").catch(() => {}); // the screen stays on at the counter
  citizen.start();
}

// Idle screens follow the clock (opening hours) and fetch fresh settings now and then.
function watch() {
  const screen = document.body.dataset.screen;
  if (!config || !["attract", "closed"].includes(screen)) return;
  if (reloadWhenIdle) return location.reload();
  if (Date.now() - configFetchedAt > CONFIG_EVERY_MS) {
    configFetchedAt = Date.now();
    sync.refreshConfig();
  }
  const open = isOpen(config);
  if (open !== (screen === "attract")) showRest();
}

function wire() {
  renderKeys($("pair-keys"), [...document.body.dataset.pairKeys], (key) => typeInto($("pair-code"), key));
  $("pair-form").addEventListener("submit", (event) => {
    event.preventDefault();
    connect($("pair-code").value);
  });
  $("start-faces").append(...LEVELS.map(faceIcon));
  $("thanks-face").append(faceIcon(5));
  // The whole attract screen is the button, except the language switch.
  $("s-attract").addEventListener("click", (event) => {
    if (!event.target.closest(".lang")) startRating();
  });
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => setLocale(button.dataset.lang));
  }
  $("pair-again").addEventListener("click", () => showPairing());
  $("paired-start").addEventListener("click", () => reset());
  // Any touch or key keeps the current screen alive.
  for (const name of ["pointerdown", "keydown", "input"]) addEventListener(name, armIdle, true);
  // No way out: no context menu, and the back gesture lands on the kiosk again.
  addEventListener("contextmenu", (event) => event.preventDefault());
  history.pushState({ kiosk: true }, "");
  addEventListener("popstate", () => history.pushState({ kiosk: true }, ""));
  setInterval(watch, WATCH_MS);
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const updating = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    reloadWhenIdle = updating; // a new version: take it between two citizens
  });
  const { sw, scope } = document.body.dataset;
  navigator.serviceWorker.register(sw, { scope }).catch(() => {});
}

function boot() {
  wire();
  registerServiceWorker();
  navigator.storage?.persist?.().catch(() => {});
  const code = new URLSearchParams(location.hash.slice(1)).get("pair");
  if (code) {
    history.replaceState(null, "", location.pathname);
    showPairing(code);
    connect(code);
  } else if (device.token() && device.config()) {
    begin(device.config());
    sync.refreshConfig();
  } else {
    showPairing();
  }
}

boot();
