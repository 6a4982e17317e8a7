// Prisma's schema engine compiled to WebAssembly. The prisma CLI cannot run here (it insists on
// downloading the native engine from Prisma's CDN), but the same engine logic ships on npm as wasm and
// talks to the database through a driver adapter we hand it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';

export type { SchemaEngine };

declare global {
  // The wasm module reports Rust panics through this global (the prisma CLI defines it too);
  // without it a panic surfaces as "TypeError: … set_message" and the real reason is lost.
  var PRISMA_WASM_PANIC_REGISTRY: { set_message(message: string): void } | undefined;
}

let lastPanic: string | undefined;

/** Defines the panic registry the wasm engines call into. Safe to call more than once. */
export function installWasmPanicRegistry(): void {
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanic = message;
    },
  };
}

let loaded = false;

// The package's own entry imports the .wasm file as an ES module, which Node 20 cannot do without a
// flag; instantiate it by hand with the generated JS glue as its import object instead.
function loadWasm(): void {
  if (loaded) return;
  installWasmPanicRegistry();
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const module = new WebAssembly.Module(readFileSync(join(packageDir, 'schema_engine_bg.wasm')));
  const imports: WebAssembly.ModuleImports = { ...(engineBindings as unknown as WebAssembly.ModuleImports) };
  // The engine arms timers it can never cancel (e.g. a 10 s timeout around the migration advisory
  // lock) which would keep a finished process alive until they fire. Unref them: they still fire
  // while anything else keeps the process running.
  for (const name of Object.keys(imports).filter((k) => k.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, ms: number) => {
      const timer = setTimeout(callback, ms >>> 0);
      timer.unref();
      return timer;
    };
  }
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': imports });
  engineBindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  loaded = true;
}

export class SchemaEngineError extends Error {
  override name = 'SchemaEngineError';
}

/** Turns whatever the engine threw (JsError, plain object, panic) into an Error with a useful message. */
export function engineError(operation: string, error: unknown): SchemaEngineError {
  const panic = lastPanic;
  lastPanic = undefined;
  const detail =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null && 'message' in error
        ? String(error.message)
        : String(error);
  return new SchemaEngineError(
    `Schema engine ${operation} failed: ${detail}${panic ? `\n(engine panic: ${panic})` : ''}`,
    { cause: error },
  );
}

export interface EngineLogger {
  debug(msg: string): void;
}

/**
 * Starts an engine over the given adapter factory, runs `fn`, and frees the engine.
 * The engine never disposes the main connection it opened, so the factory must track and close its
 * own connections afterwards (see MigrationAdapterFactory.disposeAll), or the process lingers.
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schema: { path: string; content: string },
  fn: (engine: SchemaEngine) => Promise<T>,
  logger?: EngineLogger,
): Promise<T> {
  loadWasm();
  let engine: SchemaEngine;
  try {
    engine = await engineBindings.SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      (line: string) => logger?.debug(line),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (error) {
    throw engineError('start', error);
  }
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

/** Runs one engine call and rewrites its failure into a SchemaEngineError. */
export async function engineCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw engineError(operation, error);
  }
}
