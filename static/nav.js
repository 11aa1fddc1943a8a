// The menu works without this file (<details> dropdowns); it only adds what a
// dropdown is expected to do: close on Escape (focus back on its section) and
// when a click lands elsewhere.
(function () {
  'use strict';
  function openSections() {
    // A section's dropdown, or the phone's whole menu.
    return document.querySelectorAll('nav.main details[open], details.menu[open]');
  }
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    openSections().forEach(function (details) {
      details.open = false;
      if (details.contains(document.activeElement)) details.querySelector(':scope > summary').focus();
    });
  });
  document.addEventListener('click', function (event) {
    openSections().forEach(function (details) {
      if (!details.contains(event.target)) details.open = false;
    });
  });
}());
