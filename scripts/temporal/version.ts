// The one place the Temporal versions are pinned. CLI v1.5.1 is the newest release that `go install` can
// build (v1.6+ carry a `replace` directive in go.mod); it bundles Temporal server v1.29.1 and UI v2.42.1.
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** The full Temporal server and its SQL schema tool (`npm run cluster`): the server the CLI bundles. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

/** The standalone Temporal Web UI server (`npm run cluster`): the UI the CLI bundles. */
export const TEMPORAL_UI_SERVER_VERSION = '2.42.1';
