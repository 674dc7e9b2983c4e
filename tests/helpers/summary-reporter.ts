// Adds one plain closing line to vitest's output, "N passed, N failed,
// N skipped", which any CI log reader understands without knowing vitest.
// Browser tests skipped for want of Chromium are named on that line.
import type { Reporter, TestModule } from 'vitest/node';
import { BROWSER_TESTS_DIR, hasChromium, NO_CHROMIUM_NOTE } from './chromium.js';

export function summaryLine(
  count: { passed: number; failed: number; skipped: number },
  browserSkipped: number,
): string {
  const note = browserSkipped > 0 ? ` (${browserSkipped} ${NO_CHROMIUM_NOTE})` : '';
  return `vitest: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped${note}`;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    let browserSkipped = 0;
    for (const module of testModules) {
      const isBrowser = module.moduleId.includes(BROWSER_TESTS_DIR);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else {
          count.skipped++;
          if (isBrowser && !hasChromium()) browserSkipped++;
        }
      }
    }
    process.stdout.write(`\n${summaryLine(count, browserSkipped)}\n`);
  }
}
