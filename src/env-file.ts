// Settings from a `.env` file in the working directory (as .env.example
// suggests), under the real environment: a variable set in both keeps the
// environment's value. Read once by the entry points, passed on as one record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './core/errors.js';

export type Env = Record<string, string | undefined>;

/** The variables of `<dir>/.env`; none when the file does not exist. */
export function readEnvFile(dir: string): Env {
  const path = join(dir, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseEnv(text);
}

/** The environment over the file: what is set (even empty) in `env` wins. */
export function withEnvFile(env: Env, file: Env): Env {
  const merged: Env = { ...file };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}
