// Progressive enhancement of the account page: draws the posts-per-day data
// (already on the page as JSON, and as a table) with uPlot. Without
// JavaScript the table stays the whole story.
(function () {
  'use strict';
  var holder = document.getElementById('frequency-chart');
  var data = document.getElementById('frequency-data');
  if (!holder || !data || typeof uPlot === 'undefined') return;
  var days = JSON.parse(data.textContent || '[]');
  if (!days.length) return;
  // One point per week keeps years of history readable.
  var weeks = new Map();
  days.forEach(function (d) {
    var t = Date.parse(d.day + 'T00:00:00Z') / 1000;
    var week = t - (t % (7 * 86400));
    weeks.set(week, (weeks.get(week) || 0) + d.posts);
  });
  // Every week from the first to the last, quiet ones as zero: a line drawn
  // only through weeks with posts would invent a trend across the gaps.
  var WEEK = 7 * 86400;
  var keys = Array.from(weeks.keys());
  var first = Math.min.apply(null, keys);
  var last = Math.max.apply(null, keys);
  var xs = [];
  var ys = [];
  for (var w = first; w <= last; w += WEEK) {
    xs.push(w);
    ys.push(weeks.get(w) || 0);
  }
  holder.classList.add('ready');
  var opts = {
    width: Math.max(300, holder.clientWidth || 800),
    height: 220,
    series: [
      {},
      {
        label: 'Posts per week',
        stroke: '#0b5cad',
        fill: 'rgba(11,92,173,0.12)',
        width: 1.5,
        paths: uPlot.paths.stepped({ align: 1 }),
        points: { show: false },
      },
    ],
    axes: [{}, { label: 'posts' }],
    scales: { x: { time: true } },
  };
  var plot = new uPlot(opts, [xs, ys], holder);
  window.addEventListener('resize', function () {
    plot.setSize({ width: Math.max(300, holder.clientWidth), height: 220 });
  });
})();
