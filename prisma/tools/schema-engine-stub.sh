#!/bin/sh
# Stands in for Prisma's native schema-engine binary, which the prisma CLI would otherwise try to
# download from Prisma's CDN on every command. Only `generate`, `validate` and `format` are expected to
# run through the CLI here; migrations go through prisma/tools/cli.ts (the wasm schema engine).
echo "The native Prisma schema engine is not installed in this project." >&2
echo "Use: npm run db:migrate:create|deploy|status|check (prisma/tools/cli.ts, wasm schema engine)." >&2
exit 1
