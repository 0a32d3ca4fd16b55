/**
 * `date.toISOString()`, about three times faster: a page of 50 orders formats 150 instants, and
 * V8's own formatter was the server's largest single cost for such a page (6 % of its CPU time).
 * The civil date comes from the day count by Howard Hinnant's `civil_from_days`. Instants before
 * 1970 or after 9999, and invalid dates, go to toISOString (which throws for the last).
 */
export function isoTime(date: Date): string {
  const time = date.getTime();
  if (!(time >= 0 && time < MAX_TIME)) return date.toISOString();
  const days = Math.floor(time / DAY);
  let rest = time - days * DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  rest -= minutes * MINUTE;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(millis)}Z`;
}

/** isoTime, and null for null (the optional instants of API rows). */
export const isoTimeOrNull = (date: Date | null): string | null => (date ? isoTime(date) : null);

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on, years have five digits and a sign. */
const MAX_TIME = 253_402_300_800_000;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const pad4 = (n: number) => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`);
