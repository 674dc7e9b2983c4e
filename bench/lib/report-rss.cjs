// Preloaded (NODE_OPTIONS=--require) into a process whose peak memory a
// benchmark measures: prints the process's own peak RSS on exit.
/* global process */
process.on('exit', () => {
  process.stderr.write(`onrecord-max-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
