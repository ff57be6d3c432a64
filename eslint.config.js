// Lint rules, including the folder boundaries the README describes: shared/ is pure, client and server never meet.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os'], message: 'shared/ is pure: no Node.js modules.' },
            { group: ['**/server/**', '**/client/**', 'react', 'react-dom'], message: 'shared/ imports only zod and itself.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'shared/ takes time as an argument.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'shared/ is deterministic.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'shared/ takes time as an argument.' },
      ],
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': restrict(['**/server/**', 'node:*'], 'client/ imports shared/, never server/.') },
  },
  {
    // A feature lives one folder below client/features/: `../name/…` from there is another feature.
    files: ['client/features/*/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', 'node:*'], message: 'client/ imports shared/, never server/.' },
            { regex: '^\\.\\./(?!\\.)', message: 'Features never import each other: share through client/store or client/components.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(['**/client/**'], 'server/ imports shared/, never client/.') },
  },
);
