// Item HTML as the text readers see, with its links and images: block
// breaks, white space, broken markup, double-escaped entities, relative URLs.
import { describe, expect, it } from 'vitest';
import { absoluteHttpUrl, decodeLeftoverEntities, htmlToText } from '../../../src/core/feed-html.js';

const BASE = 'https://coast.nordvale.example/press/feed.xml';

describe('htmlToText', () => {
  it.each([
    ['<p>One</p><p>Two</p>', 'One\n\nTwo'],
    ['Line one<br>Line two<br/><br />Line four', 'Line one\nLine two\n\nLine four'],
    ['<p>  Spaces\n\tcollapse   here </p>', 'Spaces collapse here'],
    ['<ul><li>First</li><li>Second</li></ul><p>After</p>', 'First\nSecond\n\nAfter'],
    ['<h2>Title</h2>Body <b>bold</b> and <i>italic</i>.', 'Title\n\nBody bold and italic.'],
    ['<pre>  kept\n    as is</pre>', 'kept\n    as is'],
    ['<p>Unclosed <b>bold<p>next', 'Unclosed bold\n\nnext'],
    ['Rates < 5% & rising', 'Rates < 5% & rising'],
    ['<script>alert(1)</script><style>p{}</style>Visible<!-- hidden -->', 'Visible'],
    ['Caf&eacute; &mdash; &#8220;quoted&#x201D;', 'Café — “quoted”'],
    ['Fish &amp;amp; chips &amp;#8217;s', 'Fish & chips ’s'], // escaped twice
    ['<div><div><p>Deep</p></div></div><div>Next</div>', 'Deep\n\nNext'],
    ['', ''],
  ])('%j', (html, text) => {
    expect(htmlToText(html, BASE).text).toBe(text);
  });

  it('collects absolute http(s) links once each, and images with their alt text', () => {
    const html =
      '<p>See <a href="../notices/7.html">the notice</a>, <a href="https://gov.example/a?b=1#c">this</a>,' +
      ' <a href="mailto:press@nordvale.example">mail</a>, <a href="javascript:void(0)">js</a>,' +
      ' <a href="../notices/7.html">again</a>, <a>no href</a>.</p>' +
      '<img src="/media/map.png" alt=" Map of the harbour " width="640" height="x">' +
      '<img src="data:image/png;base64,AAAA"><img src="/media/map.png" alt="dup">';
    expect(htmlToText(html, BASE)).toEqual({
      text: 'See the notice, this, mail, js, again, no href.',
      links: ['https://coast.nordvale.example/notices/7.html', 'https://gov.example/a?b=1#c'],
      images: [
        { url: 'https://coast.nordvale.example/media/map.png', alt: 'Map of the harbour', width: 640, height: null },
      ],
    });
  });

  it('survives markup nested far deeper than the stack would allow a recursive walk', () => {
    const html = `${'<span>'.repeat(50_000)}deep${'</span>'.repeat(50_000)}`;
    expect(htmlToText(html, BASE).text).toBe('deep');
  });
});

describe('helpers', () => {
  it.each([
    ['/a', 'https://coast.nordvale.example/a'],
    ['b.html', 'https://coast.nordvale.example/press/b.html'],
    ['//cdn.example/x.jpg', 'https://cdn.example/x.jpg'],
    ['  https://x.example/  ', 'https://x.example/'],
    ['ftp://x.example/', null],
    ['http://[bad', null],
    ['', null],
  ])('absoluteHttpUrl(%j)', (raw, expected) => {
    expect(absoluteHttpUrl(raw, BASE)).toBe(expected);
  });

  it('decodes entities left after one reading, and leaves other text alone', () => {
    expect(decodeLeftoverEntities('A &amp; B')).toBe('A & B');
    expect(decodeLeftoverEntities('AT&T & co')).toBe('AT&T & co');
  });
});
