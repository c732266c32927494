import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.serverless/', '.esbuild/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  // CommonJS files (loaded by serverless.yml and serverless-esbuild) import with require().
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Layering: the domain imports only the domain; use cases only the domain and ports; AWS names stay in adapters/aws.
  // (One rule entry per file set: a later no-restricted-imports for the same files would replace an earlier one.)
  layer(['src/domain/**'], ['**/adapters/**', '**/app/**', '**/cli/**', '**/config/**', '**/ports/**', '@aws-sdk/*', 'better-sqlite3'], 'src/domain is pure: it imports only the domain.'),
  layer(['src/app/**'], ['**/adapters/**', '**/cli/**', '@aws-sdk/*', 'better-sqlite3', 'acme-client'], 'use cases reach the world only through src/ports.'),
  layer(['src/cli/**'], ['**/adapters/**', '@aws-sdk/*', 'better-sqlite3', 'ajv', 'ajv/*'], 'the CLI reaches state through use cases (src/app) and its one runtime seam (src/cli/runtime.ts, backed by src/composition).'),
  layer(['src/roles-anywhere/**'], ['**/adapters/**', '**/app/**', '**/cli/**', '**/config/**', '**/composition/**', '@aws-sdk/*', '@smithy/*', 'better-sqlite3'], 'src/roles-anywhere is a library workloads import: Node crypto and fetch, error codes and the KeyStore port only.'),
  layer(['src/adapters/local/**', 'src/adapters/acme/**', 'src/adapters/slack/**', 'src/config/**', 'src/ports/**', 'src/crypto/**'], ['@aws-sdk/*'], 'AWS SDK names appear only inside src/adapters/aws.'),
);
