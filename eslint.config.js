import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// The layering of DESIGN.md §1 is enforced here: each floor may only import the floors below it.
const tfjs = ['@tensorflow/*'];
/** What the UI may not import (DESIGN.md §1): nothing that runs tfjs or lives in the worker. */
const uiUpward = [...tfjs, '**/model/**', '**/train/**', '**/workbench/**', '**/cli/**', '**/workers/**'];
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
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'e2e-artifacts', '.vite'] },
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
        [...uiUpward, 'comlink'],
        'The UI imports src/core, src/data types and src/protocol.ts; it never imports tfjs, model, train or the workbench. It reaches the worker through the store, whose one worker client (src/ui/workerClient.ts) alone imports comlink.',
      ),
    },
  },
  {
    // The page's one worker client: the only UI module that knows comlink.
    files: ['src/ui/workerClient.ts'],
    rules: {
      'no-restricted-imports': noUpward(uiUpward, 'The UI imports src/core, src/data types and src/protocol.ts; it never imports tfjs, model, train or the workbench.'),
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        [...tfjs, 'react', 'react-dom', '**/data/**', '**/metrics/**', '**/model/**', '**/train/**', '**/workbench/**', '**/protocol.ts', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/core is floor 1: pure TypeScript that every layer imports, importing nothing of ours.',
      ),
    },
  },
  {
    files: ['src/data/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        [...tfjs, 'react', 'react-dom', '**/metrics/**', '**/model/**', '**/train/**', '**/workbench/**', '**/protocol.ts', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/data is floor 2: pure TypeScript, importing nothing of ours above it.',
      ),
    },
  },
  {
    files: ['src/metrics/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        [...tfjs, 'react', 'react-dom', '**/model/**', '**/train/**', '**/workbench/**', '**/protocol.ts', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/metrics is floor 3: pure TypeScript.',
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
        ['react', 'react-dom', '**/train/**', '**/workbench/**', '**/protocol.ts', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/model knows tfjs but not the trainer, the UI or the worker.',
      ),
    },
  },
  {
    files: ['src/train/**/*.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        ['react', 'react-dom', '**/workbench/**', '**/protocol.ts', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/train is the tfjs core shared by the CLI and the worker: it knows neither the page <-> worker API nor the workbench.',
      ),
    },
  },
  {
    files: ['src/workbench/**/*.ts'],
    // Its tests may put the real tfjs engine under the workbench (an integration test, *.test.ts).
    ignores: ['src/workbench/**/*.test.ts'],
    rules: {
      'no-restricted-imports': noUpward(
        [...tfjs, 'react', 'react-dom', '**/ui/**', '**/cli/**', '**/workers/**'],
        'src/workbench is the worker-side application without tfjs: the tfjs side comes in through its deps (a SessionEngine).',
      ),
    },
  },
);
