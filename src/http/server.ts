// The service part 'http': serves the app on HOST:PORT; stop() closes it
// (in-flight requests finish, keep-alive sockets are closed). With a webhook
// link, it serves the X webhook route and says when it listens (X checks the
// URL as soon as the stream job registers it).
import type { Context } from '../context.js';
import { once, type Handle } from '../core/lifecycle.js';
import { addArticle } from '../jobs/link-article.js';
import { createLinkDeps } from '../service/link-deps.js';
import type { ServicePart } from '../service/service.js';
import { buildApp } from './app.js';
import type { ServedWebhookLink } from '../jobs/webhook-intake.js';

export async function startHttpServer(ctx: Context, xWebhook?: ServedWebhookLink): Promise<Handle & { url: string }> {
  const linkDeps = createLinkDeps(ctx);
  const app = await buildApp({
    ...ctx,
    articles: { add: (input) => addArticle(linkDeps, input) },
    ...(xWebhook ? { xWebhook } : {}),
  });
  const url = await app.listen({ host: ctx.config.HOST, port: ctx.config.PORT });
  xWebhook?.markListening();
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const stop = once(async () => {
    await app.close();
    await linkDeps.close();
    resolveDone();
  });
  return { stop, done, url };
}

export function createHttpPart(xWebhook?: ServedWebhookLink): ServicePart {
  return { name: 'http', start: (ctx) => startHttpServer(ctx, xWebhook) };
}

export const httpPart: ServicePart = createHttpPart();
