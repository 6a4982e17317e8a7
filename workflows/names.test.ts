import { describe, expect, it } from 'vitest';
import * as workflows from './index';
import { WORKFLOW_TYPES } from './names';

describe('workflow type names', () => {
  it('are the names of the functions the worker serves, and every served workflow has one', () => {
    const served = Object.entries(workflows).map(([exported, fn]) => [exported, fn.name]);
    expect(served.every(([exported, name]) => exported === name)).toBe(true);
    expect(Object.values(WORKFLOW_TYPES).sort()).toEqual(served.map(([, name]) => name).sort());
  });
});
