// The log's signing key: ONRECORD_LOG_KEY when set (a signed-note private
// key, PRIVATE+KEY+name+hash+base64), otherwise the key in
// ONRECORD_DATA_DIR/log-key, created (mode 0600) on first use. Rotating the key
// means supplying a new one: checkpoints keep the verifier key that signed
// them, so older checkpoints still verify.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, InvalidInput } from '../../core/errors.js';
import { formatSignerKey, parseSignerKey, signerFromSeed, type SignerKey } from '../../core/signed-note.js';

export const LOG_KEY_FILE = 'log-key';

export interface LogKeyOptions {
  /** ONRECORD_LOG_KEY. */
  keyText?: string | undefined;
  dataDir: string;
  /** The name a new key gets (the log's origin). */
  name: string;
}

export function loadLogKey(options: LogKeyOptions): SignerKey {
  if (options.keyText) return parse(options.keyText, 'ONRECORD_LOG_KEY');
  const path = join(options.dataDir, LOG_KEY_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) return parse(text, path);
  const key = signerFromSeed(options.name, randomBytes(32));
  mkdirSync(options.dataDir, { recursive: true });
  // 'wx': two processes starting at once never overwrite each other's key.
  try {
    writeFileSync(path, `${formatSignerKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parse(readFileSync(path, 'utf8'), path);
    throw err;
  }
  return key;
}

function parse(text: string, where: string): SignerKey {
  try {
    return parseSignerKey(text);
  } catch (err) {
    if (err instanceof InvalidInput) throw new ConfigError(`${where}: ${err.message}`);
    throw err;
  }
}
