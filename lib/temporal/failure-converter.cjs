// The failure converter of every Client and Worker, and of the workflow bundle: error messages and stack
// traces are moved into the failure's encoded attributes, a payload, so the payload codec encrypts them too.
// Plain CommonJS because the SDK loads it by path with require() in every runtime (tsx, vitest, the build)
// and bundles it into the workflow code.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (see above)
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
