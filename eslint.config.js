import tseslint from 'typescript-eslint';

/**
 * The layers: domain types, protocol maths, components and strategies know nothing of data loading, files, the
 * report, the CLI, config parsing, the run-directory code or the assemblies (engine, backtest). data/series.ts is
 * the one data module they may read: the contract of a market timeline (keys, columns, source tags), no loading.
 */
const CORE_LAYERS = ['src/domain/**/*.ts', 'src/kernel/**/*.ts', 'src/protocols/**/*.ts', 'src/components/**/*.ts', 'src/strategies/**/*.ts'];
const layerRule = {
  patterns: [
    { regex: '(^|/)(report|cli|config|runs|engine)(/|$)', message: 'a core layer (domain, protocols, components, strategies) must not import the report, CLI, config parsing, run directories or the engine: move the shared type to src/domain' },
    { regex: '(^|/)data/(?!series\\.js$)', message: 'a core layer must not import data loading: only data/series.js (the timeline contract) is allowed; move shared types to src/domain' },
    { regex: '^(node:)?(fs|fs/promises|child_process|net|http|https)$', message: 'a core layer does no I/O' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'out/**', 'results/**', 'bench/*.js', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: CORE_LAYERS,
    rules: { 'no-restricted-imports': ['error', layerRule] },
  },
);
