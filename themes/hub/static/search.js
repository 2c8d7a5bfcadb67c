/* The search page: results as you type, facet filters with counts, and the
 * query in the address so links, reload and Back work. The engine
 * (search-engine.js) does the searching; this file only draws.
 *
 * Accessibility: the one live region (#search-status, role=status) gets the
 * result count, once per search; loading, help and results are not live.
 * Everything is a native control (input, checkbox, button, link). */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form || typeof BelongSearch === "undefined") return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var note = document.getElementById("search-note");
  var layout = document.getElementById("search-layout");
  var facetsBox = document.getElementById("search-facets");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var someBox = document.getElementById("search-some");
  var someNote = document.getElementById("search-some-note");
  var someList = document.getElementById("search-some-list");
  var shortcutsBox = document.getElementById("search-shortcuts");
  var home = form.getAttribute("data-home");
  var pageTitle = document.title;

  var PAGE = 10;
  var LOADING_AFTER_MS = 250;
  /* The count is announced once the results have stayed the same this long,
   * so a screen reader hears one count per pause in typing, not one per key. */
  var ANNOUNCE_AFTER_MS = 300;
  /* A word being typed that is not yet a word of the hub (or is one or two
   * letters) is most often the start of a longer one: it is searched for
   * as a prefix only once typing pauses this long. */
  var PAUSE_MS = 300;
  var LABELS = { theme: "Theme", type: "Type", organisation: "Organisation", region: "Region", audience: "Audience" };
  /* Long facets start closed, unless one of their values is chosen; on a
   * narrow screen all do, so the results are not pushed off the screen. */
  var CLOSED = { organisation: true, region: true };
  if (window.matchMedia("(max-width: 768px)").matches) {
    BelongSearch.FACETS.forEach(function (facet) { CLOSED[facet] = true; });
  }
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  /* Opened from a file, the page's own inline script shows why search cannot work. */
  if (location.protocol === "file:") return;

  var index = BelongSearch.open(form.getAttribute("data-index"), function (url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  });

  var state = readAddress();
  var current = null; /* the latest search's result, its pages in the order shown, and how many are */
  var order = [];
  var shown = 0;
  var sequence = 0;
  /* One search at a time: keys typed meanwhile wait for it, then the latest
   * query runs. There is no fixed delay, so results follow the last key as
   * fast as the index can answer. */
  var busy = false;
  var pending = false;
  var announcement = null;
  var pauseTimer = null;
  /* True while the last word of the query may still be being typed. */
  var typing = false;
  /* True when the address holds a finished search: the next search drawn
   * then starts a new history entry, and later ones replace it. */
  var settled = true;

  input.value = state.q;
  schedule();

  input.addEventListener("input", function () {
    state.q = input.value;
    clearTimeout(pauseTimer);
    typing = /[\p{Alphabetic}\p{N}]$/u.test(state.q);
    var words = BelongSearch.tokenise(state.q);
    var last = words[words.length - 1] || "";
    if (typing && last.length < 3) pauseTimer = setTimeout(paused, PAUSE_MS);
    else schedule();
  });
  input.addEventListener("blur", function () { settled = true; });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(pauseTimer);
    typing = false;
    if (state.q !== input.value) {
      state.q = input.value;
      record(settled ? "push" : "replace");
    }
    settled = true;
    schedule();
  });
  facetsBox.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches("input[type=checkbox]")) return;
    var facet = box.getAttribute("data-facet");
    var chosen = state.filters[facet] || [];
    chosen = chosen.filter(function (slug) { return slug !== box.value; });
    if (box.checked) chosen.push(box.value);
    state.filters[facet] = chosen;
    record("push");
    settled = true;
    typing = false;
    schedule();
  });
  facetsBox.addEventListener("toggle", function (event) {
    var facet = event.target.getAttribute("data-facet");
    if (facet) CLOSED[facet] = !event.target.open;
  }, true);
  more.addEventListener("click", function () { showMore(true); });
  window.addEventListener("popstate", function () {
    state = readAddress();
    input.value = state.q;
    settled = true;
    typing = false;
    schedule();
  });

  /* ---- the address ---------------------------------------------------- */

  function readAddress() {
    var params = new URLSearchParams(location.search);
    var filters = {};
    BelongSearch.FACETS.forEach(function (facet) { filters[facet] = params.getAll(facet); });
    return { q: params.get("q") || "", filters: filters };
  }

  /* Puts the query and filters in the address; true when it changed. */
  function record(how) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    BelongSearch.FACETS.forEach(function (facet) {
      (state.filters[facet] || []).forEach(function (slug) { params.append(facet, slug); });
    });
    var query = params.toString();
    var url = location.pathname + (query ? "?" + query : "");
    if (url === location.pathname + location.search) return false;
    if (how === "push") history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    return true;
  }

  /* ---- searching ------------------------------------------------------ */

  function schedule() {
    if (busy) pending = true;
    else run();
  }

  /* Typing has paused: the last word is searched for as it stands. */
  function paused() {
    typing = false;
    schedule();
  }

  function run() {
    var mine = ++sequence;
    var query = state.q.trim();
    var filters = copy(state.filters);
    clearTimeout(announcement);
    if (query === "") {
      record(settled ? "push" : "replace");
      current = null;
      layout.hidden = true;
      shortcutsBox.hidden = true;
      list.removeAttribute("data-query");
      hideNote();
      setStatus("");
      document.title = pageTitle;
      return;
    }
    busy = true;
    var loading = setTimeout(function () {
      if (mine === sequence) showNote([text("p", "Searching…")], "search-note--loading");
    }, LOADING_AFTER_MS);
    layout.setAttribute("aria-busy", "true");
    index.search(query, filters, { typing: typing }).then(function (result) {
      /* Keys typed meanwhile make this query stale: its results would be
       * drawn and replaced at once, so their records are not fetched. */
      if (pending) return;
      if (result.incomplete) {
        clearTimeout(loading);
        clearTimeout(pauseTimer);
        pauseTimer = setTimeout(paused, PAUSE_MS);
        return;
      }
      result.query = query;
      result.filters = filters;
      current = result;
      order = result.ranked.concat(result.some);
      shown = 0;
      return index.records(order.slice(0, PAGE)).then(function (records) {
        if (mine !== sequence) return;
        clearTimeout(loading);
        draw(result, records);
      });
    }).catch(function (error) {
      if (mine !== sequence) return;
      clearTimeout(loading);
      layout.hidden = true;
      shortcutsBox.hidden = true;
      showNote([text("p", "Search could not load its index (" + error.message + "). Check your connection " +
        "and try again, or browse the lists below.")], "search-note--error");
      setStatus("Search is not available");
    }).then(function () {
      layout.removeAttribute("aria-busy");
      busy = false;
      if (pending) {
        pending = false;
        run();
      }
    });
  }

  /* Puts the count in the live region once no other search is waiting and
   * the results have not changed for a moment. */
  function announce(message) {
    clearTimeout(announcement);
    if (pending) return;
    announcement = setTimeout(function () { setStatus(message); }, ANNOUNCE_AFTER_MS);
  }

  function draw(result, records) {
    var query = state.q.trim();
    /* The address follows what is drawn, not each key: Chromium asks for
     * the page's icon again at every change of address. */
    if (record(settled ? "push" : "replace")) settled = false;
    document.title = query + " \u2013 " + pageTitle;
    list.setAttribute("data-query", query);
    drawHelp(result, query);
    drawShortcuts(result.shortcuts || []);
    list.replaceChildren();
    someList.replaceChildren();
    drawFacets(result.facets);
    var filtered = hasFilters() ? " with these filters" : "";
    var some = result.some.length;
    var somePart = some === 0 ? "" : "; " + some + (some === 1 ? " page has" : " pages have") + " some of the words";
    if (order.length === 0) {
      layout.hidden = !hasFilters();
      list.hidden = true;
      someBox.hidden = true;
      more.hidden = true;
      announce("No results for \u201c" + query + "\u201d" + filtered);
      return;
    }
    layout.hidden = false;
    list.hidden = result.total === 0;
    someBox.hidden = some === 0;
    someNote.textContent = result.total === 0
      ? "No page has every word of \u201c" + query + "\u201d" + filtered + ". These have some of them, most first."
      : "These have some of the words, not all of them, most first.";
    append(records, false);
    var count = result.total === 0 ? "No results" : result.total + (result.total === 1 ? " result" : " results");
    announce(count + " for \u201c" + query + "\u201d" + filtered + somePart);
  }

  function showMore(focus) {
    if (!current) return;
    var mine = sequence;
    more.disabled = true;
    /* A first page answered from a word's term shard alone is followed by
     * the whole ranking, which starts with the same pages. */
    var ranked = !current.partial ? Promise.resolve(current) :
      index.search(current.query, current.filters, { whole: true });
    ranked.then(function (whole) {
      if (mine !== sequence) return null;
      if (whole !== current) {
        whole.query = current.query;
        whole.filters = current.filters;
        current = whole;
        order = whole.ranked.concat(whole.some);
      }
      return index.records(order.slice(shown, shown + PAGE));
    }).then(function (records) {
      if (mine !== sequence || !records) return;
      more.disabled = false;
      append(records, focus);
    }).catch(function () {
      more.disabled = false;
    });
  }

  /* Adds results in order: those with every word to the first list, the
   * rest to "some of your words". */
  function append(records, focus) {
    var first = null;
    records.forEach(function (record) {
      var item = resultItem(record);
      first = first || item;
      (shown < current.total ? list : someList).appendChild(item);
      shown++;
    });
    var left = current.total + current.some.length - shown;
    more.hidden = left <= 0;
    more.textContent = "Show more results (" + left + " more)";
    if (focus && first) first.querySelector("a").focus();
  }

  /* ---- drawing -------------------------------------------------------- */

  /* The hub's own pages the query names (the evidence table for
   * "outcomes"), above the results: a link and what it holds. */
  function drawShortcuts(shortcuts) {
    shortcutsBox.replaceChildren();
    shortcutsBox.hidden = shortcuts.length === 0;
    shortcuts.forEach(function (shortcut) {
      var line = element("p", "search-shortcut");
      var link = element("a", "search-shortcut__link");
      link.href = home + shortcut.path;
      link.textContent = shortcut.title;
      line.appendChild(link);
      line.appendChild(document.createTextNode(": " + shortcut.excerpt));
      shortcutsBox.appendChild(line);
    });
  }

  function resultItem(record) {
    var item = element("li", "search-result");
    var heading = element("h3", "search-result__title");
    var link = element("a");
    link.href = home + record.path;
    marked(link, record.title);
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = element("p", "search-result__meta");
    var parts = [record.type, record.organisation].filter(Boolean);
    meta.textContent = parts.join(" \u00b7 ");
    if (record.date) {
      if (parts.length) meta.appendChild(document.createTextNode(" \u00b7 "));
      var time = element("time");
      time.dateTime = record.date;
      time.textContent = longDate(record.date);
      meta.appendChild(time);
    }
    item.appendChild(meta);
    var excerpt = element("p", "search-result__excerpt");
    marked(excerpt, record.excerpt);
    item.appendChild(excerpt);
    /* A page found by words its title and summary do not show says which. */
    var words = BelongSearch.matchedWords(current, record.id);
    var shownWords = heading.querySelector("mark") || excerpt.querySelector("mark");
    if (!shownWords && words.length > 0) {
      var mentions = element("p", "search-result__mentions");
      mentions.appendChild(document.createTextNode("Mentions "));
      words.forEach(function (word, i) {
        if (i > 0) mentions.appendChild(document.createTextNode(", "));
        mentions.appendChild(text("mark", word));
      });
      item.appendChild(mentions);
    }
    return item;
  }

  /* Fills `parent` with `words`, the query's matches in <mark>. */
  function marked(parent, words) {
    BelongSearch.highlight(words, current).forEach(function (run) {
      if (run[1]) parent.appendChild(text("mark", run[0]));
      else parent.appendChild(document.createTextNode(run[0]));
    });
  }

  function drawHelp(result, query) {
    var parts = [];
    if (result.unmatched.length > 0 && result.total > 0) {
      parts.push(text("p", "Nothing in the hub matches " + quoted(result.unmatched) +
        ", so these results leave " + (result.unmatched.length === 1 ? "it" : "them") + " out."));
    }
    if (result.total === 0 && result.some.length === 0) {
      parts.push(text("h2", "No pages match \u201c" + query + "\u201d" + (hasFilters() ? " with these filters" : "")));
      var tips = element("ul");
      if (hasFilters()) tips.appendChild(text("li", "Clear some of the filters."));
      tips.appendChild(text("li", "Check the spelling, or try fewer or different words."));
      tips.appendChild(text("li", "Browse the hub by type, theme, organisation or region below."));
      parts.push(tips);
    }
    if (result.suggestions.length > 0) {
      var suggestion = element("p");
      suggestion.appendChild(document.createTextNode("Words in the hub close to " + quoted(result.unmatched) + ": "));
      result.suggestions.forEach(function (word, i) {
        if (i > 0) suggestion.appendChild(document.createTextNode(", "));
        var link = text("a", word);
        link.href = location.pathname + "?q=" + encodeURIComponent(word);
        suggestion.appendChild(link);
      });
      parts.push(suggestion);
    }
    if (parts.length > 0) showNote(parts, order.length === 0 ? "search-note--empty" : "");
    else hideNote();
  }

  function drawFacets(facets) {
    var focused = document.activeElement && facetsBox.contains(document.activeElement) ? document.activeElement.id : null;
    facetsBox.replaceChildren();
    BelongSearch.FACETS.forEach(function (facet) {
      var values = (facets && facets[facet]) || [];
      if (values.length === 0) return;
      var chosen = values.some(function (value) { return value.selected; });
      var group = element("details", "search-facet");
      group.setAttribute("data-facet", facet);
      group.open = chosen || !CLOSED[facet];
      var summary = text("summary", LABELS[facet]);
      summary.className = "search-facet__summary";
      group.appendChild(summary);
      var fieldset = element("fieldset", "search-facet__fieldset");
      fieldset.appendChild(text("legend", LABELS[facet]));
      fieldset.firstChild.className = "visually-hidden";
      values.forEach(function (value) {
        var id = "filter-" + facet + "-" + value.slug;
        var row = element("div", "search-facet__option");
        var box = element("input");
        box.type = "checkbox";
        box.id = id;
        box.value = value.slug;
        box.checked = value.selected;
        box.setAttribute("data-facet", facet);
        var label = element("label");
        label.htmlFor = id;
        label.appendChild(document.createTextNode(value.name + " "));
        label.appendChild(text("span", "(" + value.count + ")"));
        label.lastChild.className = "search-facet__count";
        row.appendChild(box);
        row.appendChild(label);
        fieldset.appendChild(row);
      });
      group.appendChild(fieldset);
      facetsBox.appendChild(group);
    });
    if (focused) {
      var again = document.getElementById(focused);
      if (again) again.focus();
    }
  }

  /* ---- small helpers -------------------------------------------------- */

  function setStatus(message) {
    if (status.textContent !== message) status.textContent = message;
  }

  function showNote(children, modifier) {
    note.className = "search-note" + (modifier ? " " + modifier : "");
    note.replaceChildren.apply(note, children);
    note.hidden = false;
  }

  function hideNote() {
    note.hidden = true;
    note.replaceChildren();
  }

  function copy(filters) {
    var copied = {};
    BelongSearch.FACETS.forEach(function (facet) { copied[facet] = (filters[facet] || []).slice(); });
    return copied;
  }

  function hasFilters() {
    return BelongSearch.FACETS.some(function (facet) { return (state.filters[facet] || []).length > 0; });
  }

  function quoted(words) {
    return words.map(function (word) { return "\u201c" + word + "\u201d"; }).join(", ");
  }

  function longDate(iso) {
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  function element(name, className) {
    var made = document.createElement(name);
    if (className) made.className = className;
    return made;
  }

  function text(name, content) {
    var made = document.createElement(name);
    made.textContent = content;
    return made;
  }
})();
