// The one place the Temporal CLI version is pinned. v1.5.1 is the newest release that `go install` can
// build (v1.6+ carry a `replace` directive in go.mod); it bundles Temporal server v1.29.1.
export const TEMPORAL_CLI_VERSION = '1.5.1';
