// Atlassian Document Format <-> the text CRM notes are written in (plain text or HTML).
// Jira comments and descriptions are ADF; Zoho notes are plain text or HTML. The conversions keep what a
// reader sees: paragraphs, line breaks, links, bullet and ordered lists, headings, quotes, code and the
// bold/italic/underline/strike/code marks. Unknown ADF nodes degrade to their text, never to nothing.
// Reference: https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
import escapeHtml from 'escape-html';
import { parseDocument } from 'htmlparser2';
import { isTag, isText, type ChildNode, type Element } from 'domhandler';
import { z } from 'zod';

export const adfMarkSchema = z.looseObject({
  type: z.string(),
  attrs: z.record(z.string(), z.unknown()).optional(),
});
export type AdfMark = z.infer<typeof adfMarkSchema>;

export const adfNodeSchema = z.looseObject({
  type: z.string(),
  attrs: z.record(z.string(), z.unknown()).optional(),
  text: z.string().optional(),
  marks: z.array(adfMarkSchema).optional(),
  get content() {
    return z.array(adfNodeSchema).optional();
  },
});
export type AdfNode = z.infer<typeof adfNodeSchema>;

export const adfDocSchema = z.looseObject({
  type: z.literal('doc'),
  version: z.literal(1),
  content: z.array(adfNodeSchema),
});
export type AdfDoc = z.infer<typeof adfDocSchema>;

export function isAdfDoc(value: unknown): value is AdfDoc {
  return adfDocSchema.safeParse(value).success;
}

const doc = (content: AdfNode[]): AdfDoc => ({ type: 'doc', version: 1, content });

// ---------------------------------------------------------------------------------------------------
// Plain text -> ADF

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/g;
const BULLET_RE = /^\s*[-*•]\s+(.*)$/;
const ORDERED_RE = /^\s*(\d+)[.)]\s+(.*)$/;

/**
 * Plain text to ADF. Blank lines separate paragraphs, single newlines become hard breaks, URLs become
 * links, and a block whose every line starts with `- `/`* ` (or `1. `) becomes a bullet (ordered) list.
 */
export function textToAdf(text: string): AdfDoc {
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n+/);
  const content: AdfNode[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((l, i, all) => !(l.trim() === '' && (i === 0 || i === all.length - 1)));
    if (lines.length === 0 || lines.every((l) => l.trim() === '')) continue;
    if (lines.every((l) => BULLET_RE.test(l))) {
      content.push({
        type: 'bulletList',
        content: lines.map((l) => listItem(textInline(BULLET_RE.exec(l)![1]!))),
      });
    } else if (lines.every((l) => ORDERED_RE.test(l))) {
      const first = Number(ORDERED_RE.exec(lines[0]!)![1]);
      content.push({
        type: 'orderedList',
        attrs: { order: first },
        content: lines.map((l) => listItem(textInline(ORDERED_RE.exec(l)![2]!))),
      });
    } else {
      const inline: AdfNode[] = [];
      lines.forEach((line, i) => {
        if (i > 0) inline.push({ type: 'hardBreak' });
        inline.push(...textInline(line));
      });
      content.push(paragraph(inline));
    }
  }
  return doc(content);
}

function textInline(line: string, marks: AdfMark[] = []): AdfNode[] {
  const out: AdfNode[] = [];
  let last = 0;
  for (const m of line.matchAll(URL_RE)) {
    const at = m.index;
    if (at > last) out.push(textNode(line.slice(last, at), marks));
    out.push(textNode(m[0], [...marks, { type: 'link', attrs: { href: m[0] } }]));
    last = at + m[0].length;
  }
  if (last < line.length) out.push(textNode(line.slice(last), marks));
  return out.filter((n) => n.text !== '');
}

function textNode(text: string, marks: AdfMark[]): AdfNode {
  return marks.length ? { type: 'text', text, marks: normaliseMarks(marks) } : { type: 'text', text };
}

// ADF lets `code` combine only with `link`; other marks beside it make Jira refuse the document.
function normaliseMarks(marks: AdfMark[]): AdfMark[] {
  const seen = new Map<string, AdfMark>();
  for (const m of marks) seen.set(m.type, m);
  const unique = [...seen.values()];
  return seen.has('code') ? unique.filter((m) => m.type === 'code' || m.type === 'link') : unique;
}

function paragraph(inline: AdfNode[]): AdfNode {
  return inline.length ? { type: 'paragraph', content: inline } : { type: 'paragraph' };
}

