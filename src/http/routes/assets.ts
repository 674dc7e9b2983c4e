// Static files of the pages: our stylesheet and chart script, and uPlot's
// files served straight from node_modules (no CDN: pages work offline).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { packagePath } from '../../package-root.js';

const require = createRequire(import.meta.url);
const publicFile = (name: string) => packagePath('src', 'http', 'public', name);

const ASSETS: Record<string, { file: string; type: string }> = {
  'style.css': { file: publicFile('style.css'), type: 'text/css; charset=utf-8' },
  'account-chart.js': { file: publicFile('account-chart.js'), type: 'text/javascript; charset=utf-8' },
  'live-posts.js': { file: publicFile('live-posts.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.iife.min.js': {
    file: require.resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'uPlot.min.css': { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

export function registerAssets(app: FastifyInstance): void {
  const loaded = new Map(
    Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(a.file), type: a.type }]),
  );
  // Browsers ask for /favicon.ico whatever the page says.
  const favicon = readFileSync(publicFile('favicon.ico'));
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'image/x-icon').header('cache-control', 'public, max-age=86400').send(favicon),
  );
  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = loaded.get(request.params.name);
    if (!asset) return reply.code(404).send({ error: 'not_found', message: 'no such asset' });
    return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=3600').send(asset.body);
  });
}
