// Dates as feeds write them: RFC 822 / RFC 1123 in RSS (`Tue, 10 Jun 2003
// 04:00:00 GMT`, with the real-world variants: named zones beyond the RFC's
// list, two-digit years, full month or day names, no seconds, no zone) and
// RFC 3339 / W3C-DTF in Atom, JSON Feed and Dublin Core (`2003-06-10T04:00Z`,
// `2003-06-10`). A time without a zone is read as UTC: the clock of the
// machine reading it says nothing about the publisher's. Pure.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Offsets in minutes east of UTC: RFC 822's zones, then names publishers use anyway. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  ast: -240,
  adt: -180,
  nst: -210,
  ndt: -150,
  wet: 0,
  west: 60,
  bst: 60,
  ist: 330, // India Standard Time: far more feeds mean it than Irish or Israeli time
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  sast: 120,
  cat: 120,
  eat: 180,
  pkt: 300,
  ict: 420,
  wib: 420,
  sgt: 480,
  hkt: 480,
  awst: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

// [day,] DD Mon YYYY HH:MM[:SS[.fff]] [zone]
const RFC822 =
  /^(?:[a-z]+,?\s+)?(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([a-z]{1,5}|[+-]\d{2}:?\d{2})?(?:\s*\(.*\))?$/i;
// YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][zone]
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** A feed's date string as a time, or null when it is none of the shapes feeds use. */
export function parseFeedDate(raw: string | null | undefined): Date | null {
  const text = raw?.trim().replace(/\s+/g, ' ');
  if (!text) return null;
  return parseIso(text) ?? parseRfc822(text);
}

function parseIso(text: string): Date | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'z'] = m;
  const ms = Math.round(Number(`0${frac || '.0'}`) * 1000);
  return build(+y!, +mo! - 1, +d!, +h, +mi, +s, ms, offsetMinutes(zone));
}

function parseRfc822(text: string): Date | null {
  const m = RFC822.exec(text);
  if (!m) return null;
  const [, d, monthName, yearText, h, mi, s = '0', zone = 'gmt'] = m;
  const month = MONTHS.indexOf(monthName!.slice(0, 3).toLowerCase());
  if (month < 0) return null;
  let year = +yearText!;
  // RFC 822 years have two digits; RFC 2822 reads 00–49 as 20xx and 50–99 as 19xx.
  if (yearText!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (yearText!.length !== 4) return null;
  return build(year, month, +d!, +h!, +mi!, +s, 0, offsetMinutes(zone));
}

/** Minutes east of UTC for `Z`, `+0200`, `-05:00`, `+02`, a named zone or a military letter; null if unknown. */
function offsetMinutes(zone: string): number | null {
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  const key = zone.toLowerCase();
  if (key in ZONES) return ZONES[key]!;
  // Military single letters (RFC 822 §5.1): RFC 1123 notes their signs were
  // written backwards and advises reading them as unknown (UTC); so do we.
  return /^[a-ik-z]$/.test(key) ? 0 : null;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number | null) {
  if (offset === null || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  const local = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms);
  // Date.UTC rolls 31 February over into March: such a date is none.
  if (new Date(local).getUTCDate() !== d && h < 24) return null;
  const time = local - offset * 60_000;
  return Number.isFinite(time) ? new Date(time) : null;
}

/** The earliest time a feed item can honestly carry (RSS did not exist before). */
export const EARLIEST_FEED_DATE = new Date('1995-01-01T00:00:00Z');
/** How far past the reading time a date may lie (publishers' clocks and zone slips), in ms. */
export const FUTURE_SLACK_MS = 48 * 60 * 60_000;

/** A date a feed item can carry: not before feeds existed, not days after it was read. */
export function isSaneFeedDate(date: Date, seenAt: Date): boolean {
  return date >= EARLIEST_FEED_DATE && date.getTime() <= seenAt.getTime() + FUTURE_SLACK_MS;
}
