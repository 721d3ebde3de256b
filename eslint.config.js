// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test-results/', 'appPackage/build/', '.azurite/', '.localdata/', '.tmp/', 'devTools/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Counts, sizes and durations go into log lines, bench tables and card text all the time; a number prints as itself.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowAny: false, allowBoolean: false, allowNullish: false, allowRegExp: false, allowNever: false },
      ],
      // `() => resolve()` and `return json(res, 200, body)` in a void function are the house's style for ending a path with a call.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // Port implementations (in-memory twins, table stores) stay `async` without awaiting so a throw is a rejection, as the port promises.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore names a value kept on purpose: a port parameter the twin ignores, or a key dropped by rest destructuring.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `form.x || undefined` and `name || 'a team'` treat an empty string as "not given" on purpose: card inputs arrive as ''.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      // noUncheckedIndexedAccess makes every index and regex group `T | undefined`; after a bounds or match check, `!` states what the
      // code has just proved, where a runtime re-check could never fail (a defect by STYLE.md) and would only add dead branches.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Answers are `Partial<Record<CId, …>>` shaped like the stored entity; deleting a C's key is exactly "this C has no answer".
      '@typescript-eslint/no-dynamic-delete': 'off',
      // A `let` that a callback made earlier reads (`holder?.kill()`) and a later line sets once cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `[...text]` splits by code point on purpose: every character limit in cards and notes counts code points, not UTF-16 units.
      '@typescript-eslint/no-misused-spread': ['error', { allow: [{ from: 'lib', name: 'string' }] }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      // Failure messages, bench tables and script output should say `undefined`, `null` or the pattern when that is what was there.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowNullish: true, allowRegExp: true, allowAny: false, allowBoolean: false, allowNever: false },
      ],
      // Card JSON and HTTP bodies are walked as `unknown`; `String(x)` of something that is not a string makes the assertion fail, as it should.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // `afterAll(() => bot?.close())` guards a `let bot: TestBot` that a failed `beforeAll` left unassigned, which its type cannot say.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      // The bench reads results JSON written by earlier runs and raw activities off the wire; their declared types promise more than arrives.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    files: ['scripts/measure-summary-height.ts'],
    rules: {
      // The callback runs inside the browser page, and this project compiles without DOM types, so the page's globals are `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
