// Notes ↔ comments (F18) and attachments (F19), both ways. The MirroredItem table is the memory: an item
// whose id appears there on either side was written by us or copied already, so nothing is mirrored twice
// and nothing we wrote comes back (F21). Each copy is one create under the write-intent rule (./intents.ts),
// so a retry after a crash between "vendor accepted" and "MirroredItem stored" finds the copy it made.
// Files are streamed straight from one vendor to the other.
import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { adfToText, isAdfDoc, noteToAdf, type JiraClient, type JiraComment } from '../../clients/jira';
import type { ZohoAttachment, ZohoClient, ZohoNote } from '../../clients/zoho';
import type { MirrorDirection, MirrorKind, RecordLink } from '../../prisma/generated/client';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { activitySignal, heartbeat } from '../activity-context';
import { isUniqueViolation } from '../../lib/db/errors';
import { createOnce, looksLikeOurFile } from './intents';

/** Comment property marking comments the connector wrote; also lets a retry find a comment it already made. */
export const MIRROR_PROPERTY = 'zohoCrmMirror';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const COMMENT_PAGE = 100;
const ZOHO_PAGE = 200;
/** Attachment transfers report progress at most this often. */
const PROGRESS_INTERVAL_MS = 1_000;

async function mirrored(ctx: SciContext, kind: MirrorKind, side: 'zohoId' | 'jiraId', id: string) {
  return ctx.deps.prisma.mirroredItem.findFirst({ where: { sciId: ctx.sci.id, tenantId: ctx.tenantId, kind, [side]: id } });
}

