// A local webhook that records, per post ID, the delivery IDs that carried it
// (the `X-Onrecord-Delivery` header): what the fault tests count to prove
// "one alert per post, never twice".
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DeliveryReceiver {
  url: string;
  /** Post ID → the delivery IDs that carried it. */
  received: Map<string, Set<string>>;
  close(): Promise<void>;
}

export async function startDeliveryReceiver(): Promise<DeliveryReceiver> {
  const received = new Map<string, Set<string>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: { post: { id: string } }[] };
      const delivery = String(req.headers['x-onrecord-delivery'] ?? '');
      for (const event of body.events) {
        const ids = received.get(event.post.id) ?? new Set<string>();
        received.set(event.post.id, ids.add(delivery));
      }
      res.writeHead(204).end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
