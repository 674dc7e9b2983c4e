// Dates as news pages print them under an embedded post ("March 4, 2020",
// "Mar 4, 2020", "4 March 2020"). The printed date is a calendar date in an
// unstated time zone, so it only bounds a window. Pure.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MS = 86_400_000;

/** The pattern of a printed date, for use inside larger patterns. */
export const PRINTED_DATE_SOURCE = String.raw`(?:[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9}\.? \d{4})`;

function monthIndex(word: string): number {
  const w = word.toLowerCase().replace(/\.$/, '');
  const i = MONTHS.indexOf(w.slice(0, 3));
  if (i < 0) return -1;
  const full = new Date(Date.UTC(2000, i, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' }).toLowerCase();
  return full.startsWith(w) || w === 'sept' ? i : -1;
}

/** Parses a printed date to `YYYY-MM-DD`; undefined when it is not one. */
export function parsePrintedDate(text: string): string | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  const m = /^([A-Za-z]{3,9}\.?) (\d{1,2}),? (\d{4})$/.exec(t) ?? /^(\d{1,2}) ([A-Za-z]{3,9}\.?) (\d{4})$/.exec(t);
  if (!m) return undefined;
  const [monthWord, day] = /^\d/.test(m[1]!) ? [m[2]!, m[1]!] : [m[1]!, m[2]!];
  const month = monthIndex(monthWord);
  const d = Number(day);
  const year = Number(m[3]);
  if (month < 0 || d < 1 || d > 31) return undefined;
  const date = new Date(Date.UTC(year, month, d));
  if (date.getUTCMonth() !== month) return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * The instants a post printed with this calendar date may have: the date in
 * any time zone (UTC-12..UTC+14) is covered by one day either side.
 */
export function printedDateWindow(isoDate: string): { from: Date; to: Date } {
  const day = Date.parse(`${isoDate}T00:00:00Z`);
  return { from: new Date(day - DAY_MS), to: new Date(day + 2 * DAY_MS) };
}
