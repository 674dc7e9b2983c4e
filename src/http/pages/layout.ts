// The frame of every page: head, navigation, main content.
import { html, type SafeHtml } from './html.js';

export const NAV = [
  ['/', 'Search'],
  ['/accounts', 'Accounts'],
  ['/actors', 'Actors'],
  ['/alerts', 'Alert rules'],
  ['/api/docs', 'API'],
] as const;

export function page(title: string, body: SafeHtml, options: { head?: SafeHtml; current?: string } = {}): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · onrecord</title>
        <link rel="icon" href="/favicon.ico" sizes="32x32" />
        <link rel="stylesheet" href="/assets/style.css" />
        ${options.head}
      </head>
      <body>
        <header class="site">
          <a class="brand" href="/">onrecord</a>
          <nav aria-label="Main">
            ${NAV.map(
              ([href, label]) =>
                html`<a href="${href}" ${options.current === href ? html` aria-current="page"` : ''}>${label}</a>`,
            )}
          </nav>
        </header>
        <main>${body}</main>
        <footer class="site">An archive of what officials say on the record.</footer>
      </body>
    </html> `.value;
}

export function formatTime(date: Date | string | null | undefined): string {
  if (!date) return '—';
  return new Date(date).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/**
 * A publication time; a date given without a time (stored as 00:00 UTC) is
 * shown as the date alone rather than as a midnight nobody wrote.
 */
export function formatPublished(date: Date | string): string {
  const iso = new Date(date).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : formatTime(iso);
}

export function formatSpan(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const units = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
  ] as const;
  for (const [unit, size] of units) if (ms >= size) return `${Math.round(ms / size)} ${unit}`;
  return `${Math.round(ms / 1000)} s`;
}
