// Time on the tablet: the moment of a tap with the tablet's own offset, and office hours in the
// unit's time zone.

const pad = (number) => String(number).padStart(2, "0");

// "2026-03-05T09:15:02+07:00": the tablet's local time of the tap, with its offset.
export function localIso(moment) {
  const offset = -moment.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const hours = pad(Math.floor(Math.abs(offset) / 60));
  const date = `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
  const time = `${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`;
  return `${date}T${time}${sign}${hours}:${pad(Math.abs(offset) % 60)}`;
}

const WALL_CLOCK = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

// Day ("YYYY-MM-DD") and time ("HH:MM") of `moment` in `timeZone` (the tablet's own if unknown).
function wallClock(moment, timeZone) {
  let format;
  try {
    format = new Intl.DateTimeFormat("en-GB", { ...WALL_CLOCK, timeZone });
  } catch {
    format = new Intl.DateTimeFormat("en-GB", WALL_CLOCK);
  }
  const part = Object.fromEntries(format.formatToParts(moment).map(({ type, value }) => [type, value]));
  return { day: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` };
}

export function isOpen(config, moment = new Date()) {
  if (config.always_open) return true;
  const { day, time } = wallClock(moment, config.time_zone || undefined);
  if ((config.closed_days || []).includes(day)) return false;
  if (config.opens_at && time < config.opens_at) return false;
  return !(config.closes_at && time >= config.closes_at);
}

const nextDay = (day) => {
  const moment = new Date(`${day}T12:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + 1);
  return moment.toISOString().slice(0, 10);
};

// When a closed tablet opens next ({ day: "YYYY-MM-DD", time: "HH:MM" }), from the days off it
// was sent; null when it never closes or no open day is known.
export function nextOpening(config, moment = new Date()) {
  if (config.always_open || !config.opens_at) return null;
  const closed = new Set(config.closed_days || []);
  const { day, time } = wallClock(moment, config.time_zone || undefined);
  let candidate = time < config.opens_at ? day : nextDay(day);
  for (let tries = 0; tries <= closed.size; tries += 1) {
    if (!closed.has(candidate)) return { day: candidate, time: config.opens_at };
    candidate = nextDay(candidate);
  }
  return null;
}

// "Thứ Hai, 07/12/2026": the weekday in the tablet's language, the date as the administration
// writes it.
export function dayInWords(day, locale) {
  const [year, month, date] = day.split("-");
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(
    new Date(`${day}T12:00:00Z`),
  );
  return `${weekday.charAt(0).toUpperCase()}${weekday.slice(1)}, ${date}/${month}/${year}`;
}
