// Loading state for one contract call: what is shown while it runs, when it failed, and how to run it again.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DataOf, PayloadOf, ResolverError, ResolverKey } from '../../../src/types';
import { call, errorOf } from './api';

export type Loadable<T> =
  | { status: 'loading'; data?: T | undefined }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ResolverError; data?: T | undefined };

export function useCall<K extends ResolverKey>(key: K, payload: PayloadOf<K> | null, deps: readonly unknown[] = []) {
  const [state, setState] = useState<Loadable<DataOf<K>>>({ status: 'loading' });
  const generation = useRef(0);
  const payloadRef = useRef(payload);
  payloadRef.current = payload;

  const reload = useCallback(async () => {
    const p = payloadRef.current;
    if (p === null) return;
    const mine = ++generation.current;
    setState((s) => ({ status: 'loading', data: s.data }));
    try {
      const data = await call(key, p);
      if (mine === generation.current) setState({ status: 'ready', data });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ status: 'error', error: errorOf(error), data: s.data }));
    }
  }, [key, ...deps]);

  useEffect(() => {
    if (payload === null) return;
    void reload();
  }, [reload]);

  return { state, reload, setData: (data: DataOf<K>) => setState({ status: 'ready', data }) };
}

/** Runs an action (button press) and keeps its pending flag and error for the UI. */
export function useAction() {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<ResolverError | null>(null);
  const run = useCallback(async <T,>(label: string, action: () => Promise<T>): Promise<T | undefined> => {
    setPending(label);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(errorOf(e));
      return undefined;
    } finally {
      setPending(null);
    }
  }, []);
  return { pending, error, setError, run };
}
