// Small DOM helpers: screens, translated texts, the five faces and on-screen keypads.

const SVG = "http://www.w3.org/2000/svg";
export const LEVELS = [1, 2, 3, 4, 5];
// Mouth curve per level, from a deep frown (1) to a broad smile (5).
const MOUTH_BEND = { 1: -22, 2: -11, 3: 0, 4: 12, 5: 24 };

export const $ = (id) => document.getElementById(id);

export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// Show one screen and hide the others; focus its heading so screen readers announce it.
export function showScreen(name) {
  for (const screen of document.querySelectorAll(".screen")) {
    screen.hidden = screen.id !== `s-${name}`;
  }
  document.body.dataset.screen = name;
  const heading = $(`s-${name}`).querySelector("h1[tabindex]");
  if (heading) heading.focus({ preventScroll: true });
}

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
}

export function applyTexts(strings, locale) {
  document.documentElement.lang = locale;
  document.title = strings.title;
  for (const node of document.querySelectorAll("[data-t]")) {
    node.textContent = strings[node.dataset.t];
  }
  for (const node of document.querySelectorAll("[data-label]")) {
    node.setAttribute("aria-label", strings[node.dataset.label]);
  }
}

export function faceIcon(level) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 100 100");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", `face face-${level}`);
  const bend = MOUTH_BEND[level];
  const parts = [
    ["circle", { cx: 50, cy: 50, r: 46, class: "skin" }],
    ["circle", { cx: 35, cy: 40, r: 6, class: "eye" }],
    ["circle", { cx: 65, cy: 40, r: 6, class: "eye" }],
    ["path", { d: `M28 ${70 - bend / 3} Q50 ${70 + bend} 72 ${70 - bend / 3}`, class: "mouth" }],
  ];
  for (const [tag, attributes] of parts) {
    const part = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) part.setAttribute(name, value);
    svg.append(part);
  }
  return svg;
}

// Five buttons, each a face with its word; `chosen` is marked as pressed.
export function renderFaces(container, strings, chosen, onChoose) {
  container.replaceChildren(
    ...LEVELS.map((level) => {
      const button = el("button", {
        type: "button",
        class: `level level-${level}`,
        "aria-pressed": String(chosen === level),
        "data-level": String(level),
      });
      button.append(faceIcon(level), el("span", { text: strings[`scale_${level}`] }));
      button.addEventListener("click", (event) => onChoose(event, level));
      return button;
    }),
  );
}

// Big keys for a tablet without a keyboard; `⌫` removes the last character.
export function renderKeys(container, keys, onKey) {
  container.replaceChildren(
    ...[...keys, "⌫"].map((key) => {
      const button = el("button", { type: "button", class: "key", text: key });
      if (key === "⌫") button.dataset.label = "delete";
      button.addEventListener("click", () => onKey(key));
      return button;
    }),
  );
}

export function typeInto(input, key) {
  input.value = key === "⌫" ? input.value.slice(0, -1) : (input.value + key).slice(0, input.maxLength);
  input.dispatchEvent(new Event("input", { bubbles: true }));
}
