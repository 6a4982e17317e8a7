// What the API needs from the rest of the product, injected by whoever starts it (embedded `npm start`,
// the production entry point, or a test).
import type { Config } from '../lib/config';

export interface HealthProbes {
  /** Resolves when the database answers a trivial query. */
  database: () => Promise<void>;
  /** Resolves when the Temporal frontend answers. */
  temporal: () => Promise<void>;
}

export interface AppDeps {
  config: Config;
  health: HealthProbes;
}
