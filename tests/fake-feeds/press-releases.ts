// Invented press releases of invented public bodies, shaped like what press
// offices publish: a headline, a dateline paragraph, a quote, a link to a
// related page, sometimes a PDF or a photo. Every name and word is made up.
import type { FakeEnclosure, FakeFeedItem } from './fake-feed-render.js';

export interface PressReleaseOptions {
  /** The agency's site; item links are `/news/<slug>` under it (relative when `relativeLinks`). */
  site?: string;
  /** The newest release's date; each earlier one is a day older. */
  newest?: string;
  relativeLinks?: boolean;
  author?: string;
}

const TOPICS = [
  ['harbour-dredging', 'Harbour dredging to resume in the spring', 'the northern harbour channel'],
  ['ferry-timetable', 'Winter ferry timetable published', 'the island ferry services'],
  ['flood-barrier', 'Flood barrier test completed without incident', 'the estuary flood barrier'],
  ['fishing-quotas', 'Consultation on coastal fishing quotas opens', 'the coastal fishing quotas'],
  ['lighthouse-grants', 'Lighthouse restoration grants awarded', 'four listed lighthouses'],
  ['storm-response', 'Update on the response to Storm Ilse', 'the storm recovery work'],
  ['pier-closure', 'Temporary closure of the east pier', 'the east pier'],
  ['beach-water', 'Bathing water results for the season', 'bathing water quality'],
] as const;

/** `count` releases, newest first, with stable ids (`urn:nordvale:press:<n>`). */
export function pressReleases(count: number, options: PressReleaseOptions = {}): FakeFeedItem[] {
  const site = options.site ?? 'https://coast.nordvale.example';
  const newest = Date.parse(options.newest ?? '2026-03-20T09:30:00Z');
  return Array.from({ length: count }, (_, i) => {
    const n = count - i;
    const [slug, title, subject] = TOPICS[(n - 1) % TOPICS.length]!;
    const path = `/news/${n}-${slug}`;
    return {
      id: `urn:nordvale:press:${n}`,
      title: `${title} (${n})`,
      link: options.relativeLinks ? path : `${site}${path}`,
      html: releaseHtml(n, subject, site),
      summary: `The Ministry of Coastal Affairs gave an update on ${subject}.`,
      publishedAt: new Date(newest - i * 86_400_000).toISOString().replace('.000Z', 'Z'),
      author: options.author ?? 'Ministry of Coastal Affairs, Press Office',
      enclosures: n % 3 === 0 ? [photo(site, n)] : n % 4 === 0 ? [pdf(site, n)] : [],
    };
  });
}

function releaseHtml(n: number, subject: string, site: string): string {
  return [
    `<p><strong>PORT ALDER</strong> &ndash; The Ministry of Coastal Affairs today gave an update on ${subject}.</p>`,
    `<p>&ldquo;We will keep residents informed at every step,&rdquo; said Minister Edda Varn.</p>`,
    `<p>Details are on the <a href="/projects/${n}">project page</a> and in the`,
    ` <a href="${site}/notices/${n}.html">public notice</a>.</p>`,
  ].join('');
}

function photo(site: string, n: number): FakeEnclosure {
  return { url: `${site}/media/release-${n}.jpg`, type: 'image/jpeg', length: 48_211, title: `Photo for release ${n}` };
}

function pdf(site: string, n: number): FakeEnclosure {
  return { url: `${site}/media/release-${n}.pdf`, type: 'application/pdf', length: 120_400 };
}