function listItem(inline: AdfNode[]): AdfNode {
  return { type: 'listItem', content: [paragraph(inline)] };
}

// ---------------------------------------------------------------------------------------------------
// HTML -> ADF

const BLOCK_TAGS = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'nav', 'address', 'center',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'hr', 'table', 'thead',
  'tbody', 'tfoot', 'tr', 'td', 'th', 'dl', 'dt', 'dd', 'figure', 'figcaption', 'form', 'fieldset',
  'body', 'html',
]);
const SKIP_TAGS = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'meta', 'link']);
const MARK_TAGS: Record<string, AdfMark> = {
  b: { type: 'strong' },
  strong: { type: 'strong' },
  i: { type: 'em' },
  em: { type: 'em' },
  cite: { type: 'em' },
  u: { type: 'underline' },
  ins: { type: 'underline' },
  s: { type: 'strike' },
  strike: { type: 'strike' },
  del: { type: 'strike' },
  code: { type: 'code' },
  tt: { type: 'code' },
  kbd: { type: 'code' },
};

/** HTML (a CRM note, an e-mail body) to ADF, parsed with htmlparser2; whitespace collapses as in a browser. */
export function htmlToAdf(html: string): AdfDoc {
  const dom = parseDocument(html, { decodeEntities: true, lowerCaseTags: true });
  return doc(blocksOf(dom.children));
}

/** Collects block nodes; runs of inline content between blocks become paragraphs. */
function blocksOf(nodes: ChildNode[]): AdfNode[] {
  const blocks: AdfNode[] = [];
  let inline: AdfNode[] = [];
  const flush = () => {
    const trimmed = trimInline(inline);
    if (trimmed.length) blocks.push(paragraph(trimmed));
    inline = [];
  };
  for (const node of nodes) {
    if (isTag(node) && BLOCK_TAGS.has(node.name)) {
      flush();
      blocks.push(...blockOf(node));
    } else {
      inline.push(...inlineOf(node, []));
    }
  }
  flush();
  return blocks;
}

function blockOf(el: Element): AdfNode[] {
  switch (el.name) {
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6': {
      const inline = trimInline(inlineChildren(el, []));
      return inline.length ? [{ type: 'heading', attrs: { level: Number(el.name[1]) }, content: inline }] : [];
    }
    case 'ul':
    case 'ol': {
      const items = el.children.filter((c): c is Element => isTag(c)).flatMap((c) => listItemsOf(c));
      if (!items.length) return [];
      if (el.name === 'ul') return [{ type: 'bulletList', content: items }];
      const start = Number(el.attribs.start ?? '1');
      return [{ type: 'orderedList', attrs: { order: Number.isFinite(start) && start > 0 ? start : 1 }, content: items }];
    }
    case 'li':
      // A stray <li> outside a list: keep its text as a paragraph.
      return blocksOf(el.children);
    case 'blockquote': {
      const inner = blocksOf(el.children).filter((b) => b.type === 'paragraph' || b.type.endsWith('List'));
      return inner.length ? [{ type: 'blockquote', content: inner }] : [];
    }
    case 'pre': {
      const text = textContent(el).replace(/\n$/, '');
      return text ? [{ type: 'codeBlock', content: [{ type: 'text', text }] }] : [];
    }
    case 'hr':
      return [{ type: 'rule' }];
    default:
      return blocksOf(el.children);
  }
}

function listItemsOf(el: Element): AdfNode[] {
  if (el.name !== 'li') {
    // Lists nested straight inside lists (invalid but common): attach as their own items.
    return blockOf(el).flatMap((b) => (b.type.endsWith('List') ? (b.content ?? []) : [{ type: 'listItem', content: [b] }]));
  }
  const inner = blocksOf(el.children).flatMap((b) => (b.type === 'heading' ? [paragraph(b.content ?? [])] : [b]));
  const allowed = inner.filter((b) => ['paragraph', 'bulletList', 'orderedList', 'codeBlock'].includes(b.type));
  // ADF wants a listItem to open with a paragraph.
  if (allowed[0]?.type !== 'paragraph') allowed.unshift({ type: 'paragraph' });
  return [{ type: 'listItem', content: allowed }];
}

function inlineChildren(el: Element, marks: AdfMark[]): AdfNode[] {
  return el.children.flatMap((c) => inlineOf(c, marks));
}

