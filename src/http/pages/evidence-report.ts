// The human-readable page of an evidence bundle (report.html): in plain words,
// what was captured of the post and when, and how to check the bundle. It is
// written from the manifest alone and prints on paper.
import type { BundleManifest } from '../../core/evidence-bundle.js';
import { html } from './html.js';

const KIND_WORDS: Record<string, string> = {
  capture: 'Raw response from the platform',
  version: 'Version of the post',
  observation: 'Status observation',
  article_snapshot: 'Copy of an article that cites the post',
  media: 'Media file',
};

/** Images are shown beside their row (the report opens from the unpacked bundle). */
const IMAGE_FILE = /^media\/\d+\.(jpg|png|gif|webp|avif)$/;

const STYLE = `img{max-width:16rem;max-height:12rem;margin-top:.25rem}
body{font:15px/1.5 Georgia,serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#111}
blockquote{border-left:3px solid #999;margin:1rem 0;padding:.25rem 1rem;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}
code{font-size:12px;word-break:break-all}@media print{body{margin:0}}`;

export function renderEvidenceReport(m: BundleManifest): string {
  const logged = m.items.filter((i) => i.leaf).length;
  const rows = m.items.map(
    (i) =>
      html`<tr>
        <td>${i.at ?? ''}</td>
        <td>
          ${KIND_WORDS[i.kind] ?? i.kind}: ${i.title}
          ${i.kind === 'media' && IMAGE_FILE.test(i.path) ? html`<br /><img src="${i.path}" alt="" />` : ''}
        </td>
        <td><code>${i.path}</code></td>
        <td>${i.leaf ? `entry ${i.leaf.index} of the log` : 'not a log entry (covered by the signed manifest)'}</td>
      </tr>`,
  );
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Evidence: ${m.post.platform}:${m.post.platformId}</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <h1>What onrecord captured of ${m.post.url}</h1>
        <p>
          Posted by ${m.post.account ?? 'an unknown account'} at ${m.post.createdAt} (UTC). Its latest archived text:
        </p>
        <blockquote>${m.post.text}</blockquote>
        <p>
          This bundle was made at ${m.createdAt}. It holds ${m.items.length} files. ${logged} of them are entries of
          onrecord's tamper-evident log: each comes with a proof that it is part of the log as signed in
          <code>checkpoint.txt</code> (a log of ${m.checkpoint.size} entries). The other files are covered by
          <code>manifest.sig</code>, signed with the same key.
        </p>
        <h2>What was captured, and when</h2>
        <table>
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>What</th>
              <th>File</th>
              <th>Proof</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
        <h2>How to check this bundle</h2>
        <p>
          Run <code>onrecord verify THIS-FILE.zip</code> on any computer: it needs neither the archive nor a network. It
          fails if any byte of the bundle was changed. Then make sure that the key below is the one the archive
          publishes (<code>onrecord log key</code>, or the checkpoint served at <code>/api/log/checkpoint</code>): a
          bundle proves only what the holder of that key signed.
        </p>
        <p>Signing key: <code>${m.verifierKey}</code></p>
        <p>
          Signed tree: ${m.checkpoint.origin}, ${m.checkpoint.size} entries, root <code>${m.checkpoint.rootHash}</code>
        </p>
      </body>
    </html> `;
  return page.toString();
}
