// Progressive enhancement of the search and account pages: new posts appear
// at the top of the results as they are archived, marked "new", and a live
// region says so. The page names where to listen (/api/events) and where to
// fetch the cards of new posts that match its filters (/live/posts): the
// server decides what matches and renders the cards, exactly as on a reload.
// Without JavaScript (or EventSource) the page stays as it was served.
(function () {
  'use strict';
  var hook = document.querySelector('[data-live-events]');
  if (!hook || typeof EventSource === 'undefined' || !window.fetch) return;
  var status = hook.querySelector('.live-status');
  var cards = hook.getAttribute('data-live-cards');
  var shown = new Set();
  var pending = [];
  var fetching = false;
  var added = 0;

  document.querySelectorAll('ol.results a.time').forEach(function (a) {
    shown.add(a.getAttribute('href'));
  });

  function postPath(post) {
    return '/posts/' + encodeURIComponent(post.platform) + '/' + encodeURIComponent(post.id);
  }

  function results() {
    var list = document.querySelector('ol.results');
    if (list) return list;
    list = document.createElement('ol');
    list.className = 'results';
    hook.parentNode.insertBefore(list, hook.nextSibling);
    // The "nothing yet" notes no longer hold.
    document.querySelectorAll('p.empty, section.getting-started').forEach(function (el) {
      el.remove();
    });
    return list;
  }

  function insert(markup) {
    var template = document.createElement('template');
    template.innerHTML = markup;
    var items = Array.prototype.slice.call(template.content.querySelectorAll('li'));
    if (!items.length) return;
    var list = results();
    items.reverse().forEach(function (item) {
      var link = item.querySelector('a.time');
      if (link && shown.has(link.getAttribute('href'))) return;
      if (link) shown.add(link.getAttribute('href'));
      list.insertBefore(item, list.firstChild);
      added += 1;
    });
    status.textContent = added === 1 ? '1 new post' : added + ' new posts';
  }

  // One request at a time; posts that arrive meanwhile go in the next one.
  function fetchPending() {
    if (fetching || !pending.length) return;
    fetching = true;
    var batch = pending.splice(0, 50);
    var url =
      cards +
      (cards.indexOf('?') < 0 ? '?' : '&') +
      batch
        .map(function (p) {
          return 'post=' + encodeURIComponent(p);
        })
        .join('&');
    fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) {
        return res.ok ? res.text() : '';
      })
      .then(insert, function () {})
      .then(function () {
        fetching = false;
        fetchPending();
      });
  }

  var source = new EventSource(hook.getAttribute('data-live-events'));
  source.addEventListener('new', function (e) {
    var event = JSON.parse(e.data);
    if (!event.post || shown.has(postPath(event.post))) return;
    pending.push(event.post.platform + ':' + event.post.id);
    fetchPending();
  });
  hook.setAttribute('data-live-state', 'listening');
  source.addEventListener('open', function () {
    hook.setAttribute('data-live-state', 'open');
  });
})();
