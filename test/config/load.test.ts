import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { MODE_NAMES } from '../../src/modes/registry.js';
import { cleanupSandboxes, lineIn, REAL_CONFIGS, sandbox, SHARED_DATA } from './helpers.js';

afterAll(cleanupSandboxes);

describe('the shipped configs', () => {
  it('load and validate for every environment, with the data directory', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const loaded = loadConfig({ configDir: REAL_CONFIGS, deployDir: '/nonexistent', environ: {}, env, dataDir: SHARED_DATA });
      expect(loaded.env).toBe(env);
      expect(Object.keys(loaded.config.modes).sort()).toEqual([...MODE_NAMES].sort());
    }
  });

  it('default to the package configs/ and to dev', () => {
    const loaded = loadConfig({ environ: {} });
    expect(loaded.env).toBe('dev');
    expect(loaded.sourceOf('engine.stepMinutes')?.file).toBe('configs/default.json');
  });

  it('hold the coherent parameter set', () => {
    const { config } = sandbox().load();
    expect(config.engine).toEqual({ stepMinutes: 60, fundingHoursUtc: [0, 8, 16], reconciliationTolerance: 1e-6 });
    expect(config.report).toEqual({ minApyWindowDays: 30 });
    expect(config.aave.emode).toEqual({ ltv: 0.93, liquidationThreshold: 0.95, liquidationBonus: 0.01 });
    expect(config.aave.reserves.weETH).toEqual({ ltv: 0.775, liquidationThreshold: 0.8, liquidationBonus: 0.07, reserveFactor: 0.45 });
    expect(config.cex.bybit.perpFees).toEqual({ makerRate: 0.0002, takerRate: 0.00055 });
    expect(config.cex.okx.venue).toBe('okx');
    expect(config.cex.binance.maintenanceMarginRate).toBeLessThan(config.cex.binance.initialMarginRate);
    expect(config.costs.gasUnits.WRAP_ETH).toBe(45000);
    expect(config.costs.slippage.dexLstETH.wstETH).toEqual({ upTo10kBps: 15, upTo100kBps: 18, upTo1mBps: 27 });
    expect(config.data.series['perp:okx:BTCUSDT']).toEqual({ onMissing: 'fallback', maxStaleHours: 1, fallback: 'perp:binance:BTCUSDT' });
    expect(config.venues.aave_v3).toEqual(expect.objectContaining({ venue: 'aave_v3', kind: 'lending' }));
    expect(Object.keys(config.venues).sort()).toEqual(['aave_v3', 'binance', 'bybit', 'curve', 'etherfi', 'lido', 'okx', 'uniswap', 'wallet']);
    const s = config.modes.eth_leveraged.strategy;
    expect(s.kind === 'eth_leveraged' && s.leverage.targetLtvBuffer).toBe(0.02215);
    expect(config.secrets.alchemy).toEqual({ rpcUrl: null, privateKey: null, walletAddress: null });
  });

  it('resolve RunParams per mode without the window fields', () => {
    const { config } = sandbox().load();
    const run = resolveRunParams(config, 'usdt_market_neutral');
    expect(run.mode.mode).toBe('usdt_market_neutral');
    expect(run.mode).not.toHaveProperty('start');
    expect(run.cex.okx.venue).toBe('okx');
    expect(run.aave).toBe(config.aave);
    expect(run.engine.stepMinutes).toBe(60);
  });
});

