/* The hub's search engine: reads the index `belong build` writes under
 * search/ and answers queries. No page, no DOM: search.js draws the results,
 * and the tests run this same file under Node.
 *
 * How words match (the tokeniser is the Rust one's twin; the shared vectors
 * in tests/vectors/tokenise.json hold both to it):
 *   - a word matches itself, and every indexed word it starts ("allysh"
 *     finds "allyship" while it is being typed);
 *   - a word also matches by its stem ("mentors" finds "mentoring");
 *   - a word that is not indexed matches indexed words one edit away
 *     ("alyship", "psycological"), whole or as the start of a longer word;
 *   - words in quotes ("staff networks") match only themselves, next to
 *     each other and in that order (stop words between them hold their place);
 *   - a result has every word and phrase of the query; its score is, per
 *     word, the best of its matches (exact > prefix and stem > one edit
 *     away), added up. A page whose title holds more of the query comes
 *     first, and of those the one whose title is nearest the query: so a
 *     query that is a page's title finds it first. When fewer than a page
 *     of results has everything, pages with most of it follow apart
 *     (`some`), never among them.
 *
 * What a query reads: a query of one word alone, with no filter, is
 * answered from its term shard, where the build worked out that word's
 * count, facet counts and first page of results the way `search` below
 * would (src/search/alone.rs); anything else reads the page lists of its
 * words' shards and every page's facets, and works it out here.
 */
