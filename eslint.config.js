import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// The layering of DESIGN.md §1 is enforced here: each floor may only import the floors below it.
const tfjs = ['@tensorflow/*'];
const noUpward = (patterns, message) => ['error', { patterns: [{ group: patterns, message }] }];

const htmlSink = (property) => ({ property, message: `${property} parses HTML; render file content as text (JSX children, textContent).` });
const noHtmlSinks = {
  'no-restricted-properties': [
    'error',
    ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'parseFromString'].map(htmlSink),
    ...['write', 'writeln'].map((property) => ({ object: 'document', ...htmlSink(property) })),
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'dangerouslySetInnerHTML parses HTML; render file content as text.' },
    { selector: "Property[key.name='dangerouslySetInnerHTML']", message: 'dangerouslySetInnerHTML parses HTML; render file content as text.' },
    { selector: "CallExpression[callee.name='eval'], NewExpression[callee.name='Function']", message: 'No eval: the Content-Security-Policy refuses it.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'e2e-artifacts'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // File content (tokens, tags, file names, error messages) is only ever rendered as text: no
      // HTML sinks anywhere, so a token like `<img onerror=…>` can never become markup.
      ...noHtmlSinks,
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': noUpward(
        [...tfjs, '**/model/**', '**/train/**', '**/cli/**', '**/workers/**'],
        'The UI talks to the worker through src/protocol.ts only; it never imports tfjs, model or train.',
      ),
    },
  },
  {
    files: ['src/data/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        [...tfjs, 'react', 'react-dom', '**/metrics/**', '**/model/**', '**/train/**', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/data is floor 1: pure TypeScript, importing nothing of ours above it.',
      ),
    },
  },
  {
    files: ['src/metrics/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        [...tfjs, 'react', 'react-dom', '**/model/**', '**/train/**', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/metrics is floor 2: pure TypeScript.',
      ),
    },
  },
  {
    files: ['src/study/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        [...tfjs, 'react', 'react-dom', 'node:*', '**/model/**', '**/train/**', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/study is pure TypeScript shared by the page and the CLI: data, metrics and protocol types only.',
      ),
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        ['react', 'react-dom', '**/train/**', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/model knows tfjs but not the trainer, the UI or the worker.',
      ),
    },
  },
  {
    files: ['src/train/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        ['react', 'react-dom', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/train knows tfjs but no DOM, UI or worker.',
      ),
    },
  },
);
