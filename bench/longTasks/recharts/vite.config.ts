/**
 * The app built with recharts drawing the live charts (RechartsLineChartDraw.tsx in place of
 * src/ui/charts/LineChartDraw.tsx), for the issue-15 long-task comparison. recharts comes from
 * RECHARTS_DIR (an `npm install recharts@3` outside the repo); React stays the app's own.
 *
 *   (cd /tmp/recharts-bench && npm install recharts@3)
 *   RECHARTS_DIR=/tmp/recharts-bench/node_modules npx vite build -c bench/longTasks/recharts/vite.config.ts
 *   npx vite preview -c bench/longTasks/recharts/vite.config.ts --port 4751
 */
import { fileURLToPath } from 'node:url';
import { mergeConfig, type Plugin } from 'vite';
import app from '../../../vite.config.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const rechartsDir = process.env.RECHARTS_DIR ?? '/tmp/recharts-bench/node_modules';

function swapChartRenderer(): Plugin {
  return {
    name: 'mtaa-recharts-renderer',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './LineChartDraw.tsx' && importer?.endsWith('/src/ui/charts/LineChartView.tsx')) return here('./RechartsLineChartDraw.tsx');
      return null;
    },
  };
}

export default mergeConfig(app, {
  root: here('../../../'),
  plugins: [swapChartRenderer()],
  resolve: { alias: { recharts: `${rechartsDir}/recharts` }, dedupe: ['react', 'react-dom'] },
  build: { outDir: process.env.OUT_DIR ?? '/tmp/mtaa-dist-recharts', emptyOutDir: true },
});
