// comlink ships the Node adapter's types beside its `.mjs` as `node-adapter.d.ts`, where TypeScript
// does not look for an `.mjs` import's types.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
