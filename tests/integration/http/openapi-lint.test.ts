// The OpenAPI document as an API linter reads it: Redocly's recommended rules
// (@redocly/openapi-core, offline), no errors and no warnings.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';

const getDb = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp(getDb());
});
afterAll(async () => app?.close());

describe('/api/openapi.json', () => {
  it('lints clean with the recommended rules', async () => {
    const res = await app.inject('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: res.body, absoluteRef: 'openapi.json', config });
    const found = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(found).toEqual([]);
  });

  it('names every operation and describes every answer', async () => {
    const doc = (await app.inject('/api/openapi.json')).json() as {
      paths: Record<
        string,
        Record<string, { operationId?: string; responses: Record<string, { description: string }> }>
      >;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, ...op })),
    );
    expect(operations.length).toBeGreaterThan(8);
    for (const op of operations) {
      expect(op.operationId, op.at).toMatch(/^[a-z][A-Za-z]+$/);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${op.at} ${status}`).not.toBe('Default Response');
      }
    }
    const addArticle = operations.find((op) => op.at === 'POST /api/articles')!;
    expect(Object.keys(addArticle.responses)).toEqual(expect.arrayContaining(['200', '201']));
    expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
  });
});
