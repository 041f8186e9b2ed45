/*
 * Live character count for fields with data-maxlength (templates/partials/forms.njk, characterCount).
 * Progressive enhancement: without this script the page states the limit and the server checks it. Nothing
 * here stops typing, pasting or sending, so what someone wrote is never cut; over the limit the count turns
 * red and the server's message says which field to shorten, with the text kept.
 * Counted as the server's rule counts (validator's isLength): without spaces first and last, a line break as
 * one character, an emoji as one.
 */
(function () {
  'use strict';
  var ANNOUNCE_AFTER_MS = 1200;

  function length(value) {
    var text = value.replace(/\r\n?/g, '\n').trim();
    var pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    var selectors = text.match(/[\uFE0E\uFE0F]/g);
    return text.length - (pairs ? pairs.length : 0) - (selectors ? selectors.length : 0);
  }

  function words(used, max) {
    var left = max - used;
    if (left >= 0) return 'Du har ' + left + ' tecken kvar av ' + max + '.';
    return 'Du har ' + -left + ' tecken för mycket. Högst ' + max + ' tecken.';
  }

  function enhance(counter) {
    var field = document.getElementById(counter.getAttribute('data-count-for'));
    var max = field ? parseInt(field.getAttribute('data-maxlength'), 10) : NaN;
    if (!field || !(max > 0)) return;
    // The visible count changes with every key; screen readers hear it once the writer pauses.
    var live = document.createElement('p');
    live.className = 'visually-hidden';
    live.setAttribute('aria-live', 'polite');
    counter.parentNode.insertBefore(live, counter.nextSibling);
    counter.setAttribute('aria-hidden', 'true');
    var timer = null;
    function update(announce) {
      var used = length(field.value);
      var text = words(used, max);
      counter.textContent = text;
      counter.classList.toggle('is-over', used > max);
      if (!announce) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        live.textContent = text;
      }, ANNOUNCE_AFTER_MS);
    }
    field.addEventListener('input', function () {
      update(true);
    });
    // Back/forward restores what was typed without an input event.
    window.addEventListener('pageshow', function () {
      update(false);
    });
    update(false);
  }

  var counters = document.querySelectorAll('[data-count-for]');
  for (var i = 0; i < counters.length; i++) enhance(counters[i]);
})();
