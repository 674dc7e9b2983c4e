// The service part 'http': serves the app on HOST:PORT; stop() closes it
// (in-flight requests finish, keep-alive sockets are closed).
import type { Context } from '../context.js';
import { once, type Handle } from '../core/lifecycle.js';
import { addArticle } from '../jobs/link-article.js';
import { createLinkDeps } from '../service/link-deps.js';
import type { ServicePart } from '../service/service.js';
import { buildApp } from './app.js';

export async function startHttpServer(ctx: Context): Promise<Handle & { url: string }> {
  const linkDeps = createLinkDeps(ctx);
  const app = await buildApp({
    ...ctx,
    articles: { add: (input) => addArticle(linkDeps, input) },
  });
  const url = await app.listen({ host: ctx.config.HOST, port: ctx.config.PORT });
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const stop = once(async () => {
    await app.close();
    await linkDeps.close();
    resolveDone();
  });
  return { stop, done, url };
}

export const httpPart: ServicePart = { name: 'http', start: startHttpServer };
