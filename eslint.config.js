import tseslint from 'typescript-eslint';

/**
 * The layers: domain types, protocol maths, components and strategies know nothing of data loading, files, the
 * report, the CLI, config parsing, the run-directory code, the mode registry or the assemblies (engine, backtest).
 * data/series.ts is the one data module they may read: the contract of a market timeline (keys, columns, source
 * tags), no loading. The mode definitions (src/modes) sit above them: they assemble strategies and config schema
 * pieces, and know nothing of the report, the CLI, run directories, the engine or data loading.
 */
const CORE_LAYERS = ['src/domain/**/*.ts', 'src/kernel/**/*.ts', 'src/protocols/**/*.ts', 'src/components/**/*.ts', 'src/strategies/**/*.ts'];
const layerRule = {
  patterns: [
    { regex: '(^|/)(report|cli|config|runs|engine|modes|store|api|jobs)(/|$)', message: 'a core layer (domain, kernel, protocols, components, strategies) must not import the report, CLI, config parsing, run directories, the mode registry, the engine, the results store, the API or jobs: move the shared type to src/domain' },
    { regex: '(^|/)data/(?!series\\.js$)', message: 'a core layer must not import data loading: only data/series.js (the timeline contract) is allowed; move shared types to src/domain' },
    { regex: '^(node:)?(fs|fs/promises|child_process|net|http|https)$', message: 'a core layer does no I/O' },
    { regex: '(^|/)venues/(?!costs\\.js$)', message: 'a core layer (the kernel included) reaches venues only through the ExecutionClient interface in src/kernel: the simulated and live clients are plugged in by the assemblies' },
  ],
};

const modesLayerRule = {
  patterns: [
    { regex: '(^|/)(report|cli|runs|engine|store|api|jobs)(/|$)', message: 'a mode definition must not import the report, CLI, run directories, the engine, the results store, the API or jobs: it describes a mode, the assemblies run it' },
    { regex: '(^|/)data/(?!series\\.js$)', message: 'a mode definition must not import data loading: only data/series.js (the timeline contract) is allowed' },
    { regex: '^(node:)?(fs|fs/promises|child_process|net|http|https)$', message: 'a mode definition does no I/O' },
  ],
};

export default tseslint.config(
  { ignores: ['web/dist/**', 'dist/**', '.perf/**', 'node_modules/**', 'var/**', 'out/**', 'results/**', 'bench/*.js', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'off',
    },
  },
  {
    files: CORE_LAYERS,
    rules: { 'no-restricted-imports': ['error', layerRule] },
  },
  {
    files: ['src/modes/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', modesLayerRule] },
  },
);
