import { describe, expect, it } from 'vitest';
import { SignalBatcher } from './signal-batcher';

/** A send function whose calls the test releases one at a time. */
function gatedSend() {
  const calls: { key: string; context: string; items: number[]; release: (err?: Error) => void }[] = [];
  const send = (key: string, context: string, items: number[]) =>
    new Promise<void>((resolve, reject) => calls.push({ key, context, items, release: (err) => (err ? reject(err) : resolve()) }));
  return { calls, send };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SignalBatcher', () => {
  it('sends a lone event at once, and events that arrive meanwhile together in the next call', async () => {
    const { calls, send } = gatedSend();
    const b = new SignalBatcher(send);
    const first = b.submit('wf-1', 'ctx-a', 1);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);

    const later = [b.submit('wf-1', 'ctx-a', 2), b.submit('wf-1', 'ctx-b', 3), b.submit('wf-1', 'ctx-b', 4)];
    await tick();
    expect(calls).toHaveLength(1); // they wait for the call in flight
    calls[0]!.release();
    await first;
    await tick();
    expect(calls[1]!.items).toEqual([2, 3, 4]);
    expect(calls[1]!.context).toBe('ctx-b'); // the latest caller's view of the workflow
    calls[1]!.release();
    await Promise.all(later);
  });

  it('keeps workflows apart: each has its own lane', async () => {
    const { calls, send } = gatedSend();
    const b = new SignalBatcher(send);
    const p = [b.submit('wf-1', 'x', 1), b.submit('wf-2', 'x', 2)];
    await tick();
    expect(calls.map((c) => [c.key, c.items])).toEqual([
      ['wf-1', [1]],
      ['wf-2', [2]],
    ]);
    for (const c of calls) c.release();
    await Promise.all(p);
  });

  it('fails exactly the callers whose batch failed, and goes on with the next batch', async () => {
    const { calls, send } = gatedSend();
    const b = new SignalBatcher(send);
    const first = b.submit('wf', 'x', 1);
    await tick();
    const second = [b.submit('wf', 'x', 2), b.submit('wf', 'x', 3)];
    await tick();
    calls[0]!.release();
    await first;
    await tick();
    const third = b.submit('wf', 'x', 4); // arrives while the second batch is in flight
    calls[1]!.release(new Error('Temporal unavailable'));
    for (const p of second) await expect(p).rejects.toThrow('Temporal unavailable');
    await tick();
    expect(calls[2]!.items).toEqual([4]);
    calls[2]!.release();
    await expect(third).resolves.toBeUndefined();
  });

  it('caps the batch size', async () => {
    const { calls, send } = gatedSend();
    const b = new SignalBatcher(send, 2);
    const all = [b.submit('wf', 'x', 1)];
    await tick();
    for (let i = 2; i <= 6; i++) all.push(b.submit('wf', 'x', i));
    calls[0]!.release();
    for (let k = 1; k <= 3; k++) {
      await tick();
      await tick();
      calls[k]!.release();
    }
    await Promise.all(all);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [4, 5], [6]]);
  });
});
