// The names by which coverage designates the holder of a watched account: the
// handle, the display name and each of its parts (display names join a
// person's name and a title or body with ` - `, `|`, `·` or emoji), aliases,
// and a person's surname. An organisation's last word is never a name of its
// own ("Department of State" is not "State"). Pure.
import { normalizeText } from './text-normalize.js';

export interface Holder {
  /** Who the quotation is attributed to (prose quotes report it as `handle`); the handle when absent. */
  key?: string;
  /**
   * The holders (by key) this one speaks through (an actor's channels): where
   * a name designates both, it designates this one, and they are no rivals.
   */
  covers?: readonly string[];
  handle: string;
  displayName: string | null;
  aliases?: string[];
}

// Separators inside display names, and emoji (pictographs, flags, joiners, variation selectors).
const NAME_PARTS =
  /\s+[-\u2013\u2014|/]\s+|\s*[|\u00b7\u2022\u2219\u25aa]\s*|(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\u200d|\ufe0f)+/u;

// Words of bodies and titles (folded) in the supported languages: a name
// ending in one designates an organisation or an office, not a person.
const BODY_WORDS = new Set(
  `department ministry office agency police command forces force army navy council government embassy mission
  service services press news desk hall city state house senate committee commission union bureau authority
  centre center team unit staff party court parliament assembly administration secretariat cabinet presidency
  spokesman spokesperson spokeswoman official officials minister secretary president governor mayor ambassador
  ministere ministre gouvernement ambassade prefecture mairie armee armees police gendarmerie elysee assemblee
  ministerio ministro ministra gobierno embajada ayuntamiento policia ejercito presidencia
  ministerium minister ministerin regierung botschaft polizei bundeswehr kanzleramt amt
  ministero ministro governo ambasciata polizia esercito comune presidenza
  governo ministerio embaixada prefeitura policia exercito presidencia
  ministerie minister regering ambassade politie gemeente kabinet
  fire rescue county sheriff coast guard emergency emergencies health
  pompiers sapeurs secours protection civile sante
  bomberos emergencias proteccion civil salud
  feuerwehr rettungsdienst katastrophenschutz stadt gemeinde
  bombeiros defesa civil saude camara
  vigili fuoco protezione civile comune sanita
  brandweer veiligheidsregio
  commissioner senator representative chief director chair spokesperson deputy general colonel
  prefet maire depute senatrice senateur porte parole directeur directrice
  consejero consejera alcalde alcaldesa portavoz diputado diputada secretario secretaria
  staatssekretar burgermeister burgermeisterin sprecher sprecherin abgeordneter senator
  prefeito prefeita deputado deputada secretario secretaria porta voz
  sindaco sindaca assessore assessora portavoce deputato deputata presidente
  wethouder burgemeester woordvoerder gedeputeerde kamerlid`.split(/\s+/),
);
// Words too general to designate anyone on their own.
const GENERIC = new Set([...BODY_WORDS, 'the', 'official', 'officials', 'us', 'usa', 'uk', 'un', 'eu']);

const PERSON_WORD = /^\p{Lu}[\p{Ll}\p{M}'\u2019-]+$/u;

/** The parts of a display name (the whole name first). */
export function nameParts(name: string): string[] {
  const parts = name
    .split(NAME_PARTS)
    .map((p) => p?.trim() ?? '')
    .filter(Boolean);
  return [name.trim(), ...parts];
}

// Particles inside a person's name: "Sanne van den Berg", "Ana de Souza".
const PARTICLES = new Set('van von den der de da di del della dos das du le la ter ten bin'.split(' '));
const MAX_PERSON_WORDS = 4;

/**
 * A person's surname (with its particles), when the part reads as a person's
 * name: two to four capitalized words or particles, first and last
 * capitalized, none a word of a body or a title.
 */
function surnameOf(part: string): string | undefined {
  const words = part.split(/\s+/);
  if (words.length < 2 || words.length > MAX_PERSON_WORDS) return undefined;
  if (!PERSON_WORD.test(words[0]!) || !PERSON_WORD.test(words.at(-1)!)) return undefined;
  if (!words.every((w) => PERSON_WORD.test(w) || PARTICLES.has(w))) return undefined;
  if (words.some((w) => BODY_WORDS.has(normalizeText(w)))) return undefined;
  const firstParticle = words.findIndex((w, i) => i > 0 && PARTICLES.has(w));
  const surname = words.slice(firstParticle > 0 ? firstParticle : -1).join(' ');
  return surname.length >= 3 ? surname : undefined;
}

/** Every comparable name of a holder (normalized), most specific first. */
export function holderNames(holder: Holder): string[] {
  const given = [holder.displayName ?? '', ...(holder.aliases ?? [])].filter(Boolean);
  const parts = given.flatMap(nameParts);
  const surnames = parts.flatMap((p) => surnameOf(p) ?? []);
  const names = [holder.handle, holder.handle.replace(/_/g, ' '), ...parts, ...surnames].map(normalizeText);
  return [...new Set(names)].filter((n) => n.length >= 3 && !GENERIC.has(n)).sort((a, b) => b.length - a.length);
}
