// Where the browser tests find Chromium (Debian's package), shared with the
// summary reporter so that a missing browser is said in the last line of a run.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const BROWSER_TESTS_DIR = 'tests/e2e/browser/';
export const hasChromium = (): boolean => existsSync(CHROMIUM);
export const NO_CHROMIUM_NOTE = `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
