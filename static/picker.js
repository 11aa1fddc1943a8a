/* Janela's pickers: search-as-you-type on fields marked data-search="<url>".

   Progressive enhancement: the form's own fields stay as they are and are
   what is submitted; without this script the form works the same. The
   search box follows the WAI-ARIA combobox pattern (a text input with a
   listbox popup: up/down move, Enter picks, Escape closes, the mouse works).

   On the field:
     data-search="/search/circuits"   the endpoint (JSON list of {value, label, id})
     data-multiple="lines" | ";"      a text list: a pick adds the code (one per
                                      line, or after a ";"), keeping what is there
     data-follows="f-customer"        the id of a field whose value is sent as
     data-follows-param="customer"    this parameter; a <select> that follows
                                      another is refilled when that one changes
     data-picker-label, data-picker-empty   texts, translated by the page
   An <input> is searched in place; a <select> or a text list gets a search
   box beside it. Written for Janela's CSP: no inline script or style. */
(function () {
  'use strict';

  var DELAY_MS = 150;
  var counter = 0;

  function searchUrl(field, text, limit) {
    var url = new URL(field.dataset.search, window.location.href);
    url.searchParams.set('q', text);
    url.searchParams.set('limit', String(limit));
    var follows = field.dataset.follows && document.getElementById(field.dataset.follows);
    if (follows && follows.value) {
      url.searchParams.set(field.dataset.followsParam || 'customer', follows.value);
    }
    return url;
  }

  function fetchHits(url, signal) {
    return fetch(url, {credentials: 'same-origin', signal: signal,
                       headers: {Accept: 'application/json'}})
      .then(function (response) { return response.ok ? response.json() : []; });
  }

  /* What a pick does to the field the form submits. */
  function codeOf(entry) { return entry.trim().split(/\s+/)[0].toUpperCase(); }

  function addToList(field, code) {
    var lines = field.dataset.multiple === 'lines';
    var entries = field.value.split(lines ? /\n/ : /[;\n,]/);
    if (entries.some(function (e) { return codeOf(e) === code.toUpperCase(); })) { return; }
    var kept = field.value.replace(/[\s;,]+$/, '');
    field.value = kept ? kept + (lines ? '\n' : '; ') + code : code;
  }

  function chooseOption(select, hit) {
    var wanted = [hit.value, String(hit.id)];
    var option = Array.prototype.find.call(select.options, function (o) {
      return wanted.indexOf(o.value) >= 0;
    });
    if (!option) {      // a row the page did not list (a filtered list): add it
      option = new Option(hit.label, hit.value);
      select.add(option);
    }
    select.value = option.value;
    select.dispatchEvent(new Event('change', {bubbles: true}));
  }

  function apply(field, hit) {
    if (field.tagName === 'SELECT') {
      chooseOption(field, hit);
    } else if (field.dataset.multiple) {
      addToList(field, hit.value);
    } else {
      field.value = hit.value;
    }
    field.dispatchEvent(new Event('input', {bubbles: true}));
  }

  /* The combobox: one per enhanced field. */
  function Combobox(field, box) {
    this.field = field;
    this.box = box;
    this.hits = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.list = document.createElement('ul');
    this.list.id = 'picker-list-' + (++counter);
    this.list.className = 'picker-list';
    this.list.setAttribute('role', 'listbox');
    this.list.hidden = true;
    this.status = document.createElement('p');
    this.status.className = 'picker-status help';
    this.status.setAttribute('role', 'status');
    box.setAttribute('role', 'combobox');
    box.setAttribute('aria-autocomplete', 'list');
    box.setAttribute('aria-expanded', 'false');
    box.setAttribute('aria-controls', this.list.id);
    box.setAttribute('autocomplete', 'off');
    box.insertAdjacentElement('afterend', this.list);
    this.list.insertAdjacentElement('afterend', this.status);
    box.addEventListener('input', this.changed.bind(this));
    box.addEventListener('keydown', this.key.bind(this));
    box.addEventListener('blur', this.close.bind(this));
    this.list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    this.list.addEventListener('click', this.clicked.bind(this));
  }

  Combobox.prototype.changed = function () {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(this.search.bind(this), DELAY_MS);
  };

  Combobox.prototype.search = function () {
    var text = this.box.value.trim();
    if (this.request) { this.request.abort(); }
    if (!text) { this.close(); return; }
    this.request = new AbortController();
    var self = this;
    fetchHits(searchUrl(this.field, text, 20), this.request.signal)
      .then(function (hits) { self.show(hits); })
      .catch(function () { /* aborted by a newer keystroke, or offline: keep typing */ });
  };

  Combobox.prototype.show = function (hits) {
    this.hits = hits;
    this.active = -1;
    this.list.textContent = '';
    var self = this;
    hits.forEach(function (hit, index) {
      var item = document.createElement('li');
      item.id = self.list.id + '-' + index;
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', 'false');
      item.dataset.index = String(index);
      item.textContent = hit.label;
      self.list.appendChild(item);
    });
    this.status.textContent = hits.length ? '' : (this.field.dataset.pickerEmpty || '');
    this.list.hidden = !hits.length;
    this.box.setAttribute('aria-expanded', hits.length ? 'true' : 'false');
    this.box.removeAttribute('aria-activedescendant');
  };

  Combobox.prototype.close = function () {
    window.clearTimeout(this.timer);
    this.status.textContent = '';
    this.list.hidden = true;
    this.active = -1;
    this.box.setAttribute('aria-expanded', 'false');
    this.box.removeAttribute('aria-activedescendant');
  };

  Combobox.prototype.move = function (step) {
    if (!this.hits.length) { return; }
    if (this.list.hidden) { this.list.hidden = false; this.box.setAttribute('aria-expanded', 'true'); }
    var items = this.list.children;
    if (this.active >= 0) { items[this.active].setAttribute('aria-selected', 'false'); }
    this.active = (this.active + step + this.hits.length) % this.hits.length;
    var item = items[this.active];
    item.setAttribute('aria-selected', 'true');
    item.scrollIntoView({block: 'nearest'});
    this.box.setAttribute('aria-activedescendant', item.id);
  };

  Combobox.prototype.pick = function (index) {
    var hit = this.hits[index];
    apply(this.field, hit);
    // A list field keeps its search box for the next code; others show the pick.
    this.box.value = (this.box === this.field) ? hit.value : '';
    this.close();
    this.box.focus();
  };

  Combobox.prototype.key = function (e) {
    var open = !this.list.hidden;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      this.move(e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter' && open && this.active >= 0) {
      e.preventDefault();      // a pick, not the form's submit
      this.pick(this.active);
    } else if (e.key === 'Enter' && this.box !== this.field) {
      e.preventDefault();      // a search box of ours submits nothing (a request form would)
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      this.close();
    }
  };

  Combobox.prototype.clicked = function (e) {
    var item = e.target.closest('[role="option"]');
    if (item) { this.pick(Number(item.dataset.index)); }
  };

  /* The search box's accessible name: the page's own words for it, else the
     field's name as a reader hears it (its label, aria-label or placeholder),
     so that no search box is ever unnamed. */
  function boxName(field) {
    if (field.dataset.pickerLabel) { return field.dataset.pickerLabel; }
    var label = field.id && document.querySelector('label[for="' + field.id + '"]');
    var name = (label && label.textContent) || field.getAttribute('aria-label') ||
      field.getAttribute('placeholder') || field.getAttribute('title') || field.name;
    return name.replace(/\s+/g, ' ').trim();
  }

  /* A search box beside a <select> or a text list; an <input> is its own. */
  function searchBox(field) {
    if (field.tagName === 'INPUT' && !field.dataset.multiple) { return field; }
    var box = document.createElement('input');
    box.type = 'text';          // no name: never submitted with the form
    box.className = 'picker-box';
    box.id = field.id ? field.id + '-search' : 'picker-box-' + (++counter);
    box.setAttribute('aria-label', boxName(field));
    if (field.dataset.pickerPlaceholder) { box.placeholder = field.dataset.pickerPlaceholder; }
    field.insertAdjacentElement(field.tagName === 'SELECT' ? 'beforebegin' : 'afterend', box);
    return box;
  }

  /* A <select> following another field lists only what fits its value. */
  function refill(select) {
    var keep = select.value;
    // Busy while its list is replaced: a screen reader (and a test) waits for it.
    select.setAttribute('aria-busy', 'true');
    var done = function () { select.setAttribute('aria-busy', 'false'); };
    fetchHits(searchUrl(select, '', 50)).then(function (hits) {
      Array.prototype.slice.call(select.options).forEach(function (o) {
        if (o.value) { o.remove(); }
      });
      Array.prototype.slice.call(select.querySelectorAll('optgroup')).forEach(function (g) {
        g.remove();
      });
      hits.forEach(function (hit) { select.add(new Option(hit.label, String(hit.id))); });
      select.value = keep;
      if (select.value !== keep) { select.value = ''; }
      done();
    }).catch(function () { done(); /* the list as the page sent it stays usable */ });
  }

  function enhance(field) {
    var wrap = document.createElement('div');
    wrap.className = 'picker';
    field.insertAdjacentElement('beforebegin', wrap);
    wrap.appendChild(field);
    new Combobox(field, searchBox(field));
    var follows = field.dataset.follows && document.getElementById(field.dataset.follows);
    if (follows && field.tagName === 'SELECT') {
      follows.addEventListener('change', function () { refill(field); });
    }
  }

  document.querySelectorAll('[data-search]').forEach(enhance);
}());