var BelongSearch = (function () {
  "use strict";

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var VALUE = {};
  for (var i = 0; i < DIGITS.length; i++) VALUE[DIGITS[i]] = i;

  var FORMAT = 3;
  var MAX_LEN = 40;
  var WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;
  var DIGIT = /[0-9]/;
  var MARK = /\p{M}/gu;
  var WEIGHT = { exact: 1, prefix: 0.8, stem: 0.75, typo: 0.5, typoPrefix: 0.4 };
  /* Words a prefix or a typo may stand for, at most, so a short prefix
   * cannot make a query read every shard. */
  var MAX_EXPANSIONS = 40;
  /* Shorter words match only themselves: "st" would stand for half the index. */
  var MIN_PREFIX = 3;
  var MAX_SHARDS_PER_WORD = 3;
  var FACETS = ["theme", "type", "organisation", "region", "audience"];

  /* ---- words ---------------------------------------------------------- */

  function fold(text) {
    return text.normalize("NFKD").replace(MARK, "").toLowerCase();
  }

  /* The search words of a text: see src/search/tokenise.rs for the rules. */
  function tokenise(text) {
    var chars = Array.from(fold(text));
    var words = [];
    var parts = [];
    var word = "";
    function isWord(c) { return c !== undefined && WORD_CHAR.test(c); }
    function isDigit(c) { return c !== undefined && DIGIT.test(c); }
    function finish() {
      if (word === "" && parts.length === 0) return;
      parts.push(word);
      word = "";
      var emit = function (w) { if (w !== "" && Array.from(w).length <= MAX_LEN) words.push(w); };
      if (parts.length === 1) emit(parts[0]);
      else { parts.forEach(emit); emit(parts.join("")); }
      parts = [];
    }
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i], previous = chars[i - 1], next = chars[i + 1];
      var betweenWords = isWord(previous) && isWord(next);
      var betweenDigits = isDigit(previous) && isDigit(next);
      if (isWord(c)) word += c;
      else if ((c === "'" || c === "\u2019") && betweenWords) { /* dropped */ }
      else if (c === "," && betweenDigits) { /* dropped */ }
      else if (c === "." && betweenDigits) word += ".";
      else if ((c === "-" || c === "\u2010" || c === "\u2011") && betweenWords) { parts.push(word); word = ""; }
      else {
        if (c === "%" && isDigit(previous)) word += "%";
        finish();
      }
    }
    finish();
    return words;
  }

  /* A light English stem, used only as a prefix: "mentors" -> "mentor",
   * "belonging" -> "belong", "policies" -> "polic". */
  function stem(word) {
    if (!/^[a-z]+$/.test(word)) return word;
    var rules = [[/ies$/, "", 6], [/ing$/, "", 6], [/ed$/, "", 5], [/(ss|us|is)$/, "$1", 0], [/s$/, "", 5]];
    for (var r = 0; r < rules.length; r++) {
      var rule = rules[r];
      if (rule[0].test(word)) return word.length >= rule[2] ? word.replace(rule[0], rule[1]) : word;
    }
    return word;
  }

  /* Optimal string alignment distance, stopping early above `limit`. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous2 = null, previous = [], current;
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      current = [i];
      var best = i;
      for (var k = 1; k <= b.length; k++) {
        var cost = a[i - 1] === b[k - 1] ? 0 : 1;
        var value = Math.min(previous[k] + 1, current[k - 1] + 1, previous[k - 1] + cost);
        if (previous2 && i > 1 && k > 1 && a[i - 1] === b[k - 2] && a[i - 2] === b[k - 1]) {
          value = Math.min(value, previous2[k - 2] + 1);
        }
        current.push(value);
        if (value < best) best = value;
      }
      if (best > limit) return limit + 1;
      previous2 = previous;
      previous = current;
    }
    return previous[b.length];
  }

  /* ---- the index ------------------------------------------------------ */

  /* Numbers written as gaps: base-32 digits, the upper half of the
   * alphabet meaning "more digits follow"; each number is one more than the
   * last plus its gap. */
  function decodeGaps(gaps) {
    var numbers = [], number = -1, value = 0;
    for (var i = 0; i < gaps.length; i++) {
      var digit = VALUE[gaps[i]];
      if (digit >= 32) value = value * 32 + digit - 32;
      else { number += value * 32 + digit + 1; numbers.push(number); value = 0; }
    }
    return numbers;
  }

  /* Numbers one after the other, each in base-32 digits, the upper half of
   * the alphabet meaning "more digits follow". */
  function decodeNumbers(text) {
    var numbers = [], value = 0;
    for (var i = 0; text && i < text.length; i++) {
      var digit = VALUE[text[i]];
      if (digit >= 32) value = value * 32 + digit - 32;
      else { numbers.push(value * 32 + digit); value = 0; }
    }
    return numbers;
  }

  /* A word's page list, [pages, scores, best, titles, title lengths]
   * (src/search/encode.rs): its pages, a score for each (a common word
   * scores only its `best` pages; its others score 0), and for each page
   * whose title holds the word, that title's length in words (0: not in
   * the title). */
  function decodePostings(entry) {
    var ids = Uint32Array.from(decodeGaps(entry[0]));
    var scores = new Uint8Array(ids.length), titles = new Uint8Array(ids.length);
    var scored = entry[1] || "", at = entry[2] ? decodeGaps(entry[2]) : null;
    for (var s = 0; s < scored.length; s++) scores[at ? at[s] : s] = VALUE[scored[s]];
    var titled = entry[3] ? decodeGaps(entry[3]) : [], lengths = entry[4] || "";
    for (var t = 0; t < titled.length; t++) titles[titled[t]] = Math.max(1, VALUE[lengths[t]] || 1);
    return { ids: ids, scores: scores, titles: titles };
  }

  /* Where in a sorted list `ids` page `id` is, or -1. */
  function find(ids, id) {
    var low = 0, high = ids.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (ids[middle] < id) low = middle + 1; else high = middle;
    }
    return ids[low] === id ? low : -1;
  }

  /* A term shard, [entries, records] (src/search/encode.rs): per word
   * [word, pages, total, counts, first, matched], and the records of the
   * pages those entries' `first` name. Its page lists come apart
   * (`Index.lists`), in the same order. */
  function Shard(data, number) {
    var entries = data[0];
    this.number = number;
    this.words = entries.map(function (entry) { return entry[0]; });
    this.entries = new Map(entries.map(function (entry, at) { return [entry[0], { at: at, entry: entry }]; }));
    this.records = data[1];
    this.lists = null;
    this.decoded = new Map();
  }
  /* How many pages `word` is on. */
  Shard.prototype.pages = function (word) {
    var found = this.entries.get(word);
    return found ? found.entry[1] : 0;
  };
  /* A word's pages, scores and titles; its shard's lists must be loaded. */
  Shard.prototype.postings = function (word) {
    var found = this.decoded.get(word);
    if (found) return found;
    var known = this.entries.get(word);
    if (!known || !this.lists) return null;
    found = decodePostings(this.lists[known.at]);
    this.decoded.set(word, found);
    return found;
  };
  /* The words of this shard that start with `prefix`, in order. */
  Shard.prototype.startingWith = function (prefix) {
    var low = 0, high = this.words.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (this.words[middle] < prefix) low = middle + 1; else high = middle;
    }
    var found = [];
    for (var i = low; i < this.words.length && this.words[i].startsWith(prefix); i++) found.push(this.words[i]);
    return found;
  };

  /* Each page's facet values, decoded once into one flat list per facet:
   * page `id` has positions[start[id]] up to positions[start[id + 1]].
   * `values` is the manifest's: each facet's values as [slug, name]. */
  function Facets(data, values) {
    this.values = values;
    this.columns = {};
    var self = this;
    FACETS.forEach(function (facet) {
      var column = data[facet], width = column.width, pages = column.pages.length / (width || 1);
      var start = new Uint32Array(pages + 1), positions = [];
      for (var id = 0; id < pages; id++) {
        var code = 0;
        for (var i = 0; i < width; i++) {
          var digit = VALUE[column.pages[id * width + i]];
          if (!column.multi) { code = code * 64 + digit; continue; }
          for (var bit = 0; bit < 6; bit++) if (digit & (1 << bit)) positions.push((width - 1 - i) * 6 + bit);
        }
        if (!column.multi && code > 0) positions.push(code - 1);
        start[id + 1] = positions.length;
      }
      self.columns[facet] = { start: start, positions: Uint16Array.from(positions) };
    });
  }
  /* The value positions of `filters` ({theme: ["belonging"]}), as a flag per
   * position, by facet; facets without a filter are left out. */
  Facets.prototype.selection = function (filters) {
    var values = this.values, selection = {};
    FACETS.forEach(function (facet) {
      var slugs = filters[facet] || [];
      if (slugs.length === 0) return;
      selection[facet] = values[facet].map(function (value) { return slugs.indexOf(value[0]) >= 0; });
    });
    return selection;
  };

  /* An index at `base` (the URL of the search/ folder, ending in "/"), read
   * with `fetchJson(url)`, which resolves to the parsed file. */
  function Index(base, fetchJson) {
    this.base = base;
    this.fetchJson = fetchJson;
    this.files = new Map();
    this.manifest = null;
    /* Records the term shards read so far hold, by page. */
    this.known = new Map();
  }

  /* `make()`'s promise, kept in `cache` under `key` until it fails: a file
   * that did not load (the connection dropped) is fetched again next time. */
  function remembered(cache, key, make) {
    if (!cache.has(key)) {
      var promise = make();
      cache.set(key, promise);
      promise.catch(function () { if (cache.get(key) === promise) cache.delete(key); });
    }
    return cache.get(key);
  }

  Index.prototype.load = function (name) {
    var self = this;
    return remembered(this.files, name, function () {
      return self.manifestLoaded().then(function (manifest) {
        if (manifest.inline) return manifest.inline[name];
        return self.fetchJson(self.base + name + ".json?v=" + manifest.version);
      });
    });
  };

  Index.prototype.manifestLoaded = function () {
    var self = this;
    return remembered(this.files, "index", function () {
      return self.fetchJson(self.base + "index.json").then(function (manifest) {
        if (manifest.format !== FORMAT) throw new Error("search index format " + manifest.format + " is not " + FORMAT);
        self.stop = new Set(manifest.stop);
        self.pages = manifest.pages;
        self.values = manifest.values;
        self.shortcutList = manifest.shortcuts || [];
        return manifest;
      });
    });
  };

  Index.prototype.shard = function (number) {
    var self = this;
    return remembered(this.files, "shard " + number, function () {
      return self.load("terms/" + number).then(function (data) {
        var shard = new Shard(data || [[], []], number);
        shard.records.forEach(function (record) { self.known.set(record[0], record.slice(1)); });
        return shard;
      });
    });
  };

  /* `shards` with their page lists loaded. */
  Index.prototype.lists = function (shards) {
    var self = this;
    return Promise.all(shards.map(function (shard) {
      return remembered(self.files, "lists " + shard.number, function () {
        return self.load("lists/" + shard.number).then(function (lists) {
          shard.lists = lists || [];
          return shard;
        });
      });
    }));
  };

  Index.prototype.facets = function () {
    var self = this;
    return remembered(this.files, "facets object", function () {
      return Promise.all([self.manifestLoaded(), self.load("facets")]).then(function (loaded) {
        return new Facets(loaded[1], loaded[0].values);
      });
    });
  };

  /* Where `word` (found in `shard`) stands on each of its pages: a list of
   * positions per page, in the order of its page list. */
  Index.prototype.positions = function (shard, word) {
    var self = this;
    return this.manifestLoaded().then(function (manifest) {
      var file = manifest.inline ? 0 : Math.floor(shard.number / manifest.near_every);
      return remembered(self.files, "positions " + word, function () {
        return self.load("near/" + file).then(function (near) {
          var pages = ((near || {})[word] || "").split(",");
          return pages.slice(0, pages.length - 1).map(decodeGaps);
        });
      });
    });
  };

  /* The shard numbers holding words from `low` up to words starting with
   * `high`; with `whole`, only the one that would hold `low` itself. */
  function shardRange(manifest, low, high, whole) {
    var firsts = manifest.shards, numbers = [];
    for (var i = 0; i < firsts.length; i++) {
      var next = firsts[i + 1];
      var startsAfterLow = next === undefined || next > low;
      var beginsBeforeHigh = whole ? firsts[i] <= low : firsts[i] <= high || firsts[i].startsWith(high);
      if (startsAfterLow && beginsBeforeHigh) numbers.push(i);
    }
    return numbers.slice(0, MAX_SHARDS_PER_WORD);
  }

  function shardsFor(index, low, high, whole) {
    return index.manifestLoaded().then(function (manifest) {
      return Promise.all(shardRange(manifest, low, high, whole).map(function (n) { return index.shard(n); }));
    });
  }

  /* A word matching only itself (in a phrase, or too short to stand for
   * others): [[word, weight, shard]], or [] when it is not indexed. */
  function exactly(index, word) {
    return shardsFor(index, word, word, true).then(function (shards) {
      var shard = shards.filter(function (s) { return s.entries.has(word); })[0];
      return shard ? [[word, WEIGHT.exact, shard]] : [];
    });
  }

  /* Indexed words a query word stands for: [word, weight, shard] each. */
  function expand(index, word) {
    if (word.length < MIN_PREFIX) return exactly(index, word);
    var stemmed = stem(word);
    var wanted = [shardsFor(index, word, word)];
    if (stemmed !== word && stemmed.length >= 4) wanted.push(shardsFor(index, stemmed, stemmed));
    return Promise.all(wanted).then(function (found) {
      var matches = new Map();
      function add(shard, candidate, weight) {
        var known = matches.get(candidate);
        if (!known || known[1] < weight) matches.set(candidate, [candidate, weight, shard]);
      }
      found[0].forEach(function (shard) {
        if (shard.entries.has(word)) add(shard, word, WEIGHT.exact);
        shard.startingWith(word).slice(0, MAX_EXPANSIONS).forEach(function (w) { add(shard, w, WEIGHT.prefix); });
      });
      (found[1] || []).forEach(function (shard) {
        shard.startingWith(stemmed).slice(0, MAX_EXPANSIONS).forEach(function (w) { add(shard, w, WEIGHT.stem); });
      });
      if (matches.size > 0 || Array.from(word).length < 4) return Array.from(matches.values());
      return typos(index, word);
    });
  }

  /* Indexed words one edit from `word`, whole or as the start of a longer
   * word. A typo in the first two letters is not looked for: that would mean
   * reading every shard. */
  function typos(index, word) {
    var start = word.slice(0, 2);
    return shardsFor(index, start, start).then(function (shards) {
      var matches = [];
      shards.forEach(function (shard) {
        shard.startingWith(start).forEach(function (candidate) {
          if (distance(word, candidate, 1) <= 1) matches.push([candidate, WEIGHT.typo, shard]);
          else if (word.length >= 5 && candidate.length > word.length &&
                   distance(word, candidate.slice(0, word.length), 1) <= 1) {
            matches.push([candidate, WEIGHT.typoPrefix, shard]);
          }
        });
      });
      return matches.slice(0, MAX_EXPANSIONS);
    });
  }

  /* Indexed words near a word nothing matched, for "no results" help: those
   * two edits away or fewer, then those sharing its first four letters or
   * more ("mentorshipz" -> "mentors"), closest and most used first. */
  function nearest(index, word) {
    var start = word.slice(0, 1);
    return Promise.all([shardsFor(index, word, word), shardsFor(index, start, start)]).then(function (found) {
      var seen = new Map();
      found[0].concat(found[1]).forEach(function (shard) {
        shard.words.forEach(function (candidate) {
          if (seen.has(candidate) || /^[0-9]/.test(candidate)) return;
          var edits = distance(word, candidate, 2);
          var shared = 0;
          while (shared < word.length && word[shared] === candidate[shared]) shared++;
          if (edits > 2 && shared < 4) return;
          seen.set(candidate, { word: candidate, edits: edits, shared: shared, pages: shard.pages(candidate) });
        });
      });
      return Array.from(seen.values()).sort(function (a, b) {
        return a.edits - b.edits || b.shared - a.shared || b.pages - a.pages || (a.word < b.word ? -1 : 1);
      }).slice(0, 5).map(function (near) { return near.word; });
    });
  }

  /* ---- a query -------------------------------------------------------- */

  /* A query's parts: its words, and its quoted phrases as the words they
   * hold with each word's place (stop words keep theirs: "board of
   * directors" is "board" then "directors" two places on). A quote not
   * closed runs to the end; a phrase of one word is that word, matched
   * exactly. Words and phrases are each kept once. */
  function parse(query, stop) {
    var words = [], phrases = [], seen = new Set();
    var pieces = query.split(/["\u201c\u201d\u201e]/);
    pieces.forEach(function (piece, i) {
      var tokens = tokenise(piece);
      if (i % 2 === 0) {
        tokens.forEach(function (word) {
          if (!stop.has(word) && !seen.has(word)) { seen.add(word); words.push(word); }
        });
        return;
      }
      var phrase = [];
      tokens.forEach(function (word, place) { if (!stop.has(word)) phrase.push({ word: word, place: place }); });
      if (phrase.length === 0) return;
      var key = "\u0000" + phrase.map(function (part) { return part.word + "@" + (part.place - phrase[0].place); }).join(" ");
      if (seen.has(key)) return;
      seen.add(key);
      if (phrase.length === 1) words.push({ exact: phrase[0].word });
      else phrases.push(phrase);
    });
    return { words: words, phrases: phrases };
  }

  /* Searches for `query`, keeping pages whose facets have one of the values
   * in `filters` ({theme: ["belonging"], ...}; none = any). `options.typing`:
   * the query's last word may still be being typed, so when no indexed word
   * is that word the answer is `incomplete` (nothing but the word's term
   * shard is read; the page asks again once typing pauses). `options.whole`:
   * rank every result, never answering from the term shard alone.
   * Resolves to
   *   words        the query's search words (a phrase's words too), stop words left out;
   *   phrases      the query's phrases, each as its words;
   *   total        how many pages have every word and phrase;
   *   ranked       their page numbers, best first: all of them, or with
   *                `partial`, the first page of them (`whole` gives the rest);
   *   some         when fewer than `SOME_BELOW` pages have everything: the pages
   *                with some of it, most of it first (none when the query is one part);
   *   facets       {facet: [{slug, name, count, selected}]}, values with no
   *                page left out unless selected: counting `ranked`, or `some`
   *                when nothing has everything;
   *   unmatched    words no indexed word matches (left out of the search);
   *   suggestions  indexed words near the unmatched ones;
   *   terms        the indexed words that matched, for marking excerpts;
   *   expansions   per query word or phrase word, the indexed words it stands for (see matchedWords);
 *   shortcuts    the hub's own pages the query asks for by name: [{title, path, excerpt}]. */
  Index.prototype.search = function (query, filters, options) {
    var self = this;
    filters = filters || {};
    options = options || {};
    return this.manifestLoaded().then(function () {
      var parsed = parse(query, self.stop);
      var plain = parsed.words.map(function (word) { return word.exact || word; });
      var phraseWords = [];
      parsed.phrases.forEach(function (phrase) { phrase.forEach(function (part) { phraseWords.push(part.word); }); });
      var words = plain.concat(phraseWords).filter(function (word, i, all) { return all.indexOf(word) === i; });
      if (words.length === 0) return result(words, [], null);
      var alone = !options.whole && parsed.words.length === 1 && typeof parsed.words[0] === "string" &&
        parsed.phrases.length === 0 && !FACETS.some(function (facet) { return (filters[facet] || []).length > 0; });
      var tokens = tokenise(query);
      var typed = options.typing && typeof parsed.words[parsed.words.length - 1] === "string" &&
        parsed.words[parsed.words.length - 1] === tokens[tokens.length - 1] ? parsed.words.length - 1 : -1;
      var looked = parsed.words.map(function (word, i) {
        if (word.exact) return exactly(self, word.exact);
        if (i !== typed) return expand(self, word);
        return exactly(self, word).then(function (found) { return found.length === 0 ? null : expand(self, word); });
      });
      var phrased = parsed.phrases.map(function (phrase) {
        return Promise.all(phrase.map(function (part) { return exactly(self, part.word); }));
      });
      return Promise.all([Promise.all(looked), Promise.all(phrased)]).then(function (loaded) {
        var expansions = loaded[0], phraseMatches = loaded[1];
        if (typed >= 0 && expansions[typed] === null) return incomplete(self, parsed, words, expansions, phraseMatches);
        return answer(self, parsed, words, plain, expansions, phraseMatches, filters, alone);
      }).then(function (found) {
        found.shortcuts = shortcuts(self.shortcutList, parsed);
        return found;
      });
    });
  };

  /* The hub's own pages a query asks for by name (the manifest's
   * `shortcuts`, such as the evidence table for "outcomes"): each whose
   * words hold every word of the query, the last as typed so far. */
  function shortcuts(list, parsed) {
    if (parsed.phrases.length > 0 || parsed.words.length === 0) return [];
    var last = parsed.words.length - 1;
    return list.filter(function (shortcut) {
      var words = shortcut[3];
      return parsed.words.every(function (word, i) {
        if (typeof word !== "string") return words.indexOf(word.exact) >= 0;
        if (words.indexOf(word) >= 0) return true;
        return i === last && word.length >= 3 && words.some(function (known) { return known.startsWith(word); });
      });
    }).map(function (shortcut) { return { title: shortcut[0], path: shortcut[1], excerpt: shortcut[2] }; });
  }

  /* The answer to a query whose last word, still being typed, no indexed word
   * is: nothing yet. A query of more words will read their page lists and
   * the facets whatever that word becomes, so those start loading. */
  function incomplete(index, parsed, words, expansions, phraseMatches) {
    var found = result(words, [], null);
    found.incomplete = true;
    if (parsed.words.length + parsed.phrases.length > 1) {
      var typed = parsed.words[parsed.words.length - 1];
      Promise.all([index.lists(shardsOf(expansions, phraseMatches)), index.facets(), shardsFor(index, typed, typed).then(function (more) {
        return index.lists(more);
      })]).catch(function () { /* the search that needs them will say so */ });
    }
    return found;
  }

  /* The term shards holding the words that words and phrases matched (a
   * word still being typed, null, has none), each once. */
  function shardsOf(expansions, phraseMatches) {
    var shards = [];
    expansions.concat([].concat.apply([], phraseMatches)).forEach(function (matches) {
      (matches || []).forEach(function (match) { if (shards.indexOf(match[2]) < 0) shards.push(match[2]); });
    });
    return shards;
  }

  /* A query's answer once its words are expanded: from the term shard for
   * a word alone, else from the page lists and facets. */
  function answer(self, parsed, words, plain, expansions, phraseMatches, filters, alone) {
    var matches = expansions[0] || [];
    var own = alone && matches.length > 0 && matches[0][1] === WEIGHT.exact ? matches[0][2].entries.get(matches[0][0]) : null;
    if (own) return fromShard(self, words, matches, own.entry);
    return Promise.all([self.lists(shardsOf(expansions, phraseMatches)), self.facets()]).then(function (loaded) {
      var facets = loaded[1];
      var unmatched = plain.filter(function (word, i) { return expansions[i].length === 0; });
      parsed.phrases.forEach(function (phrase, p) {
        phrase.forEach(function (part, k) {
          if (phraseMatches[p][k].length === 0 && unmatched.indexOf(part.word) < 0) unmatched.push(part.word);
        });
      });
      return Promise.all([
        Promise.all(unmatched.map(function (word) { return nearest(self, word); })),
        Promise.all(parsed.phrases.map(function (phrase, p) { return phrasePages(self, phrase, phraseMatches[p]); })),
      ]).then(function (more) {
        var found = result(words, unmatched, more[0]);
        found.phrases = parsed.phrases.map(function (phrase) { return phrase.map(function (part) { return part.word; }); });
        var parts = expansions.filter(function (matches) { return matches.length > 0; })
          .map(function (matches) { return { matches: matches }; });
        parsed.phrases.forEach(function (phrase, p) {
          if (more[1][p]) parts.push({ matches: [].concat.apply([], phraseMatches[p]), pages: more[1][p] });
        });
        var selection = facets.selection(filters);
        found.expansions = parts.map(function (part) { return part.matches; });
        parts.forEach(function (part) { part.matches.forEach(function (match) { found.terms.add(match[0]); }); });
        var wanted = expansions.filter(function (m) { return m.length > 0; }).length + parsed.phrases.length;
        var scored = score(parts, self.pages);
        var keep = function (id) { return passes(facets, id, selection, null); };
        var byScore = function (a, b) { return scored.scores[b] - scored.scores[a] || a - b; };
        var all = [], some = [];
        scored.ids.forEach(function (id) { (scored.parts[id] === wanted ? all : some).push(id); });
        found.ranked = wanted > 0 && parts.length === wanted ? all.filter(keep).sort(byScore) : [];
        found.total = found.ranked.length;
        if (found.total < SOME_BELOW && wanted > 1) {
          found.some = some.filter(keep).sort(function (a, b) { return scored.parts[b] - scored.parts[a] || byScore(a, b); });
        }
        var counted = all.length > 0 ? all : some;
        found.facets = countFacets(facets, counted, filters, selection);
        return found;
      });
    });
  }

  /* A query of one word alone, with no filter, as its term shard answers it:
   * `entry` is the word's, [word, pages, total, counts, first, matched]. */
  function fromShard(index, words, matches, entry) {
    var found = result(words, [], null);
    found.expansions = [matches];
    matches.forEach(function (match) { found.terms.add(match[0]); });
    found.total = entry[2];
    found.ranked = decodeNumbers(entry[4]);
    found.partial = found.ranked.length < found.total;
    var by = decodeNumbers(entry[5]);
    found.matched = new Map(found.ranked.map(function (id, i) { return [id, matches[by[i]] ? matches[by[i]][0] : null]; }));
    var counts = decodeNumbers(entry[3]), at = 0;
    found.facets = {};
    FACETS.forEach(function (facet) {
      found.facets[facet] = index.values[facet].map(function (value) {
        return { slug: value[0], name: value[1], count: counts[at++] || 0, selected: false };
      }).filter(function (value) { return value.count > 0; });
    });
    return found;
  }

  /* How many results fill a page: below this many with everything, pages with
   * some of it are shown too. */
  var SOME_BELOW = 10;

  /* The pages holding `phrase`, its words in order at their places: a Set
   * of page numbers, or null when one of its words is not indexed. Only the
   * pages with every one of its words are looked at. */
  function phrasePages(index, phrase, matches) {
    if (matches.some(function (found) { return found.length === 0; })) return Promise.resolve(null);
    var shards = matches.map(function (found) { return found[0][2]; });
    return Promise.all(phrase.map(function (part, k) { return index.positions(shards[k], part.word); })).then(function (near) {
      var lists = phrase.map(function (part, k) { return shards[k].postings(part.word); });
      var pages = new Set();
      var first = lists[0];
      for (var i = 0; i < first.ids.length; i++) {
        var id = first.ids[i], at = [i];
        for (var k = 1; k < lists.length && at.length === k; k++) {
          var found = find(lists[k].ids, id);
          if (found >= 0) at.push(found);
        }
        if (at.length < lists.length) continue;
        var starts = near[0][i] || [];
        var holds = starts.some(function (start) {
          return phrase.every(function (part, k) {
            var positions = near[k][at[k]] || [];
            return find(positions, start + part.place - phrase[0].place) >= 0;
          });
        });
        if (holds) pages.add(id);
      }
      return pages;
    });
  }

  function result(words, unmatched, nearestLists) {
    var suggestions = [];
    (nearestLists || []).forEach(function (list) {
      list.forEach(function (word) { if (suggestions.indexOf(word) < 0) suggestions.push(word); });
    });
    return {
      words: words, phrases: [], total: 0, ranked: [], some: [], facets: null, unmatched: unmatched,
      suggestions: suggestions.slice(0, 6), terms: new Set(), expansions: [],
    };
  }

  /* Each page's score and how many of the query's parts (words and phrases)
   * it has. Per part, its best match on the page counts: the match's score
   * (plus one) times its weight, added up over the parts. Titles come first:
   * each part a page's title holds adds TITLE times the match's weight, and
   * the share of the title those parts make up adds up to TITLE / 2, so of
   * two titles holding the whole query the shorter wins. A phrase part counts
   * only on the pages holding the phrase. */
  var TITLE = 1000;
  function score(parts, pages) {
    var total = new Float64Array(pages), count = new Uint8Array(pages), titled = new Float64Array(pages);
    var length = new Uint8Array(pages), touched = [];
    parts.forEach(function (part) {
      var best = new Float64Array(pages), title = new Float64Array(pages), seen = [];
      part.matches.forEach(function (match) {
        var postings = match[2].postings(match[0]);
        for (var i = 0; i < postings.ids.length; i++) {
          var id = postings.ids[i];
          if (part.pages && !part.pages.has(id)) continue;
          var value = (postings.scores[i] + 1) * match[1];
          if (best[id] === 0) seen.push(id);
          if (value > best[id]) best[id] = value;
          if (postings.titles[i]) {
            title[id] = Math.max(title[id], match[1]);
            length[id] = postings.titles[i];
          }
        }
      });
      for (var k = 0; k < seen.length; k++) {
        var page = seen[k];
        if (count[page] === 0) touched.push(page);
        count[page]++;
        total[page] += best[page] + TITLE * title[page];
        titled[page] += title[page];
      }
    });
    touched.forEach(function (id) {
      if (length[id] > 0) total[id] += (TITLE / 2) * Math.min(1, titled[id] / length[id]);
    });
    return { ids: touched, scores: total, parts: count };
  }

  /* The indexed words that found page `id`: for each query word, its best match on the page. */
  function matchedWords(result, id) {
    if (result.matched && result.matched.has(id)) return [result.matched.get(id)].filter(Boolean);
    return result.expansions.map(function (matches) {
      var found = null, best = -1;
      matches.forEach(function (match) {
        var postings = match[2].postings(match[0]);
        var at = find(postings.ids, id);
        if (at >= 0 && (postings.scores[at] + 1) * match[1] > best) {
          best = (postings.scores[at] + 1) * match[1];
          found = match[0];
        }
      });
      return found;
    }).filter(Boolean);
  }

  /* True when page `id` has a selected value of every filtered facet but `except`. */
  function passes(facets, id, selection, except) {
    for (var f = 0; f < FACETS.length; f++) {
      var facet = FACETS[f], selected = selection[facet];
      if (facet === except || !selected) continue;
      var column = facets.columns[facet], any = false;
      for (var k = column.start[id]; k < column.start[id + 1]; k++) if (selected[column.positions[k]]) any = true;
      if (!any) return false;
    }
    return true;
  }

  /* Each facet's values with how many matching pages have them, counting
   * with every other facet's filter applied (so choosing a theme still shows
   * how many pages the other themes would give). `selection` is
   * `facets.selection(filters)`. */
  function countFacets(facets, matching, filters, selection) {
    var result = {};
    FACETS.forEach(function (facet) {
      var values = facets.values[facet], column = facets.columns[facet];
      var counts = new Uint32Array(values.length);
      matching.forEach(function (id) {
        if (!passes(facets, id, selection, facet)) return;
        for (var k = column.start[id]; k < column.start[id + 1]; k++) counts[column.positions[k]]++;
      });
      var selected = filters[facet] || [];
      result[facet] = values.map(function (value, position) {
        return { slug: value[0], name: value[1], count: counts[position], selected: selected.indexOf(value[0]) >= 0 };
      }).filter(function (value) { return value.count > 0 || value.selected; });
    });
    return result;
  }

  /* What results show of pages `ids`: {title, path, type, organisation, date, excerpt} each. */
  Index.prototype.records = function (ids) {
    var self = this;
    return this.manifestLoaded().then(function (manifest) {
      return Promise.all(ids.map(function (id) {
        var known = self.known.get(id);
        var loaded = known ? Promise.resolve(known) : self.load("docs/" + Math.floor(id / manifest.chunk)).then(function (chunk) {
          return chunk[id % manifest.chunk];
        });
        return loaded.then(function (record) {
          var type = manifest.values.type[record[2] - 1];
          var organisation = manifest.values.organisation[record[3] - 1];
          return {
            id: id, title: record[0], path: record[1], type: type ? type[1] : "",
            organisation: organisation ? organisation[1] : "", date: record[4], excerpt: record[5],
          };
        });
      }));
    });
  };

  /* Splits `text` into [piece, marked] runs, marking the words a query matched. */
  function highlight(text, result) {
    var runs = [], last = 0, pattern = /[\p{Alphabetic}\p{N}]+(?:['\u2019\-.,][\p{Alphabetic}\p{N}]+)*%?/gu, found;
    while ((found = pattern.exec(text)) !== null) {
      var hit = tokenise(found[0]).some(function (word) {
        return result.terms.has(word) || result.words.some(function (w) { return w.length >= 3 && word.startsWith(w); });
      });
      if (!hit) continue;
      if (found.index > last) runs.push([text.slice(last, found.index), false]);
      runs.push([found[0], true]);
      last = found.index + found[0].length;
    }
    if (last < text.length) runs.push([text.slice(last), false]);
    return runs;
  }

  var api = {
    FACETS: FACETS, SOME_BELOW: SOME_BELOW, tokenise: tokenise, parse: parse, stem: stem, distance: distance,
    highlight: highlight, matchedWords: matchedWords,
    open: function (base, fetchJson) { return new Index(base, fetchJson); },
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  return api;
})();
