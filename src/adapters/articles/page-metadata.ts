// Publication metadata that news pages declare: meta tags (Open Graph
// article:published_time and the older names) and JSON-LD (NewsArticle and
// kin, possibly inside @graph or arrays). Malformed JSON-LD is skipped.

const PUBLISHED_META = [
  'meta[property="article:published_time"]',
  'meta[name="article:published_time"]',
  'meta[itemprop="datePublished"]',
  'meta[name="pubdate"]',
  'meta[name="publishdate"]',
  'meta[name="publish-date"]',
  'meta[name="parsely-pub-date"]',
  'meta[name="sailthru.date"]',
  'meta[name="dc.date.issued"]',
  'meta[name="DC.date.issued"]',
  'meta[name="dcterms.created"]',
  'meta[name="date"]',
  'meta[property="og:published_time"]',
];
const ARTICLE_TYPES = new Set([
  'NewsArticle',
  'Article',
  'ReportageNewsArticle',
  'AnalysisNewsArticle',
  'BlogPosting',
  'Report',
]);

export function metaPublishedAt(doc: Document): Date | undefined {
  for (const selector of PUBLISHED_META) {
    const t = parseTime(doc.querySelector(selector)?.getAttribute('content') ?? undefined);
    if (t) return t;
  }
  const time = doc.querySelector('article time[datetime], time[pubdate][datetime]')?.getAttribute('datetime');
  return parseTime(time ?? undefined);
}

interface LdArticle {
  datePublished?: Date;
  headline?: string;
  url?: string;
}

function* ldNodes(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* ldNodes(v);
  else if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    yield node;
    if (node['@graph']) yield* ldNodes(node['@graph']);
  }
}

function isArticle(node: Record<string, unknown>): boolean {
  const type = node['@type'];
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => typeof t === 'string' && ARTICLE_TYPES.has(t));
}

/** The first article described in the page's JSON-LD. */
export function jsonLdArticle(doc: Document): LdArticle {
  for (const script of doc.querySelectorAll('script[type="application/ld+json"]')) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    for (const node of ldNodes(data)) {
      if (!isArticle(node)) continue;
      const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
      const datePublished = parseTime(str(node.datePublished));
      const headline = str(node.headline);
      const url = str(node.url) ?? str((node.mainEntityOfPage as { '@id'?: unknown } | undefined)?.['@id']);
      return {
        ...(datePublished ? { datePublished } : {}),
        ...(headline ? { headline } : {}),
        ...(url ? { url } : {}),
      };
    }
  }
  return {};
}

export function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.trim());
  return Number.isNaN(t) ? undefined : new Date(t);
}
