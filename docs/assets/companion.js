/* Fall From Grace companion: synced transcript player, #t= deep links, Pagefind search.
 *
 * Works with Material's instant navigation: pages are set up from `document$` (Material's page
 * observable) and torn down before the next one; window listeners are tied to an AbortController.
 * The transcript is plain HTML and works without this script (time links are ordinary links).
 */
(() => {
  "use strict";

  const SEEK_SLACK_S = 0.05;          // treat a time this close to a segment start as inside it
  const SEEK_MISS_S = 0.5;            // a seek that lands further than this from its target did not happen
  const NO_SEEK_MESSAGE = "This audio host only plays from the start; download the episode or jump once it has loaded that far.";
  const DEBOUNCE_MS = 120;            // search typing pause before querying
  const MAX_MOMENTS = 3;              // transcript moments shown per episode result
  const EXCERPT_BEFORE = 8;           // words of context before a hit
  const EXCERPT_AFTER = 18;           // words of context after a hit
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  /* ---- time codes (mirror scripts/companion/timecode.py) ---- */
  function parseTime(text) {
    const value = String(text).trim();
    if (!value) return NaN;
    const parts = value.split(":");
    if (parts.length > 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) return NaN;
    const numbers = parts.map(Number);
    if (numbers.slice(1).some((n) => n >= 60)) return NaN;
    return numbers.reduce((total, n) => total * 60 + n, 0);
  }

  function clock(seconds, exact) {
    const centis = Math.round(Math.max(0, seconds) * 100);
    const whole = Math.floor(centis / 100);
    const fraction = centis % 100;
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const s = whole % 60;
    const pad = (n) => String(n).padStart(2, "0");
    let out = h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
    if (exact && fraction) out += `.${pad(fraction)}`.replace(/0+$/, "");
    return out;
  }

  /** Percent-decoded text, or the text as it is when it is not valid percent-encoding (`%ZZ`). */
  function decodeLoosely(text) {
    try { return decodeURIComponent(text); } catch (_) { return text; }
  }

  /** `#t=12:30`, `#t=750`, `#t=1:02:03`, `#t=12:30,18:00` -> {start, end|null}, else null. */
  function parseHash(hash) {
    const match = /^#t=([^&]*)/.exec(hash || "");
    if (!match) return null;
    const [a, b] = decodeLoosely(match[1]).split(",");
    const start = parseTime(a);
    const end = b === undefined || b === "" ? null : parseTime(b);
    if (Number.isNaN(start) || Number.isNaN(end) || (end !== null && end <= start)) return null;
    return { start, end };
  }

  function announce(el, message) {
    if (!el) return;
    el.textContent = "";
    window.setTimeout(() => { el.textContent = message; }, 30);
  }

  async function copyText(value) {
    try {
      await navigator.clipboard.writeText(value);
      return true;
    } catch (_) {
      const area = document.createElement("textarea");
      area.value = value;
      area.setAttribute("readonly", "");
      area.className = "ffg-offscreen";
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      return ok;
    }
  }

  /* ---- the episode page: player + transcript ---- */
  class EpisodePlayer {
    constructor(root) {
      this.root = root;
      this.audio = root.querySelector(".ffg-player audio");
      this.transcript = root.querySelector(".ffg-transcript");
      this.segments = Array.from(root.querySelectorAll(".ffg-seg"));
      this.starts = this.segments.map((s) => Number(s.dataset.start));
      this.followBox = root.querySelector(".ffg-follow__box");
      this.rangeEl = root.querySelector(".ffg-range");
      this.statusEl = root.querySelector(".ffg-status");
      this.current = -1;
      this.range = null;
      this.frame = 0;
      this.target = null;               // {seconds, play, message}: a seek asked for and not yet confirmed
      this.warning = null;
      this.abort = new AbortController();
      this.bind();
    }

    get following() { return !this.followBox || this.followBox.checked; }

    bind() {
      const opts = { signal: this.abort.signal };
      if (this.audio) {
        this.audio.addEventListener("seeked", () => this.onSeeked(), opts);
        this.audio.addEventListener("seeking", () => this.tick(), opts);
        this.audio.addEventListener("loadedmetadata", () => { if (!this.seekableAt(0) && !this.seekableAt(this.audio.duration / 2)) this.warn(NO_SEEK_MESSAGE); }, opts);
        this.audio.addEventListener("error", () => {
          this.target = null;                 // nothing will load, so no position will be reached
          this.warn("The audio could not be loaded from its host. The transcript still works; the host's own page may play it.");
          announce(this.statusEl, "");
        }, opts);
        this.audio.addEventListener("timeupdate", () => this.tick(), opts);
        this.audio.addEventListener("play", () => this.loop(), opts);
      }
      if (this.transcript) this.transcript.addEventListener("click", (e) => this.onClick(e), opts);
      // A reader who scrolls away while it plays keeps their place: following pauses until re-ticked.
      const userScroll = (e) => {
        if (e.type === "keydown" && !["PageUp", "PageDown", "ArrowUp", "ArrowDown", "Home", "End", " "].includes(e.key)) return;
        if (e.type === "keydown" && e.target.closest && e.target.closest("input, textarea, audio, button, dialog")) return;
        if (this.audio && !this.audio.paused && this.following && this.followBox) {
          this.followBox.checked = false;
          announce(this.statusEl, "Follow along is off. Tick Follow along to return to the current moment.");
        }
      };
      for (const type of ["wheel", "touchmove", "keydown"]) {
        window.addEventListener(type, userScroll, { ...opts, passive: true });
      }
      if (this.followBox) {
        this.followBox.addEventListener("change", () => {
          if (this.following && this.current >= 0) this.keepInView(this.segments[this.current], true);
        }, opts);
      }
      if (this.rangeEl) this.rangeEl.addEventListener("click", (e) => this.onRangeClick(e), opts);
    }

    destroy() {
      this.abort.abort();
      window.cancelAnimationFrame(this.frame);
    }

    onClick(event) {
      const copy = event.target.closest(".ffg-seg__copy");
      if (copy) {
        const url = new URL(window.location.href);
        url.hash = `t=${copy.dataset.t}`;
        copyText(url.href).then((ok) => announce(this.statusEl, ok ? `Link to ${clock(parseTime(copy.dataset.t))} copied.` : `Copy this link: ${url.href}`));
        return;
      }
      const link = event.target.closest(".ffg-seg__time");
      const seg = event.target.closest(".ffg-seg");
      if (!seg) return;
      if (!link && (event.target.closest("a, button") || String(window.getSelection()).length)) return;
      event.preventDefault();
      const start = Number(seg.dataset.start);
      history.replaceState(history.state, "", `#t=${clock(start, true)}`);
      this.clearRange();
      this.seek(start, { play: true });
    }

    /** Is `seconds` inside a range the element says it can seek to (`HTMLMediaElement.seekable`)? */
    seekableAt(seconds) {
      const ranges = this.audio.seekable;
      for (let i = 0; i < ranges.length; i += 1) {
        if (seconds >= ranges.start(i) - SEEK_SLACK_S && seconds <= ranges.end(i) + SEEK_SLACK_S) return true;
      }
      return false;
    }

    /** A plain, lasting note under the player (a host that cannot seek); announced once. */
    warn(message) {
      if (!this.warning) {
        this.warning = document.createElement("p");
        this.warning.className = "ffg-player__warning";
        this.warning.setAttribute("role", "alert");
        const bar = this.root.querySelector(".ffg-player__bar") || this.root;
        bar.append(this.warning);
      }
      if (this.warning.textContent !== message) this.warning.textContent = message;
    }

    /**
     * Ask the audio to move to `seconds`, then (optionally) play and announce. Nothing is claimed until
     * the element confirms the move: before metadata it is loaded first; a host that cannot seek there
     * (no HTTP Range, so `seekable` is empty) gets a plain message and the position stays where it is.
     */
    seek(seconds, { play = false, message = "" } = {}) {
      if (!this.audio) { this.highlight(seconds); if (message) announce(this.statusEl, message); return; }
      this.target = { seconds, play, message };
      const go = () => {
        const target = this.target;
        if (!target || target.seconds !== seconds) return;       // a later seek replaced this one
        const length = this.audio.duration;
        if (Number.isFinite(length) && seconds > length + SEEK_MISS_S) {
          // Past the end: no host can seek there, so the host is not to blame (and is not named).
          this.target = null;
          announce(this.statusEl, `${clock(seconds)} is past the end of this episode, which is ${clock(length)} long; the audio is at ${clock(this.audio.currentTime)}.`);
          this.tick();
          return;
        }
        if (!this.seekableAt(seconds)) {
          this.target = null;
          this.warn(NO_SEEK_MESSAGE);
          announce(this.statusEl, `Cannot jump to ${clock(seconds)}: the audio is at ${clock(this.audio.currentTime)}.`);
          this.tick();
          return;
        }
        if (Math.abs(this.audio.currentTime - seconds) < SEEK_SLACK_S) { this.onSeeked(); return; }
        this.audio.currentTime = seconds;                          // "seeked" confirms (onSeeked)
        this.tick();                                               // the element reports the new time at once
      };
      if (this.audio.readyState >= HTMLMediaElement.HAVE_METADATA) {
        go();
      } else {
        announce(this.statusEl, `Loading the audio to go to ${clock(seconds)}…`);
        this.audio.addEventListener("loadedmetadata", go, { once: true, signal: this.abort.signal });
        if (this.audio.preload === "none" || this.audio.networkState === HTMLMediaElement.NETWORK_EMPTY) this.audio.load();
      }
    }

    /** The element finished a seek: confirm the asked-for position, or say it did not happen. */
    onSeeked() {
      const target = this.target;
      this.target = null;
      if (target) {
        if (Math.abs(this.audio.currentTime - target.seconds) > SEEK_MISS_S) {
          this.warn(NO_SEEK_MESSAGE);
          announce(this.statusEl, `Cannot jump to ${clock(target.seconds)}: the audio is at ${clock(this.audio.currentTime)}.`);
        } else {
          if (target.message) announce(this.statusEl, target.message);
          if (target.play) this.audio.play().catch(() => {});
        }
      }
      this.tick();
    }

    /** Apply a `#t=` fragment: seek, mark the range, bring the segment into view. */
    applyHash(hash) {
      const target = parseHash(hash);
      if (!target) {
        // A `#t=` this page cannot read is said, not silently dropped (the audio stays where it is).
        const time = /^#t=([^&]*)/.exec(hash || "");
        if (time) announce(this.statusEl, `This link's time "${decodeLoosely(time[1]).slice(0, 40)}" could not be read (times look like 12:30 or 12:30,18:00); the audio is at ${clock(this.audio ? this.audio.currentTime : 0)}.`);
        return false;
      }
      this.setRange(target.end === null ? null : target);
      const index = this.indexAt(target.start);
      if (index >= 0) this.keepInView(this.segments[index], true, true);   // a link lands at once, audio or not
      this.highlight(target.start);        // the segment holding the stretch's start, while the audio loads
      this.seek(target.start, { message: target.end === null
        ? `Ready to play from ${clock(target.start)}.`
        : `Ready to play ${clock(target.start)} to ${clock(target.end)}.` });
      return true;
    }

    setRange(range) {
      this.range = range ? { ...range, stopped: false } : null;
      for (const seg of this.segments) {
        const inside = !!range && Number(seg.dataset.end) > range.start + SEEK_SLACK_S && Number(seg.dataset.start) < range.end;
        seg.classList.toggle("ffg-seg--in-range", inside);
      }
      if (this.transcript) this.transcript.classList.toggle("ffg-transcript--range", !!range);
      if (!this.rangeEl) return;
      this.rangeEl.hidden = !range;
      this.rangeEl.textContent = "";
      if (!range) return;
      const url = new URL(window.location.href);
      url.hash = `t=${clock(range.start, true)},${clock(range.end, true)}`;
      const label = document.createElement("span");
      label.className = "ffg-range__label";
      label.textContent = `Assigned stretch: ${clock(range.start)}–${clock(range.end)}. Playback stops at ${clock(range.end)}.`;
      const play = document.createElement("button");
      play.type = "button";
      play.className = "md-button ffg-range__play";
      play.textContent = "Play this stretch";
      const clear = document.createElement("button");
      clear.type = "button";
      clear.className = "md-button ffg-range__clear";
      clear.textContent = "Show whole transcript";
      // The stretch is cited as everywhere else on the site (lecturer.js, ffgCite: APA in-text time
      // stamp, the episode's reference, the link beside it); a page without it keeps the link alone.
      const cite = window.ffgCite && window.ffgCite.stretchCitation
        ? window.ffgCite.stretchCitation(range.start, range.end) : null;
      this.rangeEl.append(label, " ", play, " ", clear, cite || url.href);
    }

    onRangeClick(event) {
      if (event.target.closest(".ffg-range__clear")) {
        history.replaceState(history.state, "", window.location.pathname + window.location.search);
        this.clearRange();
      } else if (event.target.closest(".ffg-range__play") && this.range && this.audio) {
        this.range.stopped = false;
        this.seek(this.range.start, { play: true });
      }
    }

    clearRange() { if (this.range) this.setRange(null); }

    indexAt(seconds) {
      let lo = 0;
      let hi = this.starts.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (this.starts[mid] <= seconds + SEEK_SLACK_S) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found;
    }

    highlight(seconds) {
      const index = this.indexAt(seconds);
      if (index === this.current) return;
      const old = this.segments[this.current];
      if (old) { old.classList.remove("ffg-seg--current"); old.removeAttribute("aria-current"); }
      this.current = index;
      const seg = this.segments[index];
      if (!seg) return;
      seg.classList.add("ffg-seg--current");
      seg.setAttribute("aria-current", "time");
      if (this.audio && !this.audio.paused && this.following) this.keepInView(seg, false);
    }

    keepInView(seg, force, instant) {
      if (!seg) return;
      const box = seg.getBoundingClientRect();
      const header = document.querySelector(".md-header");
      const top = header ? header.getBoundingClientRect().bottom : 0;
      if (!force && box.top >= top && box.bottom <= window.innerHeight) return;
      seg.scrollIntoView({ block: "center", behavior: instant || reducedMotion.matches ? "auto" : "smooth" });
    }

    tick() {
      if (!this.audio) return;
      const now = this.audio.currentTime;
      const range = this.range;
      if (range && !range.stopped && !this.audio.paused && now >= range.end) {
        range.stopped = true;
        this.audio.pause();
        this.audio.currentTime = range.end;
        announce(this.statusEl, `Stopped at ${clock(range.end)}, the end of the assigned stretch.`);
      }
      // The real position, never the one asked for; while a seek is pending (the audio still loading)
      // the segment the link landed on stays marked, not the 0:00 the element reports until then.
      if (!this.target) this.highlight(this.audio.currentTime);
    }

    loop() {
      window.cancelAnimationFrame(this.frame);
      const step = () => {
        this.tick();
        if (this.audio && !this.audio.paused) this.frame = window.requestAnimationFrame(step);
      };
      this.frame = window.requestAnimationFrame(step);
    }
  }

  /* ---- site root, from Material's page config (computed once: the header outlives instant navigation) ---- */
  function siteRoot() {
    const config = document.getElementById("__config");
    const base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.endsWith("/") ? base : `${base}/`, window.location.href);
  }

  /* ---- Pagefind search in a dialog ----
   *
   * Pagefind ranks pages by how often they hold each word (BM25), so long course pages that hold
   * "what", "to", "say" and "ask" many times outrank the one episode that holds the sentence. For a query
   * of two or more words typed without quotes, the dialog also asks Pagefind for the exact phrase
   * (Pagefind's quoted search) and lists those pages first. Pagefind substitutes the longest indexed
   * prefix of a word it does not know ("in" for "inagural"), so each loaded page is checked: a page
   * whose hits do not resemble every content word of the query is a weak match, held back with a
   * plain message instead of being listed as if it matched.
   */
  const RESULTS_PAGE = 10;            // pages loaded and shown per "More results"
  const WEAK_SCAN_PAGES = 3;          // pages of results checked for a good match before saying there is none
  const MIN_STEM = 3;                 // a hit shorter than this never stands in for a longer word
  const STEM_SLACK = 3;               // letters a stemmed hit may lack ("ask" for "asking")
  // Words too common to say anything about a page (a query of only these is answered with advice).
  const STOP_WORDS = new Set(("a about after all also am an and any are as at be been but by can could did do does " +
    "for from had has have he her here him his how i if in into is it its just me my no not now of on or our out she " +
    "so than that the their them then there these they this to too up us was we were what when where which who why " +
    "will with would you your").split(" "));

  function fold(word) {
    return String(word).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^\p{L}\p{N}]/gu, "");
  }

  /** The words of a query: all of them, the content words, and whether it was typed in quotes. */
  function analyseQuery(query) {
    const quoted = /^\s*".+"\s*$/.test(query);
    const text = query.replace(/["“”]/g, " ").replace(/\s+/g, " ").trim();
    const terms = text.split(" ").map(fold).filter(Boolean);
    const content = terms.filter((t) => !STOP_WORDS.has(t));
    return { text, quoted, terms, content, stopOnly: !quoted && terms.length > 0 && content.length === 0 };
  }

  /** Does a word the index matched stand for the query term (the same word, an inflection, a stem)? */
  function resembles(hit, term) {
    if (!hit) return false;
    if (hit.startsWith(term)) return true;
    let common = 0;
    while (common < hit.length && common < term.length && hit[common] === term[common]) common += 1;
    return common >= Math.max(MIN_STEM, term.length - STEM_SLACK) && common >= Math.min(hit.length, term.length) - STEM_SLACK;
  }

  class Search {
    constructor(dialog, root) {
      this.dialog = dialog;
      this.input = dialog.querySelector(".ffg-search__input");
      this.list = dialog.querySelector(".ffg-search__results");
      this.status = dialog.querySelector(".ffg-search__status");
      this.more = dialog.querySelector(".ffg-search__more");
      this.weakButton = dialog.querySelector(".ffg-search__weak");
      this.scopes = Array.from(dialog.querySelectorAll('input[name="ffg-search-scope"]'));
      this.root = root;
      this.pagefind = null;
      this.seq = 0;
      this.timer = 0;
      this.state = null;
      this.running = Promise.resolve();
      document.querySelectorAll(".ffg-search-open").forEach((b) => b.addEventListener("click", () => this.open()));
      this.input.addEventListener("input", () => {
        window.clearTimeout(this.timer);
        this.timer = window.setTimeout(() => this.start(), DEBOUNCE_MS);
      });
      this.input.addEventListener("keydown", (e) => {
        if (e.key === "ArrowDown") { const first = this.list.querySelector("a"); if (first) { e.preventDefault(); first.focus(); } }
        if (e.key === "Enter") { e.preventDefault(); this.openBest(); }
        // A search input's own Escape only clears the text; here Escape closes the dialog (the text stays
        // for the next opening), as the dialog pattern expects.
        if (e.key === "Escape") { e.preventDefault(); this.dialog.close(); }
      });
      this.scopes.forEach((r) => r.addEventListener("change", () => this.start()));
      this.more.addEventListener("click", () => this.showMore());
      this.weakButton.addEventListener("click", () => this.showWeak());
      this.list.addEventListener("click", (e) => { if (e.target.closest("a")) this.dialog.close(); });
      this.dialog.addEventListener("click", (e) => { if (e.target === this.dialog) this.dialog.close(); });
      document.addEventListener("keydown", (e) => {
        if (e.key !== "/" || this.dialog.open || e.target.closest("input, textarea, select, [contenteditable]")) return;
        e.preventDefault();
        this.open();
      });
    }

    open() {
      if (!this.dialog.open) this.dialog.showModal();
      this.input.focus();
      this.input.select();
      this.load().catch((err) => { this.status.textContent = "Search is not available on this copy of the site."; console.warn(err); });
    }

    async load() {
      if (!this.pagefind) {
        const base = new URL("pagefind/", this.root);
        this.pagefind = import(new URL("pagefind.js", base).href).then(async (pf) => {
          await pf.options({ basePath: base.pathname, baseUrl: this.root.pathname, excerptLength: EXCERPT_AFTER });
          pf.init();
          return pf;
        });
      }
      return this.pagefind;
    }

    get scope() {
      const checked = this.scopes.find((r) => r.checked);
      return checked ? checked.value : "";
    }

    start() {
      window.clearTimeout(this.timer);
      this.timer = 0;
      this.running = this.run(this.input.value).catch((err) => {
        this.status.textContent = "Search is not available on this copy of the site.";
        console.warn(err);
      });
      return this.running;
    }

    /** Enter: the best result's best moment (an episode at `#t=`), once the current query has run. */
    async openBest() {
      if (this.timer || !this.state || this.state.query !== this.input.value.trim()) await this.start();
      else await this.running;
      const first = this.list.querySelector(".ffg-hit");
      const link = first && (first.querySelector(".ffg-hit__moments a") || first.querySelector(".ffg-hit__title"));
      if (link) link.click();
    }

    async run(query) {
      const seq = ++this.seq;
      const q = query.trim();
      this.state = null;
      this.more.hidden = true;
      this.weakButton.hidden = true;
      delete this.list.dataset.query;          // set again when this query's answer is complete
      if (!q) { this.list.replaceChildren(); this.status.textContent = ""; return; }
      this.status.textContent = "Searching…";
      const pf = await this.load();
      const plan = analyseQuery(q);
      const options = this.scope ? { filters: { section: this.scope } } : {};
      const phraseWanted = !plan.quoted && plan.terms.length >= 2;
      const [loose, exact] = await Promise.all([
        pf.search(q, options),
        phraseWanted ? pf.search(`"${plan.text}"`, options) : Promise.resolve(null),
      ]);
      if (seq !== this.seq) return;
      const phraseIds = new Set(exact ? exact.results.map((r) => r.id) : []);
      const entries = [
        ...(exact ? exact.results : []).map((result) => ({ result, phrase: true })),
        ...loose.results.filter((r) => !phraseIds.has(r.id)).map((result) => ({ result, phrase: plan.quoted })),
      ];
      this.state = { seq, query: q, plan, entries, next: 0, strong: 0, weak: [], phrases: phraseIds.size };
      this.list.replaceChildren();
      if (!entries.length) {
        // With a filter on, the words may be in the other section: say so rather than blame the spelling.
        const elsewhere = this.scope ? (await pf.search(q)).results.length : 0;
        if (seq !== this.seq) return;
        this.status.textContent = elsewhere
          ? `Nothing found for “${q}” in ${this.scope}, but ${elsewhere} ${elsewhere === 1 ? "page" : "pages"} elsewhere on the site ${elsewhere === 1 ? "matches" : "match"}: choose “Everything” above.`
          : `Nothing found for “${q}”${this.scope ? ` in ${this.scope}` : ""}. Check the spelling or try fewer words.`;
        this.list.dataset.query = q;
        return;
      }
      if (plan.stopOnly && !phraseIds.size) {              // "the", "to be" with no page holding it as a phrase
        this.status.textContent = `“${q}” is on nearly every page. Add a less common word, or put a phrase you remember in "quotes".`;
        this.weak(entries.length, true);
        this.list.dataset.query = q;
        return;
      }
      await this.showMore();
    }

    /** Load and show the next page of results; weak matches are held back. */
    async showMore() {
      const state = this.state;
      if (!state) return;
      const before = state.strong;
      for (let scanned = 0; scanned < WEAK_SCAN_PAGES && state.next < state.entries.length; scanned += 1) {
        const batch = state.entries.slice(state.next, state.next + RESULTS_PAGE);
        state.next += batch.length;
        const data = await Promise.all(batch.map((e) => e.result.data()));
        if (state !== this.state) return;
        const items = [];
        data.forEach((d, i) => {
          if (batch[i].phrase || (!state.plan.stopOnly && this.matchesEveryWord(d, state.plan))) items.push(this.render(d));
          else state.weak.push(d);
        });
        state.strong += items.length;
        this.list.append(...items);
        if (state.strong > before) break;        // a page of results shown; the rest waits for "More results"
      }
      this.summarise();
    }

    /** Every content word of the query has a hit on the page that resembles it. */
    matchesEveryWord(d, plan) {
      const words = d.content.split(/\s+/);
      const hits = d.locations.map((i) => fold(words[i]));
      const wanted = plan.content.length ? plan.content : plan.terms;
      return wanted.every((term) => hits.some((hit) => resembles(hit, term)));
    }

    summarise() {
      const state = this.state;
      const remaining = state.entries.length - state.next;
      const where = this.scope ? ` in ${this.scope}` : "";
      if (!state.strong) {
        this.status.textContent = `Nothing matches “${state.query}” well${where}. Check the spelling, try fewer words, or put a phrase you remember in "quotes".`;
      } else {
        const phrase = state.phrases && !state.plan.quoted
          ? `${state.phrases} ${state.phrases === 1 ? "page holds" : "pages hold"} the exact phrase (listed first). ` : "";
        const total = state.entries.length;
        this.status.textContent = `${phrase}${total} ${total === 1 ? "page" : "pages"} found${where}; showing ${state.strong}.`;
      }
      this.list.dataset.query = state.query;   // the answer to this query is on screen (tests wait for it)
      this.more.hidden = remaining <= 0 || !state.strong;
      this.more.textContent = `More results (${remaining} more to check)`;
      this.weak(state.strong ? state.weak.length : state.weak.length + remaining, false);
    }

    /** The button that lists the held-back pages anyway. */
    weak(count, everything) {
      this.weakButton.hidden = count === 0;
      this.weakButton.dataset.everything = everything ? "1" : "";
      this.weakButton.textContent = everything
        ? `Show all ${count} ${count === 1 ? "page" : "pages"} anyway`
        : `Show ${count} weak ${count === 1 ? "match" : "matches"} (${count === 1 ? "it holds" : "they hold"} only part of the words)`;
    }

    async showWeak() {
      const state = this.state;
      if (!state) return;
      if (this.weakButton.dataset.everything) {
        state.entries.forEach((e) => { e.phrase = true; });   // the reader asked for every page
        this.weakButton.hidden = true;
        await this.showMore();
        return;
      }
      const held = state.weak.splice(0);
      this.list.append(...held.map((d) => this.render(d, true)));
      state.strong += held.length;
      if (held.length) state.entries.slice(state.next).forEach((e) => { e.phrase = true; });   // asked for: list the rest too
      this.summarise();
    }

    /** One page; episode hits link to the transcript moment (`#t=`) of the nearest segment anchor. */
    render(d, weak) {
      const words = d.content.split(/\s+/);
      const hits = new Set(d.locations);
      const item = document.createElement("li");
      item.className = weak ? "ffg-hit ffg-hit--weak" : "ffg-hit";
      const title = document.createElement("a");
      title.className = "ffg-hit__title";
      title.href = d.url;
      title.textContent = (d.meta && d.meta.title) || d.url;
      item.append(title);
      if (d.filters && d.filters.section && d.filters.section.length) {
        const kind = document.createElement("span");
        kind.className = "ffg-hit__kind";
        kind.textContent = ` ${d.filters.section[0] === "Episodes" ? "Episode" : d.filters.section[0]}`;
        item.append(kind);
      }
      const moments = this.moments(d);
      const subs = moments.length ? moments : d.sub_results
        .filter((s) => s.anchor)
        .slice(0, MAX_MOMENTS)
        .map((s) => ({ href: s.url, label: s.title, at: s.locations[0] }));
      if (!moments.length) {
        const excerpt = document.createElement("p");
        excerpt.className = "ffg-hit__excerpt";
        excerpt.append(...this.excerpt(words, hits, d.locations[0] || 0));
        item.append(excerpt);
      }
      if (subs.length) {
        const list = document.createElement("ul");
        list.className = "ffg-hit__moments";
        for (const sub of subs) {
          const li = document.createElement("li");
          const a = document.createElement("a");
          a.href = sub.href;
          const label = document.createElement("span");
          label.className = "ffg-hit__time";
          label.textContent = sub.label;
          a.append(label, " ", ...this.excerpt(words, hits, sub.at));
          li.append(a);
          list.append(li);
        }
        item.append(list);
      }
      return item;
    }

    /** The best transcript moments of a page: segments scored by the weight of the query words they hold. */
    moments(d) {
      const anchors = (d.anchors || []).filter((a) => /^t-\d+(-\d+)?$/.test(a.id)).sort((a, b) => a.location - b.location);
      if (!anchors.length) return [];
      const scored = new Map();
      const weighted = d.weighted_locations && d.weighted_locations.length
        ? d.weighted_locations : d.locations.map((location) => ({ location, balanced_score: 1 }));
      for (const hit of weighted) {
        let best = null;
        for (const anchor of anchors) { if (anchor.location <= hit.location) best = anchor; else break; }
        if (!best) continue;
        const entry = scored.get(best.id) || { anchor: best, score: 0, at: hit.location };
        entry.score += hit.balanced_score;
        scored.set(best.id, entry);
      }
      return [...scored.values()]
        .sort((a, b) => b.score - a.score || a.anchor.location - b.anchor.location)
        .slice(0, MAX_MOMENTS)
        .map(({ anchor, at }) => {
          const seconds = Number(anchor.id.split("-")[1]) / 1000;
          return { href: `${d.url}#t=${clock(seconds, true)}`, label: clock(seconds), at };
        });
    }

    excerpt(words, hits, at) {
      const start = Math.max(0, at - EXCERPT_BEFORE);
      const end = Math.min(words.length, at + EXCERPT_AFTER);
      const nodes = [start > 0 ? "… " : ""];
      for (let i = start; i < end; i += 1) {
        if (hits.has(i)) {
          const mark = document.createElement("mark");
          mark.textContent = words[i];
          nodes.push(mark, " ");
        } else {
          nodes.push(`${words[i]} `);
        }
      }
      if (end < words.length) nodes.push("…");
      return nodes;
    }
  }

  /* ---- crisis-help bar: folded to one line on phones, the toggle opens every line ---- */
  /* The bar is pinned to the bottom of the window (companion.css): the page keeps exactly its height
     free below the content, and re-measures when it folds, opens or wraps. */
  let helpBarObserver = null;
  function keepRoomForHelpBar(bar) {
    const pinned = bar.closest("[data-md-component=announce]") || bar;
    const measure = () => document.documentElement.style.setProperty(
      "--ffg-help-h", `${Math.ceil(pinned.getBoundingClientRect().height)}px`);
    if (helpBarObserver) helpBarObserver.disconnect();
    if ("ResizeObserver" in window) {
      helpBarObserver = new ResizeObserver(measure);
      helpBarObserver.observe(pinned);
    }
    measure();
  }

  function setUpHelpBar(bar) {
    if (bar.dataset.ffgReady) return;
    bar.dataset.ffgReady = "1";
    keepRoomForHelpBar(bar);
    const toggle = bar.querySelector(".ffg-help__toggle");
    if (!toggle) return;
    bar.classList.add("ffg-help--foldable");
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = bar.classList.toggle("ffg-help--open");
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Fewer lines" : "More lines";
    });
  }

  /* ---- wiring ---- */
  let player = null;

  /* Episode pages are outside the nav (hundreds would bloat every page), so no engine marks a tab
     for them; mark the Episodes tab (the one whose link ends in /episodes/) as theirs. */
  function markEpisodesTab() {
    if (!document.querySelector(".ffg-episode-title")) return;
    for (const link of document.querySelectorAll(".md-tabs__link")) {
      if (new URL(link.href, window.location.href).pathname.endsWith("/episodes/")) {
        link.closest(".md-tabs__item")?.classList.add("md-tabs__item--active");
      }
    }
  }

  function setUpPage() {
    markEpisodesTab();
    document.querySelectorAll("[data-ffg-help]").forEach(setUpHelpBar);
    if (player) { player.destroy(); player = null; }
    const root = document.querySelector(".md-content");
    if (root && root.querySelector(".ffg-player audio, .ffg-transcript")) {
      player = new EpisodePlayer(root);
      player.applyHash(window.location.hash);
    }
  }

  function start() {
    const dialog = document.getElementById("ffg-search");
    if (dialog) new Search(dialog, siteRoot());
    window.addEventListener("hashchange", () => { if (player) player.applyHash(window.location.hash); });
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setUpPage);      // first load and every instant navigation
    } else {
      setUpPage();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
