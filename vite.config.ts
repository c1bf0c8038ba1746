import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * The Content-Security-Policy of the built app: everything from the page's own origin, nothing from
 * anywhere else. `'wasm-unsafe-eval'` lets tfjs compile its WebAssembly backend (and nothing else:
 * no eval, no inline script); blob: and data: images are the chart PNG export and the empty favicon.
 * It is sent as a header by `vite preview` (a header also covers the worker script, which a meta
 * tag does not) and written into the built index.html as a meta tag for any static host.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  // Styles only: the charts render their stylesheet as a React <style> element (src/ui/charts/
  // ChartStyles.tsx). Drop 'unsafe-inline' once that is a .css file; scripts never get it.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Headers-only directives (browsers ignore them in a meta tag). */
const HEADER_ONLY = ["frame-ancestors 'none'"];

function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'mtaa-content-security-policy',
    // Build only: the dev server injects inline scripts and styles (React refresh, HMR) that this policy refuses.
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

// One config for the app (Vite) and the unit tests (Vitest).
export default defineConfig({
  plugins: [react(), contentSecurityPolicyMeta()],
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    headers: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY, ...HEADER_ONLY].join('; '), 'X-Content-Type-Options': 'nosniff' },
  },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
