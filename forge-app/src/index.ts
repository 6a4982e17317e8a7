// Entry points named in manifest.yml (function handlers resolve from src/). The admin page and the issue
// panel each have their own function, so a key the panel does not define cannot be invoked from an issue.
// Triggers and the scheduled token refresh go straight to the API as Forge Remote endpoints.
import { ADMIN_KEYS, buildResolver, PANEL_KEYS } from './resolvers';

export const adminHandler = buildResolver(ADMIN_KEYS).getDefinitions();
export const panelHandler = buildResolver(PANEL_KEYS).getDefinitions();
