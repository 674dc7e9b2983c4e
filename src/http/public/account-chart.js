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
  var xs = Array.from(weeks.keys()).sort(function (a, b) {
    return a - b;
  });
  var ys = xs.map(function (x) {
    return weeks.get(x);
  });
  holder.classList.add('ready');
  var opts = {
    width: Math.max(300, holder.clientWidth || 800),
    height: 220,
    series: [{}, { label: 'Posts per week', stroke: '#0b5cad', fill: 'rgba(11,92,173,0.12)', width: 1.5 }],
    axes: [{}, { label: 'posts' }],
    scales: { x: { time: true } },
  };
  var plot = new uPlot(opts, [xs, ys], holder);
  window.addEventListener('resize', function () {
    plot.setSize({ width: Math.max(300, holder.clientWidth), height: 220 });
  });
})();
