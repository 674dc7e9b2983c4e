// The alert rules: who is told about what, and how to add a rule.
import { html } from './html.js';
import { formatTime, page } from './layout.js';
import type { AlertRuleView as RuleView } from '../../core/alert-rule-view.js';
import { actorLinks } from './actor-pages.js';

export function renderAlertsPage(rules: RuleView[], publicUrl: string): string {
  const body = html`<h1>Alert rules</h1>
    ${
      rules.length
        ? html`<table class="data" tabindex="0">
            <thead>
              <tr>
                <th>#</th>
                <th>Channel</th>
                <th>Target</th>
                <th>Accounts / actors</th>
                <th>Keywords / regex</th>
                <th>Events</th>
                <th>Digest</th>
                <th>Deliveries</th>
                <th>Since</th>
              </tr>
            </thead>
            <tbody>
              ${rules.map(
                (r) =>
                  html`<tr class="${r.enabled ? '' : 'disabled'}">
                    <td>${r.id}</td>
                    <td>${r.channel}</td>
                    <td><code>${r.target}</code>${r.hasSecret ? html` <span class="badge">signed</span>` : ''}</td>
                    <td>
                      ${r.accounts.join(', ')}${r.accounts.length && r.actors.length ? '; ' : ''}${actorLinks(r.actors)}
                      ${r.accounts.length || r.actors.length ? '' : html`<span class="muted">every account</span>`}
                    </td>
                    <td>${r.keywords.join(', ')}${r.regex ? html` <code>/${r.regex}/</code>` : ''}</td>
                    <td>${r.events.join(', ')}</td>
                    <td>${r.digest}</td>
                    <td>${deliveryCell(r.deliveries)}</td>
                    <td>${formatTime(r.createdAt)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="empty">No alert rules yet.</p>`
    }
    <h2>Add a rule</h2>
    <p>Rules are added with the token (<code>ONRECORD_API_TOKEN</code>) through the API or the command line:</p>
    <pre
      tabindex="0"
    ><code>curl -X POST ${publicUrl}/api/alerts -H 'Authorization: Bearer …' -H 'Content-Type: application/json' \\
  -d '{"channel":"webhook","target":"https://example.org/hook","accounts":["x:USFOR_A"],"keywords":["airstrike"]}'</code></pre>
    <p>
      Every search and every account also has a feed (Atom, RSS, JSON Feed): a feed reader is an alert channel too.
    </p>`;
  return page('Alert rules', body, { current: '/alerts' });
}

function deliveryCell(d: RuleView['deliveries']) {
  const counts = [
    `${d.delivered} delivered`,
    d.pending ? `${d.pending} pending` : '',
    d.retrying ? `${d.retrying} retrying` : '',
    d.digested ? `${d.digested} in digests` : '',
  ].filter(Boolean);
  return html`${counts.join(', ')}${d.dead ? html` <span class="badge badge-failing">${d.dead} dead</span>` : ''}${
    d.lastError ? html`<div class="muted">last error: ${d.lastError}</div>` : ''
  }`;
}