describe('layer precedence', () => {
  it('default.json < <env>.json', () => {
    const s = sandbox();
    expect(s.load({ env: 'dev' }).config.logging.level).toBe('debug');
    const prod = s.load({ env: 'prod' });
    expect(prod.config.logging.level).toBe('warn');
    expect(prod.sourceOf('logging.level')).toEqual({ layer: 'env', file: 'configs/prod.json', line: 2 });
    expect(prod.sourceOf('paths.dataDir')?.layer).toBe('default');
  });

  it('BASIS_ENV picks the environment; an explicit env wins', () => {
    const s = sandbox();
    expect(s.load({ environ: { BASIS_ENV: 'staging' } }).env).toBe('staging');
    expect(s.load({ environ: { BASIS_ENV: 'staging' }, env: 'prod' }).env).toBe('prod');
  });

  it('<env>.json < YAML layers (a mode file beats default and env json)', () => {
    const s = sandbox();
    s.write('dev.json', JSON.stringify({ logging: { level: 'debug' }, modes: { btc_basis: { initialCapital: 1 } }, aave: { closeFactor: 0.4 } }));
    const { config } = s.load();
    expect(config.modes.btc_basis.initialCapital).toBe(100000);
    expect(config.aave.closeFactor).toBe(0.5);
  });

  it('YAML kinds fill their own sections (share_classes, then venues → venues/aave/cex, then modes)', () => {
    const s = sandbox();
    const loaded = s.load();
    expect(loaded.sourceOf('shareClasses.usdt.decimals')?.layer).toBe('share_class');
    expect(loaded.sourceOf('venues.okx.kind')?.layer).toBe('venue');
    expect(loaded.sourceOf('cex.okx.initialMarginRate')?.layer).toBe('venue');
    expect(loaded.sourceOf('modes.pure_lending.initialCapital')?.layer).toBe('mode');
  });

  it('YAML < local.json', () => {
    const s = sandbox();
    s.write('local.json', '{\n  "modes": { "btc_basis": { "initialCapital": 5000 } },\n  "aave": { "closeFactor": 0.4 }\n}\n');
    const loaded = s.load();
    expect(loaded.config.modes.btc_basis.initialCapital).toBe(5000);
    expect(loaded.config.aave.closeFactor).toBe(0.4);
    expect(loaded.sourceOf('modes.btc_basis.initialCapital')).toEqual({ layer: 'local', file: 'configs/local.json', line: 2 });
  });

  it('local.json < --set', () => {
    const s = sandbox();
    s.write('local.json', '{ "modes": { "btc_basis": { "initialCapital": 5000 } } }');
    const loaded = s.load({ overrides: ['modes.btc_basis.initialCapital=7000', 'engine.fundingHoursUtc=[0,12]', 'modes.btc_basis.start=2024-06-01'] });
    expect(loaded.config.modes.btc_basis.initialCapital).toBe(7000);
    expect(loaded.config.engine.fundingHoursUtc).toEqual([0, 12]);
    expect(loaded.config.modes.btc_basis.start).toBe('2024-06-01');
    expect(loaded.sourceOf('modes.btc_basis.initialCapital')).toEqual({ layer: 'cli', variable: 'modes.btc_basis.initialCapital=…' });
  });

  it('--set < BASIS__ environment variables (segments matched case-insensitively, typed by the existing value)', () => {
    const s = sandbox();
    const loaded = s.load({
      overrides: ['modes.btc_basis.initialCapital=7000'],
      environ: {
        BASIS__MODES__BTC_BASIS__INITIALCAPITAL: '5000',
        BASIS__ENGINE__STEPMINUTES: '30',
        BASIS__ENGINE__FUNDINGHOURSUTC: '[0, 8]',
        BASIS__PATHS__DATADIR: '/data/basis',
        BASIS__MODES__ETH_LEVERAGED__STRATEGY__LEVERAGE__ENTRYMETHOD: 'loop',
        'BASIS__DATA__SERIES__GAS:ETHEREUM:GWEI__MAXSTALEHOURS': '4',
        BASIS_ENV: 'dev',
        OTHER__VAR: 'ignored',
      },
    });
    const c = loaded.config;
    expect(c.modes.btc_basis.initialCapital).toBe(5000);
    expect(c.engine.stepMinutes).toBe(30);
    expect(c.engine.fundingHoursUtc).toEqual([0, 8]);
    expect(c.paths.dataDir).toBe('/data/basis');
    const s2 = c.modes.eth_leveraged.strategy;
    expect(s2.kind === 'eth_leveraged' && s2.leverage.entryMethod).toBe('loop');
    expect(c.data.series['gas:ethereum:gwei']?.maxStaleHours).toBe(4);
    expect(loaded.sourceOf('modes.btc_basis.initialCapital')).toEqual({ layer: 'environ', variable: 'BASIS__MODES__BTC_BASIS__INITIALCAPITAL' });
  });

  it('BASIS__ environment variables < deploy/.env < deploy/.env.<env>; dotenv never touches process.env', () => {
    const s = sandbox();
    s.write('deploy/.env', '# secrets\nBASIS__SECRETS__BINANCE__APIKEY=from-dotenv\nBASIS__SECRETS__OKX__PASSPHRASE="pass phrase"\nBASIS__MODES__BTC_BASIS__INITIALCAPITAL=6000\nUNRELATED=1\n');
    s.write('deploy/.env.staging', 'BASIS__MODES__BTC_BASIS__INITIALCAPITAL=8000\n');
    const before = { ...process.env };
    const dev = s.load({ environ: { BASIS__MODES__BTC_BASIS__INITIALCAPITAL: '5000', BASIS__SECRETS__BINANCE__APIKEY: 'from-env' } });
    expect(dev.config.modes.btc_basis.initialCapital).toBe(6000);
    expect(dev.config.secrets.binance.apiKey).toBe('from-dotenv');
    expect(dev.config.secrets.okx.passphrase).toBe('pass phrase');
    expect(dev.sourceOf('secrets.binance.apiKey')).toEqual({ layer: 'dotenv', file: 'deploy/.env', line: 2, variable: 'BASIS__SECRETS__BINANCE__APIKEY' });
    const staging = s.load({ env: 'staging' });
    expect(staging.config.modes.btc_basis.initialCapital).toBe(8000);
    expect(staging.sourceOf('modes.btc_basis.initialCapital')?.file).toBe('deploy/.env.staging');
    expect(process.env).toEqual(before);
    expect(process.env.UNRELATED).toBeUndefined();
  });

  it('arrays are replaced whole, objects merged key by key', () => {
    const s = sandbox();
    s.write('local.json', '{ "modes": { "pure_lending": { "venues": ["wallet", "aave_v3"], "strategy": { "gasFloat": { "minEth": 0.01 } } } } }');
    const m = s.load().config.modes.pure_lending;
    expect(m.venues).toEqual(['wallet', 'aave_v3']);
    expect(m.strategy.gasFloat).toEqual({ targetEth: 0.05, minEth: 0.01 });
  });
});

