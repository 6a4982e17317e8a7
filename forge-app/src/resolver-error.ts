// The error a screen shows when a call fails: one shape for the backend that builds it and the screens that
// read it (types.ts re-exports it beside the other shared types).

/**
 * What a person sees when a call fails. `code` lets a screen react (e.g. show the sign-in card) without
 * reading the text; `problems` name the fields of a form that were refused (F11).
 */
export interface ResolverError {
  code: string;
  message: string;
  problems?: { path: string; message: string }[];
}