function inlineOf(node: ChildNode, marks: AdfMark[]): AdfNode[] {
  if (isText(node)) {
    const text = node.data.replace(/[ \t\r\n\f]+/g, ' ');
    return text ? [textNode(text, marks)] : [];
  }
  if (!isTag(node) || SKIP_TAGS.has(node.name)) return [];
  if (node.name === 'br') return [{ type: 'hardBreak' }];
  if (node.name === 'img') {
    const alt = node.attribs.alt ?? '';
    return alt ? [textNode(alt, marks)] : [];
  }
  if (node.name === 'a') {
    const href = node.attribs.href;
    const linkMarks = href && /^(https?:|mailto:|tel:)/i.test(href) ? [...marks, { type: 'link', attrs: { href } }] : marks;
    return inlineChildren(node, linkMarks);
  }
  const mark = MARK_TAGS[node.name];
  if (BLOCK_TAGS.has(node.name)) {
    // A block inside inline context (e.g. <span><div>..</div></span>): keep the line break it implies.
    return [{ type: 'hardBreak' }, ...inlineChildren(node, marks), { type: 'hardBreak' }];
  }
  return inlineChildren(node, mark ? [...marks, mark] : marks);
}

/** Drops leading/trailing spaces and breaks and merges adjacent text with equal marks, as rendering would. */
function trimInline(nodes: AdfNode[]): AdfNode[] {
  const merged: AdfNode[] = [];
  for (const n of nodes) {
    const prev = merged[merged.length - 1];
    if (n.type === 'text' && prev?.type === 'text' && sameMarks(prev.marks, n.marks)) {
      merged[merged.length - 1] = { ...prev, text: (prev.text ?? '') + (n.text ?? '') };
    } else {
      merged.push({ ...n });
    }
  }
  // Collapse a space that follows a space or a break (HTML whitespace rules).
  for (let i = 0; i < merged.length; i++) {
    const n = merged[i]!;
    if (n.type !== 'text') continue;
    const prev = merged[i - 1];
    if (i === 0 || prev?.type === 'hardBreak' || (prev?.type === 'text' && prev.text?.endsWith(' '))) {
      n.text = n.text!.replace(/^ +/, '');
    }
    const next = merged[i + 1];
    if (i === merged.length - 1 || next?.type === 'hardBreak') n.text = n.text!.replace(/ +$/, '');
  }
  const kept = merged.filter((n) => n.type !== 'text' || n.text !== '');
  while (kept[0]?.type === 'hardBreak') kept.shift();
  while (kept[kept.length - 1]?.type === 'hardBreak') kept.pop();
  return kept;
}

function sameMarks(a: AdfMark[] | undefined, b: AdfMark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

function textContent(node: ChildNode): string {
  if (isText(node)) return node.data;
  if (isTag(node)) return node.name === 'br' ? '\n' : node.children.map(textContent).join('');
  return '';
}

// ---------------------------------------------------------------------------------------------------
// ADF -> plain text

/** ADF to plain text in the same conventions `textToAdf` reads, so text -> ADF -> text is stable. */
export function adfToText(value: AdfDoc | AdfNode): string {
  const blocks = value.type === 'doc' ? (value.content ?? []) : [value];
  return blocks.map((b) => blockText(b, '')).filter((s) => s !== '').join('\n\n');
}

function blockText(node: AdfNode, indent: string): string {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
      return inlineText(node.content ?? []);
    case 'bulletList':
      return (node.content ?? []).map((li) => listItemText(li, `${indent}- `, indent)).join('\n');
    case 'orderedList': {
      const start = Number(node.attrs?.order ?? 1) || 1;
      return (node.content ?? []).map((li, i) => listItemText(li, `${indent}${start + i}. `, indent)).join('\n');
    }
    case 'blockquote':
      return (node.content ?? []).map((b) => blockText(b, indent).replace(/^/gm, '> ')).join('\n>\n');
    case 'codeBlock':
      return (node.content ?? []).map((t) => t.text ?? '').join('');
    case 'rule':
      return '---';
    case 'mediaSingle':
    case 'mediaGroup':
      return '';
    default:
      return node.content ? node.content.map((c) => (isInline(c) ? inlineText([c]) : blockText(c, indent))).join('\n') : inlineText([node]);
  }
}

