// The day a sentence says a quotation was posted ("wrote on Monday",
// "hier sur X", "am Montag", "ayer"), counted back from the article's date.
// It only breaks a tie: when several posts of the account say the quoted
// words, the one posted that day is the one cited. Words are matched on the
// folded sentence (lower case, no accents, one space between words). Words
// that mean something else in another supported language are left out
// (French "hier" is "here" in German and Dutch; Portuguese "segunda" alone
// is also "second"). Pure.

/** A weekday (0 Sunday … 6 Saturday) or a number of days before the article. */
export type PostedDay = { weekday: number } | { daysBefore: number };

const WEEKDAYS: [number, string][] = [
  [0, 'sunday|dimanche|domingo|sonntag\\w*|domenica|zondag\\w*'],
  [1, 'monday|lundi|lunes|montag\\w*|segunda feira|lunedi|maandag\\w*'],
  [2, 'tuesday|mardi|martes|dienstag\\w*|terca feira|martedi|dinsdag\\w*'],
  [3, 'wednesday|mercredi|miercoles|mittwoch\\w*|quarta feira|mercoledi|woensdag\\w*'],
  [4, 'thursday|jeudi|jueves|donnerstag\\w*|quinta feira|giovedi|donderdag\\w*'],
  [5, 'friday|vendredi|viernes|freitag\\w*|sexta feira|venerdi|vrijdag\\w*'],
  [6, 'saturday|samedi|sabado|samstag\\w*|sonnabend\\w*|sabato|zaterdag\\w*'],
];
const RELATIVE: [number, string][] = [
  [
    0,
    'today|tonight|this morning|aujourd hui|ce matin|hoy|esta manana|heute|heute morgen|hoje|esta manha|oggi|stamattina|vandaag|vanochtend',
  ],
  [1, 'yesterday|hier soir|hier matin|hier apres midi|ayer|gestern|ontem|ieri|gisteren'],
];

const PATTERNS: { day: PostedDay; re: RegExp }[] = [
  ...WEEKDAYS.map(([weekday, words]) => ({ day: { weekday }, re: new RegExp(` (?:${words}) `) })),
  ...RELATIVE.map(([daysBefore, words]) => ({ day: { daysBefore }, re: new RegExp(` (?:${words}) `) })),
];

/** The one day a folded sentence names (padded with spaces); undefined when none or several. */
export function postedDayIn(padded: string): PostedDay | undefined {
  const days = new Set(PATTERNS.filter((p) => p.re.test(padded)).map((p) => p.day));
  return days.size === 1 ? [...days][0] : undefined;
}

const DAY_MS = 86_400_000;
/** Half a day either side of the named calendar day: the article's and the post's time zones are unknown. */
const SLACK_MS = DAY_MS / 2;

/** The time range of the day named, counted back from the article's date (the weekday on or before it). */
export function postedDayWindow(day: PostedDay, articleDate: Date): { from: Date; to: Date } {
  const midnight = Date.UTC(articleDate.getUTCFullYear(), articleDate.getUTCMonth(), articleDate.getUTCDate());
  const back = 'weekday' in day ? (articleDate.getUTCDay() - day.weekday + 7) % 7 : day.daysBefore;
  const start = midnight - back * DAY_MS;
  return { from: new Date(start - SLACK_MS), to: new Date(start + DAY_MS + SLACK_MS) };
}
