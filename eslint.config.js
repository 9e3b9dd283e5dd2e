// ESLint: typescript-eslint type-aware rules, the layer rule (imports point down) and the index-surface rule (README "Layout").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { dirname, relative, resolve } from 'node:path';

/**
 * The layers of src/: each folder may import only from itself and the folders listed (imports point
 * down; README "Layout" explains why). Adding a folder means adding it here.
 */
const LAYERS = {
  domain: [],
  log: ['domain'],
  config: ['domain', 'log'],
  data: ['domain', 'log', 'config'],
  regime: ['domain', 'log', 'config', 'data'],
  strategy: ['domain', 'log', 'config'],
  state: ['domain', 'log', 'config', 'regime'],
  integrations: ['domain', 'log', 'config', 'data', 'strategy'],
  engine: ['domain', 'log', 'config', 'data', 'regime', 'strategy'],
  broker: ['domain', 'log', 'config', 'engine'],
  report: ['domain', 'log', 'config', 'data', 'regime', 'strategy', 'engine'],
  monitor: ['domain', 'log', 'config', 'state', 'engine', 'strategy'],
  backtest: ['domain', 'log', 'config', 'data', 'regime', 'strategy', 'integrations', 'engine', 'broker', 'report'],
  live: ['domain', 'log', 'config', 'data', 'regime', 'strategy', 'integrations', 'state', 'engine', 'broker', 'monitor', 'report'],
  rl: ['domain', 'log', 'config', 'data', 'regime', 'strategy', 'engine', 'broker', 'report'],
  optimize: ['domain', 'log', 'config', 'data', 'regime', 'strategy', 'engine', 'report'],
  app: [
    'domain',
    'log',
    'config',
    'data',
    'regime',
    'strategy',
    'integrations',
    'state',
    'engine',
    'broker',
    'report',
    'monitor',
    'backtest',
    'live',
    'rl',
    'optimize',
  ],
  cli: [
    'domain',
    'log',
    'config',
    'data',
    'regime',
    'strategy',
    'integrations',
    'state',
    'engine',
    'broker',
    'report',
    'monitor',
    'backtest',
    'live',
    'rl',
    'optimize',
    'app',
  ],
};

const layerZones = Object.entries(LAYERS).map(([layer, allowed]) => ({
  target: `./src/${layer}`,
  from: './src',
  except: [`./${layer}`, ...allowed.map((a) => `./${a}`)],
  message: `src/${layer}/ may import only from ${[layer, ...allowed].join(', ')} (see README "Layout")`,
}));

const SRC = resolve(import.meta.dirname, 'src');

/** Each folder's index.ts is its surface: a module outside src/<folder>/ imports that folder only through it. */
const indexSurface = {
  meta: { type: 'problem', schema: [], messages: { deep: 'import src/{{folder}}/ through its surface src/{{folder}}/index.ts (not {{path}})' } },
  create(context) {
    const file = context.filename;
    const own = relative(SRC, file).split('/')[0];
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = relative(SRC, resolve(dirname(file), spec));
      const parts = target.split('/');
      if (parts[0] === '..' || parts.length < 2 || parts[0] === own) return;
      if (parts.length === 2 && parts[1] === 'index.ts') return;
      context.report({ node: node.source, messageId: 'deep', data: { folder: parts[0], path: `src/${target}` } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default tseslint.config(
  { ignores: ['vitest.config.ts', 'node_modules/**', 'dist/**', 'reports/**', 'test-artifacts/**', 'coverage/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { txbot: { rules: { 'index-surface': indexSurface } } },
    rules: { 'txbot/index-surface': 'error' },
  },
  {
    // The pure core (README "Layout"): no file, network, process or thread I/O, and time and randomness
    // only through the Clock (domain/clock.ts) and the seeded generator (domain/random.ts).
    files: ['src/domain/**/*.ts', 'src/regime/**/*.ts', 'src/strategy/**/*.ts', 'src/engine/**/*.ts'],
    ignores: ['src/domain/clock.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^node:(fs|fs/promises|net|http|https|dgram|worker_threads|child_process|cluster)$',
              message: 'domain/, regime/, strategy/ and engine/ do no I/O: do it in state/, integrations/, live/ or app/ and pass the data in',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'read time from the bar or a Clock (domain/clock.ts)' },
        { object: 'Math', property: 'random', message: 'use the seeded generator (domain/random.ts)' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
  },
);