function listItemText(li: AdfNode, bullet: string, indent: string): string {
  const parts = (li.content ?? []).map((b, i) =>
    b.type === 'bulletList' || b.type === 'orderedList'
      ? blockText(b, indent + '  ')
      : (i === 0 ? bullet : ' '.repeat(bullet.length)) + blockText(b, indent),
  );
  return parts.join('\n');
}

function isInline(n: AdfNode): boolean {
  return ['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status'].includes(n.type);
}

function inlineText(nodes: AdfNode[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text': {
          const href = linkHref(n);
          const text = n.text ?? '';
          return href && href !== text && `mailto:${text}` !== href ? `${text} (${href})` : text;
        }
        case 'hardBreak':
          return '\n';
        case 'mention':
          return attr(n, 'text') ?? `@${attr(n, 'id') ?? 'someone'}`;
        case 'emoji':
          return attr(n, 'text') ?? attr(n, 'shortName') ?? '';
        case 'inlineCard':
          return attr(n, 'url') ?? '';
        case 'date': {
          const ts = Number(n.attrs?.timestamp);
          return Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '';
        }
        case 'status':
          return attr(n, 'text') ?? '';
        default:
          return n.content ? inlineText(n.content) : (n.text ?? '');
      }
    })
    .join('');
}

function attr(n: AdfNode, name: string): string | undefined {
  const v = n.attrs?.[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function linkHref(n: AdfNode): string | undefined {
  const link = n.marks?.find((m) => m.type === 'link');
  const href = link?.attrs?.href;
  return typeof href === 'string' ? href : undefined;
}

// ---------------------------------------------------------------------------------------------------
// ADF -> HTML

/** ADF to HTML for CRM notes and previews; every text and attribute is escaped. */
export function adfToHtml(value: AdfDoc | AdfNode): string {
  const blocks = value.type === 'doc' ? (value.content ?? []) : [value];
  return blocks.map(blockHtml).join('');
}

function blockHtml(node: AdfNode): string {
  const inner = () => (node.content ?? []).map(blockHtml).join('');
  switch (node.type) {
    case 'paragraph':
      return `<p>${inlineHtml(node.content ?? [])}</p>`;
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(node.attrs?.level ?? 1) || 1));
      return `<h${level}>${inlineHtml(node.content ?? [])}</h${level}>`;
    }
    case 'bulletList':
      return `<ul>${inner()}</ul>`;
    case 'orderedList': {
      const start = Number(node.attrs?.order ?? 1) || 1;
      return start === 1 ? `<ol>${inner()}</ol>` : `<ol start="${start}">${inner()}</ol>`;
    }
    case 'listItem':
      return `<li>${inner()}</li>`;
    case 'blockquote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'codeBlock':
      return `<pre><code>${escapeHtml((node.content ?? []).map((t) => t.text ?? '').join(''))}</code></pre>`;
    case 'rule':
      return '<hr>';
    case 'mediaSingle':
    case 'mediaGroup':
      return '';
    default:
      if (isInline(node)) return `<p>${inlineHtml([node])}</p>`;
      return node.content ? inner() : '';
  }
}

const MARK_HTML: Record<string, [string, string]> = {
  strong: ['<strong>', '</strong>'],
  em: ['<em>', '</em>'],
  underline: ['<u>', '</u>'],
  strike: ['<s>', '</s>'],
  code: ['<code>', '</code>'],
  subsup: ['', ''],
  textColor: ['', ''],
};

function inlineHtml(nodes: AdfNode[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'hardBreak') return '<br>';
      if (n.type !== 'text') return escapeHtml(inlineText([n]));
      let html = escapeHtml(n.text ?? '');
      for (const m of [...(n.marks ?? [])].reverse()) {
        if (m.type === 'link') {
          const href = typeof m.attrs?.href === 'string' ? m.attrs.href : '';
          html = `<a href="${escapeHtml(href)}">${html}</a>`;
        } else {
          const [open, close] = MARK_HTML[m.type] ?? ['', ''];
          html = open + html + close;
        }
      }
      return html;
    })
    .join('');
}


/** True when the text looks like HTML markup rather than plain text (CRM notes can be either). */
export function looksLikeHtml(text: string): boolean {
  return /<\/?(p|div|br|ul|ol|li|a|b|strong|i|em|span|h[1-6]|blockquote|pre|table)\b[^>]*>/i.test(text);
}

/** Either flavour of CRM note to ADF. */
export function noteToAdf(text: string): AdfDoc {
  return looksLikeHtml(text) ? htmlToAdf(text) : textToAdf(text);
}
