// A gradient peer's thread (src/cli/gradientThreads.ts starts it): TypeScript through tsx, as the
// `mtaa` bin runs, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('./gradientPeerThread.ts');
