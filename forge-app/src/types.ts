// The types the screens and the resolvers share: what each resolver key takes and gives, the error a
// screen shows, and the envelope every resolver answers with. Derived from routes.ts and contracts/, never
// restated. Type-only for the screens (nothing of @forge/api reaches the browser bundle).
import type { z } from 'zod';
import type { SciDefinition as ContractSciDefinition } from '../../contracts';
import type { ResolverError } from './resolver-error';
import type { Routes, ResolverKey } from './routes';

export type { ResolverKey } from './routes';
export type { ResolverError } from './resolver-error';
export type PayloadOf<K extends ResolverKey> = z.input<Routes[K]['payload']>;
export type DataOf<K extends ResolverKey> = ReturnType<Routes[K]['data']>;

/** Every resolver answers with this envelope: Forge's invoke turns thrown errors into opaque text. */
export type ResolverResult<K extends ResolverKey> = { ok: true; data: DataOf<K> } | { ok: false; error: ResolverError };

// The screens' names for the contract's shapes (contracts/), as the resolvers hand them over.
export type { ConnectionMode as AuthMode, ZohoDc as DataCenter, SyncModeName as SyncMode } from '../../contracts';
export type Connection = DataOf<'connection/get'>;
export type AppOAuthInput = PayloadOf<'connection/connect-app-oauth'>;
export type Sci = DataOf<'sci/list'>[number];
export type SyncRun = DataOf<'sci/runs'>['runs'][number];
export type Backfill = DataOf<'sci/backfill'>;
export type Channels = DataOf<'connection/channels'>;
/** What the editor builds and sends: every setting the API accepts, defaults filled in. */
export type SciDefinition = ContractSciDefinition;
export type FieldMappingInput = SciDefinition['fieldMappings'][number];
export type BackfillOption = SciDefinition['options']['backfill'];
export type Panel = DataOf<'panel/get'>;
export type LinkCard = Panel['links'][number];
export type PanelSci = Panel['scis'][number];
export type RecordHit = DataOf<'panel/search'>[number];
export type CreateRecordForm = DataOf<'panel/create-record-form'>;
export type CreateField = CreateRecordForm['fields'][number];
export type Conflict = DataOf<'conflicts/list'>[number];
export type Timeline = DataOf<'panel/timeline'>;
export type TimelineItem = Timeline['entries'][number];
export type LinkHealthState = Timeline['health'][number];
