// Which prose quotations become candidates, and for whom: the sentence's own
// attribution to a post, in every supported language and quotation mark;
// spoken words never.
import { describe, expect, it } from 'vitest';
import { findProseQuotes } from '../../../src/core/prose-quotes.js';
import { holderNames, nameParts } from '../../../src/core/holder-names.js';
import { ATTRIBUTION_LANGUAGES, ATTRIBUTION_LEXICON } from '../../../src/core/attribution-lexicon.js';

const HOLDERS = [
  { handle: 'JDoeMinistry', displayName: 'Jane Doe - Ministry of Ports' },
  { handle: 'StateDept', displayName: 'Department of State' },
  { handle: 'ACLU', displayName: 'ACLU' },
  { handle: 'FireDeptRC', displayName: '\u{1F692} River County Fire | Rescue' },
  { handle: 'SvdBerg', displayName: 'Sanne van den Berg | Wethouder' },
];
const Q = 'the terminal reopens to cargo traffic tomorrow morning';

function found(text: string) {
  return findProseQuotes(text, HOLDERS).map((q) => ({ quote: q.quote, handle: q.handle, unambiguous: q.unambiguous }));
}

describe('findProseQuotes: attributed to a post', () => {
  it.each([
    ['tweeted', `\u201c${Q},\u201d Doe tweeted on Tuesday.`, 'JDoeMinistry'],
    ['wrote on X', `Doe wrote on X: \u201c${Q}.\u201d`, 'JDoeMinistry'],
    ['said in a post', `In a post on X, Jane Doe said \u201c${Q}\u201d.`, 'JDoeMinistry'],
    ['the tweet read', `\u201c${Q},\u201d the tweet from the Department of State read.`, 'StateDept'],
    ['possessive', `The ACLU's account posted: \u201c${Q}.\u201d`, 'ACLU'],
    ['display-name part', `\u201c${Q},\u201d River County Fire posted.`, 'FireDeptRC'],
    ['surname with particles', `\u2018${Q}\u2019, schreef Van den Berg op X.`, 'SvdBerg'],
    ['guillemets', `\u00ab ${Q} \u00bb, a tweet\u00e9 Jane Doe.`, 'JDoeMinistry'],
    ['German marks', `\u201e${Q}\u201c, twitterte Doe am Abend.`, 'JDoeMinistry'],
    ['reversed guillemets', `Doe postete auf X: \u00bb${Q}\u00ab`, 'JDoeMinistry'],
    ['single guillemets', `\u2039${Q}\u203a, a publi\u00e9 Doe sur X.`, 'JDoeMinistry'],
    ['corner brackets', `\u300c${Q}\u300d, Doe tweeted.`, 'JDoeMinistry'],
    ['Spanish, name between verb and platform', `\u00ab${Q}\u00bb, escribi\u00f3 Jane Doe en X.`, 'JDoeMinistry'],
    ['Portuguese', `\u201c${Q}\u201d, publicou Jane Doe no X.`, 'JDoeMinistry'],
    ['Italian', `\u00ab${Q}\u00bb, ha scritto Jane Doe su X.`, 'JDoeMinistry'],
    ['statement posted on X', `\u201c${Q},\u201d Doe said in a statement posted on X.`, 'JDoeMinistry'],
    ['French "a twitté"', `Jane Doe a twitt\u00e9 : \u00ab ${Q} \u00bb.`, 'JDoeMinistry'],
    ['Spanish "trinó"', `\u00ab${Q}\u00bb, trin\u00f3 Jane Doe.`, 'JDoeMinistry'],
    ['Spanish "en un trino"', `En un trino, Jane Doe asegur\u00f3: \u00ab${Q}\u00bb.`, 'JDoeMinistry'],
    ['Dutch "tweette"', `Van den Berg tweette: \u2018${Q}\u2019`, 'SvdBerg'],
    ['told followers on X', `\u201c${Q},\u201d Doe told her followers on X.`, 'JDoeMinistry'],
    [
      'a post on the X account of',
      `According to a post on the Department of State\u2019s X account, \u201c${Q}.\u201d`,
      'StateDept',
    ],
    ['French, compte X de', `\u00ab ${Q} \u00bb, pouvait-on lire sur le compte X de Jane Doe.`, 'JDoeMinistry'],
    ['Spanish, cuenta de X de', `\u00ab${Q}\u00bb, se le\u00eda en la cuenta de X de Jane Doe.`, 'JDoeMinistry'],
    ['German, X-Account', `\u201e${Q}\u201c, hie\u00df es auf dem X-Account von Jane Doe.`, 'JDoeMinistry'],
    ['Italian, profilo X', `\u00ab${Q}\u00bb, si legge sul profilo X di Jane Doe.`, 'JDoeMinistry'],
    ['Portuguese, conta do X', `\u201c${Q}\u201d, informou Jane Doe na conta oficial do X.`, 'JDoeMinistry'],
    ['Dutch, X-account van', `\u2018${Q}\u2019, stond er op het X-account van Van den Berg.`, 'SvdBerg'],
  ])('%s', (_name, text, handle) => {
    expect(found(text)).toEqual([{ quote: Q, handle, unambiguous: true }]);
  });

  it('takes the name the sentence attributes the post to, not every name nearby', () => {
    const text = `\u201c${Q},\u201d Doe tweeted, hours after the Department of State asked for calm.`;
    expect(found(text)).toEqual([{ quote: Q, handle: 'JDoeMinistry', unambiguous: false }]);
  });

  it('attributes a pronoun to the one account named before it', () => {
    const text = `Jane Doe visited the port on Tuesday. Later she tweeted: \u201c${Q}.\u201d`;
    expect(found(text)).toEqual([{ quote: Q, handle: 'JDoeMinistry', unambiguous: true }]);
  });

  it('keeps a quotation whose sentence names no one and has no pronoun, but as ambiguous', () => {
    const text = `Jane Doe visited the port on Tuesday.\nThe tweet read: \u201c${Q}.\u201d`;
    expect(found(text)).toEqual([{ quote: Q, handle: 'JDoeMinistry', unambiguous: false }]);
  });

  it('leaves a quotation to an @handle that is not watched', () => {
    expect(found(`\u201c${Q},\u201d @DockUnionLocal tweeted, quoting Jane Doe.`)).toEqual([]);
  });

  it.each([
    ['a senator posting the words', `\u201c${Q},\u201d tweeted Senator Mark Ellison, echoing the Department of State.`],
    ['a titled person writing to the account', `Senator Paul Hardy wrote on X to Jane Doe: \u201c${Q}.\u201d`],
    ['a German title', `\u201e${Q}\u201c, schrieb die Abgeordnete Petra Lange auf X, wie zuvor Jane Doe.`],
    ['an Italian title in lower case', `\u00ab${Q}\u00bb, ha twittato il senatore Marco Bellini, come Jane Doe.`],
  ])('leaves a quotation to a titled person who is not watched: %s', (_name, text) => {
    expect(found(text)).toEqual([]);
  });

  it.each([
    ['the watched holder with a title', `\u201c${Q},\u201d Minister Jane Doe wrote on X.`, 'JDoeMinistry'],
    ['a Dutch title before a watched surname', `\u2018${Q}\u2019, schreef wethouder Van den Berg op X.`, 'SvdBerg'],
  ])('attributes a quotation with a titled name nearby: %s', (_name, text, handle) => {
    expect(found(text)).toEqual([{ quote: Q, handle, unambiguous: true }]);
  });

  it('attributes a quotation to the watched name nearer the cue than a titled one, as not the only name', () => {
    expect(found(`\u201c${Q},\u201d Doe wrote on X, after Mayor Tom Reyes asked for calm.`)).toEqual([
      { quote: Q, handle: 'JDoeMinistry', unambiguous: false },
    ]);
  });

  it('reads the day the sentence says the post was made, outside the quotation', () => {
    const day = (text: string) => findProseQuotes(text, HOLDERS).map((q) => q.postedDay);
    expect(day(`On Monday, Doe wrote on X: \u201c${Q}.\u201d`)).toEqual([{ weekday: 1 }]);
    expect(day(`Doe wrote on X: \u201c${Q} on Monday.\u201d`)).toEqual([undefined]);
    expect(day(`Gestern schrieb Doe auf X: \u201e${Q}.\u201c`)).toEqual([{ daysBefore: 1 }]);
  });

  it('does not split a sentence at an abbreviated title', () => {
    expect(found(`\u201c${Q},\u201d tweeted U.S. Sen. Jane Doe.`)).toEqual([
      { quote: Q, handle: 'JDoeMinistry', unambiguous: true },
    ]);
  });
});

