import { describe, expect, it } from 'vitest';
import { postedDayIn, postedDayWindow } from '../../../src/core/posted-day.js';
import { normalizeText } from '../../../src/core/text-normalize.js';

const folded = (sentence: string) => ` ${normalizeText(sentence)} `;

describe('postedDayIn', () => {
  it.each([
    ['On Monday, the command wrote on X:', { weekday: 1 }],
    ['Am Montagabend schrieb das Lagezentrum auf X:', { weekday: 1 }],
    ['Na segunda-feira, a Defesa Civil escreveu no X:', { weekday: 1 }],
    ['Mercoledì la Protezione Civile ha scritto su X', { weekday: 3 }],
    ['La préfecture a écrit hier soir sur X', { daysBefore: 1 }],
    ['Gestern schrieb das Amt auf X', { daysBefore: 1 }],
    ['Het waterschap schreef vandaag op X', { daysBefore: 0 }],
    ['Heute morgen schrieb das Amt heute auf X', { daysBefore: 0 }],
  ])('%s', (sentence, day) => {
    expect(postedDayIn(folded(sentence))).toEqual(day);
  });

  it.each([
    ['no day', 'The command wrote on X:'],
    ['two days', 'On Monday and again on Thursday the command wrote on X:'],
    ['German "hier" is "here"', 'Das Amt schrieb hier auf X'],
    ['Portuguese "segunda" alone is "second"', 'Em uma segunda publicação no X, a Defesa Civil escreveu'],
  ])('%s: none', (_name, sentence) => {
    expect(postedDayIn(folded(sentence))).toBeUndefined();
  });
});

describe('postedDayWindow', () => {
  const friday = new Date('2024-10-11T18:00:00Z');
  it('counts a weekday back to the one on or before the article, with half a day of slack', () => {
    expect(postedDayWindow({ weekday: 1 }, friday)).toEqual({
      from: new Date('2024-10-06T12:00:00Z'),
      to: new Date('2024-10-08T12:00:00Z'),
    });
    expect(postedDayWindow({ weekday: 5 }, friday).from).toEqual(new Date('2024-10-10T12:00:00Z'));
    expect(postedDayWindow({ weekday: 6 }, friday).from).toEqual(new Date('2024-10-04T12:00:00Z'));
  });
  it('counts days back', () => {
    expect(postedDayWindow({ daysBefore: 1 }, friday)).toEqual({
      from: new Date('2024-10-09T12:00:00Z'),
      to: new Date('2024-10-11T12:00:00Z'),
    });
  });
});
