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
  const { day, time } = wallClock(moment, config.time_zone || undefined);
  if ((config.closed_days || []).includes(day)) return false;
  if (config.opens_at && time < config.opens_at) return false;
  return !(config.closes_at && time >= config.closes_at);
}
