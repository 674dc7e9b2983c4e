// The worker thread that extracts articles (see extract-pool.ts), run from the
// sources: a worker does not inherit the main thread's TypeScript loader, so it
// registers tsx itself, then loads the task. (The built service loads the
// bundled extract-task.js directly.)
import { register } from 'tsx/esm/api';

register();
const { default: extract } = await import('./extract-task.ts');

export default extract;
