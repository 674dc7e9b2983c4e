// How articles cite Bluesky posts: the embed markup bsky.app hands out
// (`blockquote.bluesky-embed` with `data-bluesky-uri`, the post's text, and a
// signature `— Name (@handle) date` whose links are bsky.app permalinks), its
// plain-text form when a page lost the markup, and bsky.app post permalinks
// in anchors or in the text. A permalink may name the account by handle: the
// cited ID is then `at://<handle>/…`, which linking resolves to the DID.
// Pure.
import {
  clip,
  textFingerprint,
  type ArticleContent,
  type CandidateReference,
  type CitationDetector,
  type EmbedMarkup,
} from './article-detect.js';
import { bskyPlatform, formatBskyUri, parseBskyRecordRef, type BskyRecordRef } from './bsky-platform.js';
import { splitNamePrefix, textForms, unitsBefore } from './embed-text-forms.js';
import { parsePrintedDate, PRINTED_DATE_SOURCE } from './printed-date.js';
import { wordCount } from './text-normalize.js';

const BSKY = bskyPlatform.name;
/** `(@handle) date`: a handle is a domain name (at least one dot), which no X handle is. */
const SIGNATURE = new RegExp(
  String.raw`\(@((?:[A-Za-z0-9-]{1,63}\.){1,10}[A-Za-z][A-Za-z0-9-]{0,62})\)[ \t]*(${PRINTED_DATE_SOURCE})`,
  'gu',
);
/** What the embed code writes in place of a post's images or link card. */
const MEDIA_MARKER = /\s*\[image or embed\]\s*$/i;
const APP_POST_URL_IN_TEXT =
  /(?:https?:\/\/)?(?:www\.)?bsky\.app\/profile\/[^\s/<>"'()]{1,253}\/post\/[A-Za-z0-9._:~-]{1,512}/gi;
/** Signatures read per article, as for X's. */
const MAX_SIGNATURES = 200;

export function createBskyCitationDetector(): CitationDetector {
  return { platform: BSKY, detect: detectBskyCitations };
}

/** Candidates in the order of their strength: markup, plain-text embeds, links, URLs in the text. */
function detectBskyCitations(content: ArticleContent): CandidateReference[] {
  return [
    ...content.embeds.flatMap((e) => fromMarkup(e) ?? []),
    ...findBskyTextEmbeds(content.text),
    ...(content.pageText ? findBskyTextEmbeds(content.pageText) : []),
    ...content.links.flatMap((l) => linkCandidate(l.href, l.text, 'link') ?? []),
    ...urlsInText(content.text).flatMap((url) => linkCandidate(url, url, 'url-in-text') ?? []),
  ];
}

/** Permalinks in running text, without the sentence's punctuation after them. */
function urlsInText(text: string): string[] {
  return [...text.matchAll(APP_POST_URL_IN_TEXT)].map((m) => m[0].replace(/[.,:;]+$/, ''));
}

interface Signature {
  name: string;
  handle: string;
  date: string;
}

/** Parses an attribution such as `— Name (@agency.example.gov) March 4, 2026 at 3:20 PM`. */
export function parseBskySignature(line: string): Signature | undefined {
  SIGNATURE.lastIndex = 0;
  const m = SIGNATURE.exec(line);
  const date = m ? parsePrintedDate(m[2]!) : undefined;
  if (!m || !date) return undefined;
  const before = line.slice(0, m.index);
  return { name: splitNamePrefix(before)?.name ?? before.trim(), handle: m[1]!.toLowerCase(), date };
}

/** A post's record reference from a bsky.app permalink or AT URI; undefined for anything else (a profile, a repost). */
function postRef(text: string): BskyRecordRef | undefined {
  const withScheme = /^(?:https?|at):\/\//i.test(text) ? text : `https://${text}`;
  const ref = parseBskyRecordRef(withScheme);
  return ref?.collection === 'app.bsky.feed.post' ? ref : undefined;
}

function embedRef(embed: EmbedMarkup): { ref: BskyRecordRef; url?: string } | undefined {
  const fromData = embed.data?.['bluesky-uri'] ? postRef(embed.data['bluesky-uri']) : undefined;
  // The date link in the signature, else the media link in the text: both are the post's permalink.
  const url = [...(embed.links ?? [])].reverse().find((href) => postRef(href));
  const ref = fromData ?? (url ? postRef(url) : undefined);
  return ref ? { ref, ...(url ? { url } : {}) } : undefined;
}

function fromMarkup(embed: EmbedMarkup): CandidateReference | undefined {
  if (!/(?:^|\s)bluesky-embed(?:\s|$)/.test(embed.className ?? '')) return undefined;
  const found = embedRef(embed);
  const sig = parseBskySignature(embed.attribution.replace(/\s+/g, ' '));
  const text = embed.text.replace(MEDIA_MARKER, '').trim();
  if (!found && !(sig && text)) return undefined;
  const uri = found ? formatBskyUri(found.ref) : undefined;
  const handle = sig?.handle ?? (found && !found.ref.actor.startsWith('did:') ? found.ref.actor : undefined);
  return {
    kind: 'embed',
    platform: BSKY,
    fingerprint: uri ? `${BSKY}:id:${uri}` : textFingerprint(BSKY, 'text', handle, sig?.date, text),
    ...(uri ? { citedId: uri } : {}),
    ...(handle ? { handle } : {}),
    ...(sig?.name ? { name: sig.name } : {}),
    ...(sig ? { date: sig.date } : {}),
    ...(text ? { text } : {}),
    evidence: {
      form: 'embed-markup',
      excerpt: clip(`${text} ${embed.attribution}`),
      ...(found?.url ? { url: found.url } : uri ? { url: bskyPlatform.postUrl(handle, uri) } : {}),
      ...(sig ? { signature: clip(embed.attribution, 200) } : {}),
    },
  };
}

/** Plain-text embeds: a post's text followed by its signature line (the markup gone). */
export function findBskyTextEmbeds(body: string): CandidateReference[] {
  const found: CandidateReference[] = [];
  const paragraphs = /\n[ \t]*\n/.test(body);
  for (const m of body.matchAll(SIGNATURE)) {
    if (found.length >= MAX_SIGNATURES) break;
    const lineStart = body.lastIndexOf('\n', m.index) + 1;
    const linePrefix = body.slice(lineStart, m.index);
    const split = splitNamePrefix(linePrefix);
    if (!split && linePrefix.length > 80) continue;
    const name = split?.name ?? linePrefix.trim();
    const date = parsePrintedDate(m[2]!);
    if (!date || name.length > 80) continue;
    const units = unitsBefore(body, lineStart, split?.before ?? '', paragraphs)
      .map((u) => u.replace(MEDIA_MARKER, '').trim())
      .filter(Boolean);
    const { text, variants } = textForms(units);
    if (wordCount(text) === 0) continue;
    const handle = m[1]!.toLowerCase();
    found.push({
      kind: 'embed',
      platform: BSKY,
      fingerprint: textFingerprint(BSKY, 'text', handle, date, text),
      handle,
      ...(name ? { name } : {}),
      date,
      text,
      ...(variants.length ? { textVariants: variants } : {}),
      evidence: {
        form: 'embed-text',
        excerpt: clip(`${text} ${linePrefix.slice(split ? split.before.length : 0)}${m[0]}`),
        signature: clip(`${name} ${m[0]}`, 200),
      },
    });
  }
  return found;
}

function linkCandidate(url: string, anchor: string, form: 'link' | 'url-in-text'): CandidateReference | undefined {
  const ref = postRef(url);
  if (!ref) return undefined;
  const uri = formatBskyUri(ref);
  return {
    kind: 'link',
    platform: BSKY,
    fingerprint: `${BSKY}:id:${uri}`,
    citedId: uri,
    ...(ref.actor.startsWith('did:') ? {} : { handle: ref.actor }),
    evidence: { form, excerpt: clip(anchor || url, 200), url },
  };
}
