// Zoho notification channels of the tenant (F33), as GET /connection/channels answers.
import { z } from 'zod';

export const channelsDto = z.object({
  /** Whether this deployment uses notification channels at all (ZOHO_NOTIFICATIONS). */
  enabled: z.boolean(),
  channels: z.array(
    z.object({
      module: z.string(),
      events: z.array(z.string()),
      state: z.enum(['ACTIVE', 'EXPIRED', 'DISABLED']),
      expiresAt: z.string(),
      lastRenewedAt: z.string().nullable(),
    }),
  ),
  keeper: z
    .object({
      reconciliations: z.number().int(),
      lastError: z.string().nullable(),
      /** Why the keeper did nothing last time (e.g. not connected with App OAuth 2.0). */
      skipped: z.string().nullable(),
      nextCheckAt: z.string().nullable(),
    })
    .nullable(),
  /** `unreachable` when the keeper did not answer in time (the channel list is still right). */
  keeperQuery: z.enum(['ok', 'not_running', 'unreachable']),
  temporalUiUrl: z.string().nullable(),
});
export type ChannelsDto = z.infer<typeof channelsDto>;