describe('findProseQuotes: not a post', () => {
  it.each([
    ['told reporters', `\u201c${Q},\u201d Doe told reporters.`],
    ['at a briefing', `Doe said at a briefing: \u201c${Q}.\u201d`],
    ['in a statement', `\u201c${Q},\u201d the Department of State said in a statement.`],
    ['on television', `Speaking to Fox Business, Doe said \u201c${Q}.\u201d`],
    ['said alone', `\u201c${Q},\u201d Doe said.`],
    ['French press', `\u00ab ${Q} \u00bb, a d\u00e9clar\u00e9 Jane Doe \u00e0 la presse.`],
    ['Spanish press conference', `En rueda de prensa, Jane Doe asegur\u00f3: \u00ab${Q}\u00bb.`],
    ['German interview', `\u201e${Q}\u201c, sagte Doe im Interview mit dem Radio.`],
    ['Dutch reporters', `\u2018${Q}\u2019, zei Doe tegen verslaggevers.`],
    ['organisation last word', `\u201c${Q},\u201d the Secretary of State tweeted.`],
    ['a bystander', `\u201c${Q},\u201d a dock worker posted on X.`],
    ['one word', `\u201cNo,\u201d Doe tweeted.`],
    [
      'X account named, words told to reporters',
      `Doe, whose X account has 40,000 followers, told reporters: \u201c${Q}.\u201d`,
    ],
    [
      'posting verb in a clause about the speaker',
      `Doe, who tweeted about the crash on Monday, said on Tuesday: \u201c${Q}.\u201d`,
    ],
    [
      'post on X in a clause after the speaker',
      `\u201c${Q},\u201d said Doe, whose post on X about the crash drew replies.`,
    ],
    [
      'French, qui avait tweeté',
      `Jane Doe, qui avait tweet\u00e9 lundi, a r\u00e9pondu aux s\u00e9nateurs : \u00ab ${Q} \u00bb.`,
    ],
    [
      'Spanish, quien había tuiteado',
      `\u00ab${Q}\u00bb, asegur\u00f3 Jane Doe, quien hab\u00eda tuiteado por la ma\u00f1ana.`,
    ],
    ['German, im Landtag', `\u201e${Q}\u201c, sagte Doe im Landtag, nachdem sie auf X Kritik ge\u00fcbt hatte.`],
    [
      'a later post announced after an interview',
      `\u201c${Q},\u201d Doe said in a radio interview, adding that she would post on X later.`,
    ],
    ['briefing streamed on X', `Speaking at a briefing streamed live on X, Doe said \u201c${Q}.\u201d`],
    ['speech broadcast on X', `\u201c${Q},\u201d Doe said in a speech broadcast on X.`],
    [
      'French, diffusé sur X',
      `\u00ab ${Q} \u00bb, a dit Jane Doe lors d\u2019un point presse diffus\u00e9 en direct sur X.`,
    ],
    [
      'Spanish, retransmitida en X',
      `En una comparecencia retransmitida en X, Jane Doe repiti\u00f3 que \u00ab${Q}\u00bb.`,
    ],
    [
      'German, live auf X übertragen',
      `\u201e${Q}\u201c, sagte Doe bei einer Pressekonferenz, die live auf X \u00fcbertragen wurde.`,
    ],
    ['Portuguese, transmitida no X', `\u201c${Q}\u201d, disse Jane Doe em coletiva transmitida ao vivo no X.`],
    ['Italian, trasmessa su X', `\u00ab${Q}\u00bb, ha detto Jane Doe in una conferenza trasmessa in diretta su X.`],
    ['Dutch, op X uitgezonden', `\u2018${Q}\u2019, zei Van den Berg in een toespraak die live op X werd uitgezonden.`],
  ])('%s', (_name, text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('holder names', () => {
  it.each([
    ['Jane Doe - Ministry of Ports', ['Jane Doe - Ministry of Ports', 'Jane Doe', 'Ministry of Ports']],
    ['\u{1F692} River County Fire | Rescue', ['\u{1F692} River County Fire | Rescue', 'River County Fire', 'Rescue']],
    ['Ana Souza \u2022 Ministra', ['Ana Souza \u2022 Ministra', 'Ana Souza', 'Ministra']],
  ])('splits %s', (name, parts) => {
    expect(nameParts(name)).toEqual(parts);
  });

  it.each([
    [{ handle: 'StateDept', displayName: 'Department of State' }, ['department of state', 'statedept']],
    [{ handle: 'HarborPolice', displayName: 'Harbor Police' }, ['harbor police', 'harborpolice']],
    [
      { handle: 'JDoe', displayName: 'Jane Doe - Ministry of Ports' },
      ['jane doe ministry of ports', 'ministry of ports', 'jane doe', 'jdoe', 'doe'],
    ],
    [
      { handle: 'SvdBerg', displayName: 'Sanne van den Berg | Wethouder Verkeer' },
      ['sanne van den berg wethouder verkeer', 'sanne van den berg', 'wethouder verkeer', 'van den berg', 'svdberg'],
    ],
  ])('names of %o: no organisation or title word alone', (holder, names) => {
    expect(holderNames(holder)).toEqual(names);
  });

  it('keeps posting and speaking cues and titles for every supported language', () => {
    for (const lang of ATTRIBUTION_LANGUAGES) {
      expect(ATTRIBUTION_LEXICON[lang].posting.length, lang).toBeGreaterThan(0);
      expect(ATTRIBUTION_LEXICON[lang].speaking.length, lang).toBeGreaterThan(0);
      expect(ATTRIBUTION_LEXICON[lang].titles.length, lang).toBeGreaterThan(0);
    }
  });
});
