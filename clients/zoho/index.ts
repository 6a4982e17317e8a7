// Public surface of the Zoho CRM client. Imported by api/ and activities/, never by workflows/.
export { createZohoClient, createZohoOAuth, type ZohoClient, type ZohoClientOptions } from './client';
export * from './datacenters';
export * from './errors';
export { parseRetryAfter, type ZohoCallInfo, type ZohoHttpStats } from './http';
export { zohoTokensSchema, type ZohoTokens, type ZohoClientCredentials, type ZohoUserInfo, ZohoOAuthClient } from './oauth';
export { memoryTokenStore, ZohoTokenManager, type ZohoTokenStore } from './tokens';
export {
  ZohoRecords,
  criteria,
  toZohoDateTime,
  MAX_PER_PAGE,
  DISCRETE_PAGE_LIMIT,
  type ListRecordsOptions,
  type RecordPage,
  type SearchBy,
} from './records';
export { ZohoMetadata } from './metadata';
export { ZohoNotes, type NewNote } from './notes';
export { ZohoAttachments, type AttachmentDownload, type AttachmentUpload } from './attachments';
export {
  ZohoNotifications,
  parseNotificationCallback,
  verifyChannelToken,
  notificationCallbackSchema,
  MAX_CHANNEL_TOKEN_LENGTH,
  type WatchChannelInput,
  type WatchOutcome,
  type ZohoNotificationCallback,
} from './notifications';
export type { RowOutcome } from './rows';
export * from './schemas';
export * from './scopes';
export * from './modules';
