#!/usr/bin/env node
// The `mtaa` bin: runs the TypeScript CLI through tsx so there is no build step between a
// checkout and `npx mtaa`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`mtaa: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
