import { describe, expect, it } from 'vitest';
import { adfToHtml, adfToText, htmlToAdf, noteToAdf, textToAdf, type AdfDoc } from './adf';
import { truncateSummary } from './summary';

describe('textToAdf / adfToText', () => {
  it('keeps paragraphs, line breaks, links and lists', () => {
    const note = 'Hello,\n\nSee https://example.com/a?b=1.\nSecond line\n\n- one\n- two\n\n1. first\n2. second';
    const doc = textToAdf(note);
    expect(doc.content.map((n) => n.type)).toEqual(['paragraph', 'paragraph', 'bulletList', 'orderedList']);
    expect(doc.content[1]!.content).toEqual([
      { type: 'text', text: 'See ' },
      { type: 'text', text: 'https://example.com/a?b=1', marks: [{ type: 'link', attrs: { href: 'https://example.com/a?b=1' } }] },
      { type: 'text', text: '.' },
      { type: 'hardBreak' },
      { type: 'text', text: 'Second line' },
    ]);
    expect(adfToText(doc)).toBe(note);
  });

  it('turns empty text into an empty document and normalises CRLF', () => {
    expect(textToAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
    expect(adfToText(textToAdf('a\r\nb'))).toBe('a\nb');
  });

  it('renders links whose text differs from the URL, mentions and nested lists', () => {
    const doc: AdfDoc = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'mention', attrs: { id: 'abc', text: '@Alana Grant' } },
            { type: 'text', text: ' see ' },
            { type: 'text', text: 'the deal', marks: [{ type: 'link', attrs: { href: 'https://crm.example.com/d/1' } }] },
          ],
        },
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [
                { type: 'paragraph', content: [{ type: 'text', text: 'parent' }] },
                { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'child' }] }] }] },
              ],
            },
          ],
        },
      ],
    };
    expect(adfToText(doc)).toBe('@Alana Grant see the deal (https://crm.example.com/d/1)\n\n- parent\n  - child');
  });
});

describe('htmlToAdf / adfToHtml', () => {
  it('maps marks, links, breaks and lists, and escapes on the way back', () => {
    const doc = htmlToAdf('<div>Dear <b>Acme</b> &amp; <i>co</i>,<br>see <a href="https://x.example/?a=1&amp;b=2">this</a></div><ul><li>one</li><li>two <code>x</code></li></ul>');
    expect(doc.content[0]).toEqual({
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Dear ' },
        { type: 'text', text: 'Acme', marks: [{ type: 'strong' }] },
        { type: 'text', text: ' & ' },
        { type: 'text', text: 'co', marks: [{ type: 'em' }] },
        { type: 'text', text: ',' },
        { type: 'hardBreak' },
        { type: 'text', text: 'see ' },
        { type: 'text', text: 'this', marks: [{ type: 'link', attrs: { href: 'https://x.example/?a=1&b=2' } }] },
      ],
    });
    expect(adfToHtml(doc)).toBe(
      '<p>Dear <strong>Acme</strong> &amp; <em>co</em>,<br>see <a href="https://x.example/?a=1&amp;b=2">this</a></p><ul><li><p>one</p></li><li><p>two <code>x</code></p></li></ul>',
    );
  });

  it('collapses whitespace like a browser and drops scripts, styles and unsafe links', () => {
    const doc = htmlToAdf('<p>  a \n   b  </p><script>alert(1)</script><style>p{}</style><p><a href="javascript:alert(1)">x</a></p>');
    expect(adfToText(doc)).toBe('a b\n\nx');
    expect(JSON.stringify(doc)).not.toContain('javascript');
  });

  it('keeps headings, quotes, code blocks and ordered list starts', () => {
    const doc = htmlToAdf('<h2>Title</h2><blockquote><p>quoted</p></blockquote><pre>line 1\n  line 2</pre><ol start="3"><li>c</li></ol><hr>');
    expect(doc.content.map((n) => n.type)).toEqual(['heading', 'blockquote', 'codeBlock', 'orderedList', 'rule']);
    expect(adfToHtml(doc)).toBe('<h2>Title</h2><blockquote><p>quoted</p></blockquote><pre><code>line 1\n  line 2</code></pre><ol start="3"><li><p>c</p></li></ol><hr>');
  });

  it('never puts other marks beside code (Jira refuses that)', () => {
    const doc = htmlToAdf('<p><b><code>x</code></b></p>');
    expect(doc.content[0]!.content).toEqual([{ type: 'text', text: 'x', marks: [{ type: 'code' }] }]);
  });

  it('reads a CRM note as HTML or plain text', () => {
    expect(noteToAdf('<p>hi</p>').content[0]!.type).toBe('paragraph');
    expect(adfToText(noteToAdf('a < b and c > d'))).toBe('a < b and c > d');
  });
});

describe('truncateSummary', () => {
  it('leaves short one-line text alone and makes long or multi-line text fit', () => {
    expect(truncateSummary('  Deal: Acme  ')).toBe('Deal: Acme');
    expect(truncateSummary('line one\nline two')).toBe('line one line two');
    const long = 'word '.repeat(80);
    const cut = truncateSummary(long);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/\s…$/);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncateSummary('😀'.repeat(200));
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(/[\uD800-\uDBFF]…$/.test(cut)).toBe(false);
  });
});
