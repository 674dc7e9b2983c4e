import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonScript, markedText, safeUrl } from '../../../src/http/pages/html.js';
import { diffHtml, highlightReferences } from '../../../src/http/pages/record-pages.js';

const HOSTILE = `<script>alert("x")</script>' onmouseover='alert(1)' \`tick\` & done`;

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const out = html`<p title="${HOSTILE}">${HOSTILE}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;alert(1)&#39; &#96;tick&#96; &amp; done">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;alert(1)&#39; &#96;tick&#96; &amp; done</p>',
    );
  });

  it('keeps nested html as markup and escapes arrays item by item', () => {
    const items = ['<a>', html`<b>${'<i>'}</b>`];
    expect(html`<span>${items}</span>`.value).toBe('<span>&lt;a&gt;<b>&lt;i&gt;</b></span>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it.each([
    ['javascript:alert(1)', '#'],
    ['JaVaScRiPt:alert(1)', '#'],
    ['data:text/html,<script>', '#'],
    ['//evil.example/x', '#'],
    ['https://x.com/USFOR_A/status/1', 'https://x.com/USFOR_A/status/1'],
    ['/posts/x/1', '/posts/x/1'],
    ['?q=a', '?q=a'],
    [null, '#'],
  ])('safeUrl(%s) = %s', (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });

  it('marks highlighted spans and escapes everything else', () => {
    expect(markedText('a \u0002<b>\u0003 c \u0002d', '\u0002', '\u0003').value).toBe(
      'a <mark>&lt;b&gt;</mark> c <mark>d</mark>',
    );
  });

  it('writes JSON that cannot close its script element', () => {
    expect(jsonScript({ t: '</script><script>alert(1)</script>&' }).value).toBe(
      '{"t":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026"}',
    );
  });

  it('diffs versions word by word, escaped', () => {
    expect(diffHtml('arrived at <9:00>', 'arrived safely at <10:00>').value).toBe(
      'arrived <ins>safely </ins>at &lt;<del>9</del><ins>10</ins>:00&gt;',
    );
  });

  it('highlights the cited passages of an article, escaped, linked to the post', () => {
    const post = { platform: 'x', id: '7' } as never;
    const out = highlightReferences('Intro <i> "we <won>" outro', [
      { kind: 'quote', confidence: 1, status: 'resolved', witnessedText: 'we <won>', differsFromArchive: false, post },
    ]).value;
    expect(out).toBe(
      'Intro &lt;i&gt; &quot;<a class="reference" href="/posts/x/7"><mark class="reference">we &lt;won&gt;</mark></a>&quot; outro',
    );
  });

  it('escapeHtml leaves plain text alone', () => {
    expect(escapeHtml('plain text 123')).toBe('plain text 123');
  });
});
