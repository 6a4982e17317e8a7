// Notes ↔ comments (F18) and attachments (F19), both ways. The MirroredItem table is the memory: an item
// whose id appears there on either side was written by us or copied already, so nothing is mirrored twice
// and nothing we wrote comes back (F21). Files are streamed straight from one vendor to the other.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { adfToText, isAdfDoc, noteToAdf } from '../../clients/jira';
import type { RecordLink } from '../../prisma/generated/client';
import type { SciContext } from './context';
import type { RunTally } from './counts';

/** Comment property marking comments the connector wrote; also lets a retry find a comment it already made. */
export const MIRROR_PROPERTY = 'zohoCrmMirror';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** True on a retried activity attempt: only then is a "did a crashed attempt already write this?" check worth its call. */
function isRetry(): boolean {
  try {
    return Context.current().info.attempt > 1;
  } catch {
    return false;
  }
}

async function mirrored(ctx: SciContext, kind: 'NOTE_COMMENT' | 'ATTACHMENT', side: 'zohoId' | 'jiraId', id: string) {
  return ctx.deps.prisma.mirroredItem.findFirst({ where: { sciId: ctx.sci.id, tenantId: ctx.tenantId, kind, [side]: id } });
}

export async function mirrorZohoNotes(ctx: SciContext, recordId: string, link: RecordLink): Promise<boolean> {
  const zoho = await ctx.zoho();
  const jira = await ctx.jira();
  const { notes } = await zoho.notes.listForRecord(ctx.module, recordId);
  let wrote = false;
  for (const note of notes) {
    if (await mirrored(ctx, 'NOTE_COMMENT', 'zohoId', note.id)) continue;
    const text = [note.Note_Title, note.Note_Content].filter((s) => s && s.trim()).join('\n\n');
    if (!text) continue;
    let commentId: string | undefined;
    if (isRetry()) {
      const page = await jira.comments.list(link.jiraIssueId, { expand: ['properties'] });
      commentId = page.comments.find((c) =>
        (c.properties as { key: string; value: { zohoNoteId?: string } }[] | undefined)?.some((p) => p.key === MIRROR_PROPERTY && p.value.zohoNoteId === note.id),
      )?.id;
    }
    if (!commentId) {
      const comment = await jira.comments.add(link.jiraIssueId, noteToAdf(text), {
        properties: [{ key: MIRROR_PROPERTY, value: { zohoNoteId: note.id, sciId: ctx.sci.id } }],
      });
      commentId = comment.id;
      wrote = true;
    }
    await ctx.deps.prisma.mirroredItem.create({
      data: { tenantId: ctx.tenantId, sciId: ctx.sci.id, recordLinkId: link.id, kind: 'NOTE_COMMENT', direction: 'ZOHO_TO_JIRA', zohoId: note.id, jiraId: commentId, contentHash: hash(text) },
    });
  }
  return wrote;
}

export async function mirrorZohoAttachments(ctx: SciContext, recordId: string, link: RecordLink, tally: RunTally): Promise<boolean> {
  const zoho = await ctx.zoho();
  const jira = await ctx.jira();
  const limit = ctx.def.options.attachmentMaxBytes;
  const { attachments } = await zoho.attachments.list(ctx.module, recordId);
  let wrote = false;
  for (const a of attachments) {
    if (a.$link_url) continue; // a link, not a file
    if (await mirrored(ctx, 'ATTACHMENT', 'zohoId', a.id)) continue;
    const name = a.File_Name ?? `attachment-${a.id}`;
    const size = a.Size === null || a.Size === undefined ? undefined : Number(a.Size);
    if (size !== undefined && size > limit) {
      tally.skipped += 1;
      tally.error(`${link.jiraIssueKey}: "${name}" (${formatBytes(size)}) skipped: larger than the ${formatBytes(limit)} attachment limit`);
      continue;
    }
    let jiraId: string | undefined;
    if (isRetry()) {
      const issue = await jira.issues.get(link.jiraIssueId, { fields: ['attachment'] });
      const existing = ((issue.fields as { attachment?: { id: string; filename: string; size: number }[] } | undefined)?.attachment ?? []).find(
        (x) => x.filename === name && (size === undefined || x.size === size),
      );
      jiraId = existing?.id;
    }
    if (!jiraId) {
      const download = await zoho.attachments.download(ctx.module, recordId, a.id, { maxBytes: limit });
      if (!download) continue;
      const uploaded = await jira.attachments.upload(link.jiraIssueId, {
        filename: name,
        ...(download.contentType ? { contentType: download.contentType } : {}),
        data: download.stream,
      });
      jiraId = uploaded[0]?.id;
      wrote = true;
    }
    if (!jiraId) continue;
    await ctx.deps.prisma.mirroredItem.create({
      data: { tenantId: ctx.tenantId, sciId: ctx.sci.id, recordLinkId: link.id, kind: 'ATTACHMENT', direction: 'ZOHO_TO_JIRA', zohoId: a.id, jiraId },
    });
  }
  return wrote;
}