/** The long-term memory of a copy; a concurrent attempt that stored the same pair first is as good. */
async function remember(
  ctx: SciContext,
  link: RecordLink,
  item: { kind: MirrorKind; direction: MirrorDirection; zohoId: string; jiraId: string; contentHash?: string },
): Promise<void> {
  try {
    await ctx.deps.prisma.mirroredItem.create({ data: { tenantId: ctx.tenantId, sciId: ctx.sci.id, recordLinkId: link.id, ...item } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

export async function mirrorZohoNotes(ctx: SciContext, recordId: string, link: RecordLink): Promise<boolean> {
  const zoho = await ctx.zoho();
  const jira = await ctx.jira();
  const notes = await allNotes(zoho, ctx.module, recordId, activitySignal());
  let wrote = false;
  for (const note of notes) {
    if (await mirrored(ctx, 'NOTE_COMMENT', 'zohoId', note.id)) continue;
    const text = [note.Note_Title, note.Note_Content].filter((s) => s && s.trim()).join('\n\n');
    if (!text) continue;
    const outcome = await createOnce(ctx, {
      kind: 'JIRA_COMMENT',
      sourceId: note.id,
      targetId: link.jiraIssueId,
      marker: `${MIRROR_PROPERTY}.zohoNoteId=${note.id}`,
      find: async (signal) => (await allComments(jira, link.jiraIssueId, signal)).find((c) => mirrorsNote(c, note.id))?.id,
      create: async (signal) => {
        const comment = await jira.comments.add(link.jiraIssueId, noteToAdf(text), {
          properties: [{ key: MIRROR_PROPERTY, value: { zohoNoteId: note.id, sciId: ctx.sci.id } }],
          ...(signal ? { signal } : {}),
        });
        return comment.id;
      },
    });
    if (!outcome) continue;
    wrote ||= outcome.created;
    await remember(ctx, link, { kind: 'NOTE_COMMENT', direction: 'ZOHO_TO_JIRA', zohoId: note.id, jiraId: outcome.id, contentHash: hash(text) });
  }
  return wrote;
}

function mirrorsNote(comment: JiraComment, noteId: string): boolean {
  return (comment.properties ?? []).some((p) => p.key === MIRROR_PROPERTY && (p.value as { zohoNoteId?: unknown } | undefined)?.zohoNoteId === noteId);
}

/** Every comment of the issue with its properties: our comment may sit on any page. */
async function allComments(jira: JiraClient, issueId: string, signal: AbortSignal | undefined): Promise<JiraComment[]> {
  const out: JiraComment[] = [];
  for (let startAt = 0; ; ) {
    const page = await jira.comments.list(issueId, { startAt, maxResults: COMMENT_PAGE, expand: ['properties'], ...(signal ? { signal } : {}) });
    out.push(...page.comments);
    startAt += page.comments.length;
    if (page.comments.length === 0 || startAt >= page.total) return out;
  }
}

export async function mirrorZohoAttachments(ctx: SciContext, recordId: string, link: RecordLink, tally: RunTally): Promise<boolean> {
  const zoho = await ctx.zoho();
  const jira = await ctx.jira();
  const limit = ctx.def.options.attachmentMaxBytes;
  const attachments = await allAttachments(zoho, ctx.module, recordId, activitySignal());
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
    const outcome = await createOnce(ctx, {
      kind: 'JIRA_ATTACHMENT',
      sourceId: a.id,
      targetId: link.jiraIssueId,
      marker: `${name} (${size ?? '?'} bytes)`,
      find: async (signal, earlier) => {
        // The issue's attachment field lists all of them, read-after-write.
        const issue = await jira.issues.get(link.jiraIssueId, { fields: ['attachment'], ...(signal ? { signal } : {}) });
        const files = (issue.fields as { attachment?: { id: string; filename: string; size: number; created?: string }[] } | undefined)?.attachment ?? [];
        return files.find((x) => looksLikeOurFile({ name: x.filename, size: x.size, created: x.created }, { name, size }, earlier))?.id;
      },
      create: async (signal) => {
        const download = await zoho.attachments.download(ctx.module, recordId, a.id, { maxBytes: limit, ...(signal ? { signal } : {}) });
        if (!download) return undefined;
        const uploaded = await jira.attachments.upload(
          link.jiraIssueId,
          { filename: name, ...(download.contentType ? { contentType: download.contentType } : {}), data: withProgress(download.stream, a.id, signal) },
          signal ? { signal } : {},
        );
        return uploaded[0]?.id;
      },
    });
    if (!outcome) continue;
    wrote ||= outcome.created;
    await remember(ctx, link, { kind: 'ATTACHMENT', direction: 'ZOHO_TO_JIRA', zohoId: a.id, jiraId: outcome.id });
  }
  return wrote;
}

/** A Jira comment becomes a Zoho note, once; comments the connector wrote itself are recognised and ignored. */
export async function mirrorJiraComment(ctx: SciContext, link: RecordLink, commentId: string, tally: RunTally): Promise<boolean> {
  if (await mirrored(ctx, 'NOTE_COMMENT', 'jiraId', commentId)) return false;
  const jira = await ctx.jira();
  const signal = activitySignal();
  const comment = await jira.comments.get(link.jiraIssueId, commentId, { expand: ['properties'], ...(signal ? { signal } : {}) });
  const props = comment.properties ?? [];
  if (props.some((p) => p.key === MIRROR_PROPERTY)) return false; // our own mirror of a Zoho note
  const text = isAdfDoc(comment.body) ? adfToText(comment.body) : '';
  if (!text.trim()) return false;
  const author = comment.author?.displayName ?? 'Jira user';
  // The suffix is the marker: an author renamed between attempts must not hide the note already made.
  const suffix = `(${link.jiraIssueKey}#${commentId})`;
  const title = `Jira comment by ${author} ${suffix}`;
  const zoho = await ctx.zoho();
  let refusal: string | undefined;
  const outcome = await createOnce(ctx, {
    kind: 'ZOHO_NOTE',
    sourceId: commentId,
    targetId: link.zohoRecordId,
    marker: suffix,
    find: async (s) => (await allNotes(zoho, ctx.module, link.zohoRecordId, s)).find((n) => n.Note_Title?.endsWith(suffix))?.id,
    create: async (s) => {
      const [row] = await zoho.notes.create([{ module: ctx.module, recordId: link.zohoRecordId, title, content: text }], s ? { signal: s } : {});
      if (row?.ok) return row.id;
      refusal = row ? row.error.message : 'no result';
      return undefined;
    },
  });
  if (!outcome) {
    tally.error(`${link.jiraIssueKey}: comment ${commentId} not copied: ${refusal ?? 'no result'}`);
    return false;
  }
  await remember(ctx, link, { kind: 'NOTE_COMMENT', direction: 'JIRA_TO_ZOHO', zohoId: outcome.id, jiraId: commentId, contentHash: hash(text) });
  return true;
}

async function allNotes(zoho: ZohoClient, module: string, recordId: string, signal: AbortSignal | undefined): Promise<ZohoNote[]> {
  const out: ZohoNote[] = [];
  for (let page = 1; ; page++) {
    const res = await zoho.notes.listForRecord(module, recordId, { page, perPage: ZOHO_PAGE, ...(signal ? { signal } : {}) });
    out.push(...res.notes);
    if (!res.moreRecords || res.notes.length === 0) return out;
  }
}

async function allAttachments(zoho: ZohoClient, module: string, recordId: string, signal: AbortSignal | undefined): Promise<ZohoAttachment[]> {
  const out: ZohoAttachment[] = [];
  for (let page = 1; ; page++) {
    const res = await zoho.attachments.list(module, recordId, { page, perPage: ZOHO_PAGE, ...(signal ? { signal } : {}) });
    out.push(...res.attachments);
    if (!res.moreRecords || res.attachments.length === 0) return out;
  }
}

/** A Jira attachment streamed to the Zoho record, once, within the size limit. */
export async function mirrorJiraAttachment(ctx: SciContext, link: RecordLink, attachmentId: string, tally: RunTally): Promise<boolean> {
  if (await mirrored(ctx, 'ATTACHMENT', 'jiraId', attachmentId)) return false;
  const jira = await ctx.jira();
  const signal = activitySignal();
  const meta = await jira.attachments.get(attachmentId, signal ? { signal } : {});
  const limit = ctx.def.options.attachmentMaxBytes;
  if (meta.size > limit) {
    tally.skipped += 1;
    tally.error(`${link.jiraIssueKey}: "${meta.filename}" (${formatBytes(meta.size)}) skipped: larger than the ${formatBytes(limit)} attachment limit`);
    return false;
  }
  const zoho = await ctx.zoho();
  let refusal: string | undefined;
  const outcome = await createOnce(ctx, {
    kind: 'ZOHO_ATTACHMENT',
    sourceId: attachmentId,
    targetId: link.zohoRecordId,
    marker: `${meta.filename} (${meta.size} bytes)`,
    find: async (s, earlier) =>
      (await allAttachments(zoho, ctx.module, link.zohoRecordId, s)).find((x) =>
        looksLikeOurFile({ name: x.File_Name, size: x.Size, created: x.Created_Time }, { name: meta.filename, size: meta.size }, earlier),
      )?.id,
    create: async (s) => {
      const download = await jira.attachments.download(attachmentId, s ? { signal: s } : {});
      const row = await zoho.attachments.upload(
        ctx.module,
        link.zohoRecordId,
        { fileName: meta.filename, ...(meta.mimeType ? { contentType: meta.mimeType } : {}), data: withProgress(download.stream, attachmentId, s) },
        s ? { signal: s } : {},
      );
      if (row.ok) return row.id;
      refusal = row.error.message;
      return undefined;
    },
  });
  if (!outcome) {
    tally.error(`${link.jiraIssueKey}: "${meta.filename}" not copied: ${refusal ?? 'no result'}`);
    return false;
  }
  await remember(ctx, link, { kind: 'ATTACHMENT', direction: 'JIRA_TO_ZOHO', zohoId: outcome.id, jiraId: attachmentId });
  return true;
}

/**
 * The download passed through unchanged, heartbeating (at most once a second) with the bytes so far: a large
 * file takes longer than the heartbeat timeout, and a silent transfer would be declared dead and retried
 * beside itself. It stops the transfer as soon as Temporal gives up on the attempt.
 */
function withProgress(source: Readable, attachmentId: string, signal: AbortSignal | undefined): Readable {
  let bytes = 0;
  let last = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (signal?.aborted) {
        done(signal.reason instanceof Error ? signal.reason : new Error('activity cancelled'));
        return;
      }
      bytes += chunk.length;
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        heartbeat({ attachment: attachmentId, bytes });
      }
      done(null, chunk);
    },
  });
  // Errors and early ends travel both ways: the upload sees a failed download, the download stops with the upload.
  return pipeline(source, meter, () => {});
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}
