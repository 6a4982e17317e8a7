// The part of ADF validation Jira enforces on v3 writes: a `doc` of version 1 whose nodes are known ADF
// node types in allowed places, with non-empty text and well-formed marks. A plain string where ADF is
// required is refused with the message Jira gives.
// https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/

export const NOT_ADF_MESSAGE = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

const BLOCK = new Set([
  'paragraph', 'heading', 'bulletList', 'orderedList', 'blockquote', 'codeBlock', 'rule', 'panel', 'table',
  'mediaSingle', 'mediaGroup', 'expand', 'nestedExpand', 'taskList', 'decisionList', 'blockCard', 'embedCard',
  'extension', 'bodiedExtension', 'layoutSection', 'multiBodiedExtension',
]);
const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status', 'placeholder', 'inlineExtension', 'mediaInline']);
const MARKS = new Set(['strong', 'em', 'underline', 'strike', 'code', 'link', 'subsup', 'textColor', 'backgroundColor', 'annotation', 'border', 'alignment', 'indentation', 'breakout', 'dataConsumer', 'fragment']);
// Child rules for the structural nodes the connector produces; other known blocks are accepted as Jira does.
const CHILDREN: Record<string, Set<string>> = {
  doc: BLOCK,
  paragraph: INLINE,
  heading: INLINE,
  bulletList: new Set(['listItem']),
  orderedList: new Set(['listItem']),
  listItem: new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'mediaSingle', 'taskList']),
  blockquote: new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'mediaSingle', 'mediaGroup', 'heading']),
  codeBlock: new Set(['text']),
};

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Undefined when `value` is a document Jira would take; otherwise the reason. */
export function adfProblem(value: unknown): string | undefined {
  if (!isObj(value) || value.type !== 'doc') return NOT_ADF_MESSAGE;
  if (value.version !== 1) return 'ADF documents must declare version 1.';
  if (!Array.isArray(value.content)) return 'ADF doc must have a content array.';
  return nodeProblem(value, 0);
}

function nodeProblem(node: Json, depth: number): string | undefined {
  if (depth > 50) return 'ADF document is nested too deeply.';
  const type = node.type;
  if (typeof type !== 'string') return 'ADF node without a type.';
  if (type === 'text') {
    if (typeof node.text !== 'string' || node.text === '') return 'ADF text nodes must have non-empty text.';
    if (node.marks !== undefined) {
      if (!Array.isArray(node.marks)) return 'ADF marks must be an array.';
      for (const m of node.marks) {
        if (!isObj(m) || typeof m.type !== 'string' || !MARKS.has(m.type)) return `Unknown ADF mark: ${JSON.stringify(m)}`;
        if (m.type === 'link' && !(isObj(m.attrs) && typeof m.attrs.href === 'string')) return 'ADF link marks need attrs.href.';
      }
      const types = node.marks.map((m) => (m as Json).type);
      if (types.includes('code') && types.some((t) => t !== 'code' && t !== 'link')) return 'ADF code marks combine only with link.';
    }
    return undefined;
  }
  if (type !== 'doc' && !BLOCK.has(type) && !INLINE.has(type) && !['listItem', 'tableRow', 'tableCell', 'tableHeader', 'media', 'taskItem', 'decisionItem', 'layoutColumn', 'extensionFrame'].includes(type)) {
    return `Unknown ADF node type: ${type}`;
  }
  if (type === 'heading') {
    const level = isObj(node.attrs) ? node.attrs.level : undefined;
    if (typeof level !== 'number' || level < 1 || level > 6) return 'ADF headings need attrs.level 1-6.';
  }
  const allowed = CHILDREN[type];
  if (node.content === undefined) {
    if (['bulletList', 'orderedList', 'listItem', 'blockquote'].includes(type)) return `ADF ${type} must have content.`;
    return undefined;
  }
  if (!Array.isArray(node.content)) return `ADF ${type} content must be an array.`;
  if (type === 'listItem' || type === 'bulletList' || type === 'orderedList') {
    if (node.content.length === 0) return `ADF ${type} must not be empty.`;
  }
  for (const child of node.content) {
    if (!isObj(child)) return `ADF ${type} content must hold nodes.`;
    if (allowed && typeof child.type === 'string' && !allowed.has(child.type)) return `ADF ${child.type} is not allowed inside ${type}.`;
    const p = nodeProblem(child, depth + 1);
    if (p) return p;
  }
  return undefined;
}

/** Plain text of an ADF value, the way Jira shows it in changelog strings. */
export function adfPlainText(value: unknown): string {
  if (!isObj(value)) return '';
  if (value.type === 'text') return typeof value.text === 'string' ? value.text : '';
  if (value.type === 'hardBreak') return '\n';
  const content = Array.isArray(value.content) ? value.content : [];
  const sep = value.type === 'doc' || (typeof value.type === 'string' && value.type.endsWith('List')) ? '\n' : '';
  return content.map(adfPlainText).join(sep);
}
