// One citizen's rating: who served them, one screen per factor, the overall rating with an
// optional comment, a call-back offer when unhappy, thanks. All in memory until it is queued.

import { localIso } from "./clock.js";
import { $, el, fill, renderFaces, renderKeys, showScreen, typeInto } from "./dom.js";

const OVERALL = "CHUNG";
const CALL_BACK_AT_MOST = 3; // "Bình thường" or below
const PHONE = /^0\d{9,10}$/;
const DIGITS = [..."1234567890"];
// A second touch this soon after a screen changed is the same finger bouncing, not an answer.
const DOUBLE_TAP_MS = 350;

const uuid = () =>
  crypto.randomUUID?.() ??
  "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
  );

export function createCitizenFlow(kiosk) {
  let citizen = null;
  let lastAdvance = -Infinity;

  // Wrap a handler that moves to another screen; a bouncing touch is ignored.
  const advancing = (handler) => (event, value) => {
    if (!citizen || citizen.busy) return;
    if (event.pointerType === "touch" && event.timeStamp - lastAdvance < DOUBLE_TAP_MS) return;
    lastAdvance = event.timeStamp;
    handler(value);
  };

  function start() {
    const config = kiosk.config();
    const items = config.instrument.items;
    const officers = config.fixed_officer_code ? [] : config.officers || [];
    citizen = {
      steps: [
        ...(officers.length > 1 ? [{ kind: "officer" }] : []),
        ...items.map((item) => ({ kind: item.code === OVERALL ? "overall" : "question", item })),
      ],
      index: 0,
      officer: config.fixed_officer_code ?? (officers.length === 1 ? officers[0].code : null),
      answers: {},
      pending: null,
      busy: false,
    };
    showStep();
  }

  function showStep() {
    const step = citizen.steps[citizen.index];
    if (step.kind === "officer") renderOfficers();
    else renderQuestion(step);
    showScreen(step.kind);
    kiosk.watchIdle();
  }

  function next() {
    citizen.index += 1;
    showStep();
  }

  function back() {
    if (citizen.index === 0) kiosk.reset();
    else {
      citizen.index -= 1;
      showStep();
    }
  }

  function renderOfficers() {
    $("officers").replaceChildren(
      ...kiosk.config().officers.map((officer) => {
        const card = el("button", { type: "button", class: "officer", "aria-pressed": String(citizen.officer === officer.code) });
        const initials = officer.name.split(/\s+/).slice(-2).map((word) => word[0]).join("");
        const picture = officer.photo
          ? el("img", { src: officer.photo, alt: "" })
          : el("span", { class: "initials", "aria-hidden": "true", text: initials });
        card.append(picture, el("span", { text: officer.name }));
        card.addEventListener("click", advancing(() => ((citizen.officer = officer.code), next())));
        return card;
      }),
    );
  }

  function renderQuestion({ kind, item }) {
    const strings = kiosk.strings();
    const locale = kiosk.locale();
    const questions = citizen.steps.filter((step) => step.kind !== "officer");
    const number = questions.findIndex((step) => step.item === item) + 1;
    const step = fill(strings.step, { n: number, total: questions.length });
    const text = item.text[locale] ?? item.text.vi;
    if (kind === "overall") {
      $("overall-step").textContent = step;
      $("overall-text").textContent = text;
      $("overall-status").textContent = "";
      renderFaces($("overall-faces"), strings, citizen.answers[OVERALL], advancing(finish));
      return;
    }
    const factor = kiosk.config().instrument.factors.find((candidate) => candidate.code === item.factor);
    const title = factor ? (factor.name[locale] ?? factor.name.vi) : text;
    $("question-step").textContent = step;
    $("h-question").textContent = title;
    $("question-text").textContent = text === title ? "" : text;
    $("question-text").hidden = text === title;
    $("no-opinion").setAttribute("aria-pressed", String(citizen.answers[item.code] === null));
    renderFaces($("question-faces"), strings, citizen.answers[item.code], advancing((level) => answer(item, level)));
  }

  function answer(item, level) {
    citizen.answers[item.code] = level;
    next();
  }

  // The tap on an overall face ends the rating: its moment is the rating's time.
  async function finish(level) {
    citizen.answers[OVERALL] = level;
    const moment = new Date();
    const rating = buildRating(moment);
    markRepeat(rating, moment);
    const consent = kiosk.config().callback?.consent_text;
    if (level <= CALL_BACK_AT_MOST && consent) {
      citizen.pending = rating;
      showCallback(consent);
      return;
    }
    await keep(rating, $("overall-status"));
  }

  // The same full rating again within the thank-you screen plus the unit's repeat window (a
  // child tapping on) is sent marked as a repeat: stored, not counted. The server checks too.
  let lastRating = null;
  function markRepeat(rating, moment) {
    const { thanks_seconds: thanks = 0, repeat_seconds: repeat = 0 } = kiosk.config();
    const fingerprint = JSON.stringify([rating.answers, rating.officer_code ?? null, rating.comment ?? ""]);
    const soon = lastRating && moment - lastRating.moment <= (thanks + repeat) * 1000;
    if (soon && lastRating.fingerprint === fingerprint) rating.repeat = true;
    lastRating = { fingerprint, moment };
  }

  function buildRating(moment) {
    const rating = {
      id: uuid(),
      instrument: kiosk.config().instrument.code,
      submitted_at: localIso(moment),
      answers: {},
      locale: kiosk.locale(),
    };
    for (const { code } of kiosk.config().instrument.items) rating.answers[code] = citizen.answers[code] ?? null;
    if (citizen.officer) rating.officer_code = citizen.officer;
    const comment = $("comment").value.trim();
    if (comment) rating.comment = comment;
    return rating;
  }

  function showCallback(consent) {
    $("consent-text").textContent = consent[kiosk.locale()] ?? consent.vi;
    $("phone").value = "";
    $("callback-send").disabled = true;
    $("callback-status").textContent = "";
    showScreen("callback");
    kiosk.watchIdle();
  }

  function sendCallback() {
    const rating = citizen.pending;
    rating.callback = { phone: $("phone").value, consent_text: $("consent-text").textContent };
    return keep(rating, $("callback-status"));
  }

  // Queue first, thanks after: the thank-you screen means the rating is on the tablet's disk.
  async function keep(rating, status) {
    const { pending } = citizen;
    Object.assign(citizen, { busy: true, pending: null });
    const kept = await kiosk.keep(rating);
    if (!citizen) return; // the idle timer ended the turn meanwhile
    citizen.busy = false;
    if (!kept) {
      citizen.pending = pending;
      delete rating.callback;
      status.textContent = kiosk.strings().save_failed;
      return;
    }
    $("thanks-callback").hidden = !rating.callback;
    showScreen("thanks");
    kiosk.watchIdle(kiosk.config().thanks_seconds);
  }

  // The idle timer ends the citizen's turn; a finished rating waiting on the call-back offer is
  // queued without a call-back, anything unfinished is dropped.
  async function abandon() {
    const pending = citizen?.pending;
    citizen = null;
    if (pending) await kiosk.keep(pending);
  }

  renderKeys($("phone-keys"), DIGITS, (key) => typeInto($("phone"), key));
  $("phone").addEventListener("input", () => {
    $("phone").value = $("phone").value.replace(/\D/g, "");
    $("callback-send").disabled = !PHONE.test($("phone").value);
  });
  $("callback-send").addEventListener("click", advancing(sendCallback));
  $("callback-no").addEventListener("click", advancing(() => keep(citizen.pending, $("callback-status"))));
  $("no-opinion").addEventListener("click", advancing(() => answer(citizen.steps[citizen.index].item, null)));
  $("skip-officer").addEventListener("click", advancing(() => ((citizen.officer = null), next())));
  for (const button of document.querySelectorAll("[data-action=back]")) button.addEventListener("click", advancing(back));
  $("thanks-done").addEventListener("click", () => kiosk.reset());

  return { start, abandon, active: () => citizen !== null };
}