/** A Jira comment becomes a Zoho note, once; comments the connector wrote itself are recognised and ignored. */
export async function mirrorJiraComment(ctx: SciContext, link: RecordLink, commentId: string, tally: RunTally): Promise<boolean> {
  if (await mirrored(ctx, 'NOTE_COMMENT', 'jiraId', commentId)) return false;
  const jira = await ctx.jira();
  const comment = await jira.comments.get(link.jiraIssueId, commentId, { expand: ['properties'] });
  const props = (comment.properties as { key: string }[] | undefined) ?? [];
  if (props.some((p) => p.key === MIRROR_PROPERTY)) return false; // our own mirror of a Zoho note
  const text = isAdfDoc(comment.body) ? adfToText(comment.body) : '';
  if (!text.trim()) return false;
  const author = (comment.author as { displayName?: string } | undefined)?.displayName ?? 'Jira user';
  const title = `Jira comment by ${author} (${link.jiraIssueKey}#${commentId})`;
  const zoho = await ctx.zoho();
  let noteId: string | undefined;
  if (isRetry()) {
    const { notes } = await zoho.notes.listForRecord(ctx.module, link.zohoRecordId);
    noteId = notes.find((n) => n.Note_Title === title)?.id;
  }
  if (!noteId) {
    const [outcome] = await zoho.notes.create([{ module: ctx.module, recordId: link.zohoRecordId, title, content: text }]);
    if (!outcome?.ok) {
      tally.error(`${link.jiraIssueKey}: comment ${commentId} not copied: ${outcome ? outcome.error.message : 'no result'}`);
      return false;
    }
    noteId = outcome.id;
  }
  await ctx.deps.prisma.mirroredItem.create({
    data: { tenantId: ctx.tenantId, sciId: ctx.sci.id, recordLinkId: link.id, kind: 'NOTE_COMMENT', direction: 'JIRA_TO_ZOHO', zohoId: noteId, jiraId: commentId, contentHash: hash(text) },
  });
  return true;
}

/** A Jira attachment streamed to the Zoho record, once, within the size limit. */
export async function mirrorJiraAttachment(ctx: SciContext, link: RecordLink, attachmentId: string, tally: RunTally): Promise<boolean> {
  if (await mirrored(ctx, 'ATTACHMENT', 'jiraId', attachmentId)) return false;
  const jira = await ctx.jira();
  const meta = await jira.attachments.get(attachmentId);
  const limit = ctx.def.options.attachmentMaxBytes;
  if (meta.size > limit) {
    tally.skipped += 1;
    tally.error(`${link.jiraIssueKey}: "${meta.filename}" (${formatBytes(meta.size)}) skipped: larger than the ${formatBytes(limit)} attachment limit`);
    return false;
  }
  const zoho = await ctx.zoho();
  const download = await jira.attachments.download(attachmentId);
  const outcome = await zoho.attachments.upload(ctx.module, link.zohoRecordId, {
    fileName: meta.filename,
    ...(meta.mimeType ? { contentType: meta.mimeType } : {}),
    data: download.stream,
  });
  if (!outcome.ok) {
    tally.error(`${link.jiraIssueKey}: "${meta.filename}" not copied: ${outcome.error.message}`);
    return false;
  }
  await ctx.deps.prisma.mirroredItem.create({
    data: { tenantId: ctx.tenantId, sciId: ctx.sci.id, recordLinkId: link.id, kind: 'ATTACHMENT', direction: 'JIRA_TO_ZOHO', zohoId: outcome.id, jiraId: attachmentId },
  });
  return true;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}
