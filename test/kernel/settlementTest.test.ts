import { describe, expect, it } from 'vitest';
import { isSettlement, settlementTest } from '../../src/domain/fundingSchedule.js';

// The kernel's per-step settlement test avoids `%` on timestamps; it must answer exactly what isSettlement answers.
describe('settlementTest', () => {
  const HOUR_MS = 3_600_000;
  const schedules: readonly (readonly number[])[] = [[0, 8, 16], [0, 4, 8, 12, 16, 20], [], [23], [7.5, 24, -1, 3]];
  // Whole hours, minutes and odd milliseconds around real data (2024–2026) and before the epoch.
  const times: number[] = [];
  for (const base of [Date.UTC(2024, 0, 1), Date.UTC(2025, 5, 30, 23), Date.UTC(1969, 11, 31, 20), 0]) {
    for (let k = -30; k <= 30; k++) {
      times.push(base + k * HOUR_MS, base + k * HOUR_MS + 60_000, base + k * HOUR_MS + 1, base + k * HOUR_MS - 1, base + k * HOUR_MS + 0.5);
    }
  }
  times.push(NaN, Infinity, -Infinity);
  for (const hours of schedules) {
    it(`agrees with isSettlement for hours [${hours.join(', ')}]`, () => {
      const test = settlementTest(hours);
      for (const t of times) expect([t, test({ nowMs: t })]).toEqual([t, isSettlement(t, hours)]);
    });
    // A run asks in time order, mostly inside the remembered interval without a settlement.
    it(`agrees with isSettlement stepping forward for hours [${hours.join(', ')}]`, () => {
      const test = settlementTest(hours);
      for (let t = Date.UTC(2024, 0, 1) - 3 * HOUR_MS; t < Date.UTC(2024, 0, 4); t += 15 * 60_000) expect([t, test({ nowMs: t })]).toEqual([t, isSettlement(t, hours)]);
    });
  }
});
