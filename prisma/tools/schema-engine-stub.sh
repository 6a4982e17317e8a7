#!/bin/sh
# Stands in for Prisma's native schema-engine binary, which the prisma CLI would otherwise download from
# Prisma's CDN on every command (unreachable here). Only generate/validate/format are meant to run through
# the prisma CLI; migrations go through prisma/tools/cli.ts on the wasm schema engine.
# The CLI ignores the first stderr line and reads the rest as JSON log lines, showing their messages.
msg='The native Prisma schema engine is not installed in this project. Use npm run db:migrate:deploy, db:migrate:status, db:migrate:create or db:migrate:check (prisma/tools/cli.ts, wasm schema engine).'
echo "$msg" >&2
printf '{"level":"ERROR","target":"schema_engine_stub","fields":{"message":"%s"}}' "$msg" >&2
exit 1
