// Entry points named in manifest.yml (function handlers resolve from src/). Triggers and the scheduled
// token refresh go straight to the API as Forge Remote endpoints, so only the UI resolver lives here.
import { buildResolver } from './resolvers';

export const handler = buildResolver().getDefinitions();