describe('explain', () => {
  it('names the layer, file and line of every value', () => {
    const s = sandbox();
    s.write('local.json', '{\n  "engine": {\n    "stepMinutes": 15\n  }\n}\n');
    const loaded = s.load({ environ: { BASIS__MODES__BTC_BASIS__INITIALCAPITAL: '5000' } });
    const all = loaded.explain();
    const byPath = new Map(all.map((e) => [e.path, e]));
    expect(byPath.get('engine.stepMinutes')).toEqual({ path: 'engine.stepMinutes', value: 15, source: { layer: 'local', file: 'configs/local.json', line: 3 } });
    expect(byPath.get('engine.fundingHoursUtc')?.source).toEqual({ layer: 'default', file: 'configs/default.json', line: lineIn(s, 'default.json', '"fundingHoursUtc"') });
    expect(byPath.get('modes.btc_basis.initialCapital')?.source).toEqual({ layer: 'environ', variable: 'BASIS__MODES__BTC_BASIS__INITIALCAPITAL' });
    expect(byPath.get('aave.emode.ltv')?.source).toEqual({ layer: 'venue', file: 'configs/venues/aave_v3.yaml', line: lineIn(s, 'venues/aave_v3.yaml', 'ltv: 0.93') });
    expect(byPath.get('cex.okx.perpFees.takerRate')?.source.file).toBe('configs/venues/okx.yaml');
    expect(byPath.get('shareClasses.eth.supportedModes')?.source.layer).toBe('share_class');
    expect(byPath.get('modes.eth_leveraged.strategy.leverage.targetLtvBuffer')?.source).toEqual({
      layer: 'mode',
      file: 'configs/modes/eth_leveraged.yaml',
      line: lineIn(s, 'modes/eth_leveraged.yaml', 'targetLtvBuffer:'),
    });
    // every leaf of the config is explained exactly once
    expect(all.every((e) => e.source.layer !== undefined)).toBe(true);
    expect(new Set(all.map((e) => e.path)).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(200);
  });

  it('filters by path prefix and redacts secrets', () => {
    const s = sandbox();
    const loaded = s.load({ environ: { BASIS__SECRETS__BYBIT__SECRET: 'super-secret-value' } });
    const rows = loaded.explain('secrets.bybit');
    expect(rows.map((r) => r.path)).toEqual(['secrets.bybit.apiKey', 'secrets.bybit.secret']);
    expect(rows[0]?.value).toBeNull();
    expect(rows[1]?.value).toBe('[redacted]');
    expect(JSON.stringify(loaded.explain())).not.toContain('super-secret-value');
  });
});
