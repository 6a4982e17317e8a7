// Jira's user search (GET /rest/api/3/user/search): finding the account behind a Zoho CRM user's e-mail
// address for user mapping (F41). Jira matches `query` against the start of display names and e-mail
// addresses, and may hide an address from the app (profile visibility), so the match is checked here.
import { z } from 'zod';
import type { JiraHttp } from './http';
import { userSchema, type JiraUser } from './schemas';

interface Signal {
  signal?: AbortSignal;
}

/** GET /rest/api/3/user/search?query=…: active users matching the start of a name or address. */
export async function searchUsers(
  http: JiraHttp,
  query: string,
  opts: Signal & { maxResults?: number } = {},
): Promise<JiraUser[]> {
  return http.request({
    method: 'GET',
    path: '/rest/api/3/user/search',
    query: { query, maxResults: opts.maxResults ?? 50 },
    schema: z.array(userSchema),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/**
 * The account with this e-mail address. When Jira hides addresses, the one account the full address finds
 * is taken as the match (the query matched its hidden address or, rarely, a name starting with it).
 */
export async function findUserByEmail(http: JiraHttp, email: string, opts: Signal = {}): Promise<JiraUser | undefined> {
  const wanted = email.trim().toLowerCase();
  const found = (await searchUsers(http, wanted, { ...opts, maxResults: 10 })).filter(
    (u) => u.accountType !== 'app' && u.active !== false,
  );
  const exact = found.find((u) => u.emailAddress?.toLowerCase() === wanted);
  if (exact) return exact;
  const hidden = found.filter((u) => !u.emailAddress);
  return found.length === 1 && hidden.length === 1 ? hidden[0] : undefined;
}

/** The account with this id (GET /rest/api/3/user/search?accountId=…), or undefined. */
export async function findUserByAccountId(
  http: JiraHttp,
  accountId: string,
  opts: Signal = {},
): Promise<JiraUser | undefined> {
  const found = await http.request({
    method: 'GET',
    path: '/rest/api/3/user/search',
    query: { accountId, maxResults: 1 },
    schema: z.array(userSchema),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return found.find((u) => u.accountId === accountId);
}

/** Every user of the site (GET /rest/api/3/users/search, pages of 100, up to 20 pages): people only. */
export async function listUsers(http: JiraHttp, opts: Signal = {}): Promise<JiraUser[]> {
  const all: JiraUser[] = [];
  for (let page = 0; page < 20; page++) {
    const batch = await http.request({
      method: 'GET',
      path: '/rest/api/3/users/search',
      query: { startAt: page * 100, maxResults: 100 },
      schema: z.array(userSchema),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    all.push(...batch);
    if (batch.length < 100) break;
  }
  return all.filter((u) => u.accountType === undefined || u.accountType === 'atlassian');
}
