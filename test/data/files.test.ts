import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { listDataFiles, parseCsv, parseDataFile } from '../../src/data/index.js';
import { SHARED_DATA } from './helpers.js';

/** Columns holding times, by name; every one must parse in every file that has it. */
const TIME_COLUMNS = ['timestamp', 'funding_timestamp', 'targetDate', 'date', 'Timestamp', 'Date', 'date_utc', 'block_timestamp'];

describe('every shared data file loads', () => {
  const files = listDataFiles(SHARED_DATA);

  test('the directory holds the 49 documented files', () => {
    expect(files.length).toBe(49);
    expect(files.filter((f) => f.endsWith('.csv')).length).toBeGreaterThan(40);
  });

  test.each(files)('%s', (rel) => {
    const abs = path.join(SHARED_DATA, rel);
    const rows = parseDataFile(abs);
    expect(rows).toBeGreaterThan(0);
    if (!rel.endsWith('.csv')) return;
    const p = parseCsv(readFileSync(abs, 'utf8'), abs);
    let timeColumns = 0;
    for (const c of TIME_COLUMNS) {
      if (!p.hasColumn(c)) continue;
      const t = p.timestamps(c);
      expect(t.every((x) => Number.isFinite(x))).toBe(true);
      timeColumns++;
    }
    if (!rel.includes('/params/') && !rel.includes('etherfi_seasonal') && !rel.includes('eigen_weekly') && !rel.includes('ethfi_topups')) expect(timeColumns).toBeGreaterThan(0);
    // every numeric-looking column of the first row parses as a number column
    for (const c of p.header) {
      const v = p.field(0, p.header.indexOf(c));
      if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v)) expect(p.numbers(c, { optional: true }).length).toBe(p.rowCount);
    }
  });

  test('row counts match data/README.md', () => {
    const count = (rel: string): number => parseDataFile(path.join(SHARED_DATA, rel));
    expect(count('binance/binance_BTCUSDT_spot_1h_2024-01-01_2025-09-29.csv')).toBe(14967);
    expect(count('okx/okx_ETHUSDT_funding_8h_2024-05-01_2025-09-07.csv')).toBe(1563);
    expect(count('aave_v3_ethereum/rates/aave_v3_ethereum_weETH_reserve_1h_interpolated_2024-05-12_2025-09-29.csv')).toBe(12120);
    expect(count('aave_v3_ethereum/oracle/aave_v3_ethereum_oracle_USDT_USD_1d_2024-01-01_2025-09-29.csv')).toBe(638);
    expect(count('aave_v3_ethereum/params/aave_v3_ethereum_reserve_config_snapshot_2025.csv')).toBe(16);
    expect(count('etherfi/etherfi_seasonal_drops_estimates_2024-03-01_2025-05-31.csv')).toBe(10);
    expect(count('bybit/bybit_ETHUSDT_perp_1m_2025-09-27_2025-09-28.csv')).toBe(2000);
    expect(count('uniswap_v3/uniswapv3_EIGENWETH_0.3pct_1h_2024-10-05_2025-09-27.csv')).toBe(8587);
  });

  test('quirks: BOM + empty first header cell, quoted fields with commas, comment lines', () => {
    const snap = path.join(SHARED_DATA, 'aave_v3_ethereum/params/aave_v3_ethereum_reserve_config_snapshot_2025.csv');
    const p = parseCsv(readFileSync(snap, 'utf8'), snap);
    expect(p.header[0]).toBe('');
    expect(p.header[1]).toBe('WETH');
    const drops = path.join(SHARED_DATA, 'etherfi/etherfi_seasonal_drops_estimates_2024-03-01_2025-05-31.csv');
    const q = parseCsv(readFileSync(drops, 'utf8'), drops);
    expect(q.strings('reward_per_eeth')[0]).toBe('~5–15');
    const oracle = path.join(SHARED_DATA, 'aave_v3_ethereum/oracle/aave_v3_ethereum_oracle_weETH_ETH_1h_interpolated_2024-05-12_2025-09-29.csv');
    const o = parseCsv(readFileSync(oracle, 'utf8'), oracle);
    expect(o.commentLines).toBe(6);
    expect(o.lineOf(0)).toBe(8);
    expect(o.timestamps('timestamp')[0]).toBe(Date.parse('2024-05-12T01:00:00Z'));
  });
});
