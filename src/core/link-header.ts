// An HTTP `Link` header (RFC 8288) read into its targets by relation type:
// `<https://a/x?max_id=1>; rel="next", <https://a/x?min_id=9>; rel="prev"`.
// Tolerant: unquoted or multi-valued rel, extra parameters, commas inside the
// URL brackets; a malformed entry is skipped, never thrown. Pure.

/** rel → target URL (the first entry of each rel wins). */
export function parseLinkHeader(header: string | null | undefined): Map<string, string> {
  const links = new Map<string, string>();
  if (!header) return links;
  const entry = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const m of header.matchAll(entry)) {
    const target = m[1]!.trim();
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2]!);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    for (const r of rels) if (!links.has(r)) links.set(r, target);
  }
  return links;
}
