// Dates as news pages print them under an embedded post: "March 4, 2020",
// "Mar. 4, 2020", "4 March 2020", and the localized forms the embed widget
// renders ("4 mars 2020", "4 de marzo de 2020", "4. März 2020", "1er mars
// 2020"). The printed date is a calendar date in an unstated time zone, so it
// only bounds a window. Pure.

const DAY_MS = 86_400_000;

// Full month names (accents removed), January first, in the widget's common languages.
const MONTH_NAMES: string[][] = [
  'january february march april may june july august september october november december', // en
  'janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre', // fr
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre', // es
  'januar februar marz april mai juni juli august september oktober november dezember', // de
  'janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro', // pt
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre', // it
  'januari februari maart april mei juni juli augustus september oktober november december', // nl
].map((line) => line.split(' '));

/** The pattern of a printed date, for use inside larger patterns (needs the `u` flag). */
export const PRINTED_DATE_SOURCE = String.raw`(?:\p{L}{3,10}\.? \d{1,2},? \d{4}|\d{1,2}(?:er|\.)?(?: de)? \p{L}{3,10}\.?,?(?: de)? \d{4})`;

function fold(word: string): string {
  return word.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/\.$/, '');
}

/** The month (0-11) a name or an unambiguous abbreviation of at least three letters designates. */
function monthIndex(word: string): number {
  const w = fold(word);
  if (w.length < 3) return -1;
  const found = new Set<number>();
  for (const names of MONTH_NAMES) {
    names.forEach((name, i) => {
      if (name === w || name.startsWith(w) || (w === 'sept' && i === 8)) found.add(i);
    });
  }
  return found.size === 1 ? [...found][0]! : -1;
}

const MONTH_FIRST = /^(\p{L}{3,10}\.?) (\d{1,2}),? (\d{4})$/u;
const DAY_FIRST = /^(\d{1,2})(?:er|\.)?(?: de)? (\p{L}{3,10}\.?),?(?: de)? (\d{4})$/u;

/** Parses a printed date to `YYYY-MM-DD`; undefined when it is not one. */
export function parsePrintedDate(text: string): string | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  const first = MONTH_FIRST.exec(t);
  const m = first ? { month: first[1]!, day: first[2]!, year: first[3]! } : undefined;
  const second = m ? undefined : DAY_FIRST.exec(t);
  const parts = m ?? (second ? { month: second[2]!, day: second[1]!, year: second[3]! } : undefined);
  if (!parts) return undefined;
  const month = monthIndex(parts.month);
  const day = Number(parts.day);
  if (month < 0 || day < 1 || day > 31) return undefined;
  const date = new Date(Date.UTC(Number(parts.year), month, day));
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
