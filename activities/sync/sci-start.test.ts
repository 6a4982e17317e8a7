import { describe, expect, it } from 'vitest';
import { firstPollSince, sciStartSecond } from './sci-start';

describe("an SCI's start in Zoho's whole-second times", () => {
  const sci = { createdAt: new Date('2026-03-01T10:00:05.750Z') };

  it('counts a record created in the same second as the SCI as created after it', () => {
    const recordCreated = new Date('2026-03-01T10:00:05Z'); // Zoho's Created_Time of a record made 100 ms later
    expect(recordCreated.getTime() >= sciStartSecond(sci).getTime()).toBe(true);
    expect(new Date('2026-03-01T10:00:04Z').getTime() >= sciStartSecond(sci).getTime()).toBe(false);
  });

  it('starts the first poll one second earlier, since If-Modified-Since is exclusive', () => {
    expect(firstPollSince(sci)).toBe('2026-03-01T10:00:04.000Z');
    expect(Date.parse('2026-03-01T10:00:05Z') > Date.parse(firstPollSince(sci))).toBe(true);
  });
});
