// A bare HTTP(S) client for checking the fake X's wire behaviour directly,
// without the adapter or twitter-api-v2 in between.
import http from 'node:http';
import https from 'node:https';

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown> | undefined;
}

export function wireGet(
  base: string,
  pathAndQuery: string,
  options: { token?: string | null; ca?: string; method?: string } = {},
): Promise<WireResponse> {
  const url = new URL(pathAndQuery, base);
  const request = url.protocol === 'https:' ? https.request : http.request;
  const headers: Record<string, string> = {};
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? 'fake-x-bearer-token'}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers, ca: options.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
