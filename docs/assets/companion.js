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
  const CLEAR_OF_TOP_PX = 8;          // room kept between the stuck player (or the header) and a focused element
  const MIN_LINE_PX = 48;             // the least room left for the page between the stuck player and the help bar
  const MIN_PAGE_SHARE = 1 / 3;       // the least share of the window the stuck player must leave the page
  const NO_SEEK_MESSAGE = "This audio host only plays from the start; download the episode or jump once it has loaded that far.";
  const DEBOUNCE_MS = 120;            // search typing pause before querying
  const MAX_MOMENTS = 3;              // transcript moments shown per episode result
  const EXCERPT_BEFORE = 8;           // words of context before a hit
  const EXCERPT_AFTER = 18;           // words of context after a hit
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];   // mirrors episode_html.SPEEDS
  const SKIP_BACK = 15;                           // seconds (episode_html.SKIP_BACK_S)
  const SKIP_FORWARD = 30;                        // seconds (episode_html.SKIP_FORWARD_S)
  const SPEED_KEY = "ffg-speed";                  // localStorage: the reader's playback speed, on this device only

  /** A setting kept in this browser only (localStorage); null when storage is blocked. */
  function readSetting(key) {
    try { return window.localStorage.getItem(key); } catch (_) { return null; }
  }

  function writeSetting(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key); else window.localStorage.setItem(key, value);
    } catch (_) { /* storage blocked (private mode, policy): the setting lasts for this page only */ }
  }

  /* ---- the listener's place, per history entry (sessionStorage: this tab only) ----
   * Back (or Forward) to an episode page returns to where the listener was, in the audio and on the
   * page, not to the `#t=` the address still holds: the address says where they arrived, not where
   * they got to (a link opened fresh still seeks to its `#t=`). Kept per address, in this tab. */
  const PLACE_KEY = "ffg-place:";
  const placeKey = () => PLACE_KEY + window.location.pathname + window.location.search + window.location.hash;

  function readPlace() {
    try { return JSON.parse(window.sessionStorage.getItem(placeKey()) || "null"); } catch (_) { return null; }
  }

  function writePlace(place) {
    try { window.sessionStorage.setItem(placeKey(), JSON.stringify(place)); } catch (_) { /* storage blocked: no return to the place */ }
  }


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

  /** One time as a link writes it: what parseTime reads, or `1h2m3s` / `90s` / `2m` (the form of
   *  YouTube-style `?t=` share links). Links only: lecturers' macros keep to parseTime's forms. */
  function parseLinkTime(text) {
    const value = String(text).trim();
    const units = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/i.exec(value);
    if (value && units) return Number(units[1] || 0) * 3600 + Number(units[2] || 0) * 60 + Number(units[3] || 0);
    return parseTime(value);
  }

  /** `#t=12:30`, `#t=750`, `#t=1:02:03`, `#t=12:30,18:00`, `#t=1m30s` -> {start, end|null}, else null.
   *  Also the W3C Media Fragments URI 1.0 forms (section 4.2.1): an `npt:` prefix (`#t=npt:750,1080`)
   *  and an omitted start (`#t=,18:00`: from the beginning to 18:00). */
  function parseHash(hash) {
    const match = /^#t=([^&]*)/.exec(hash || "");
    if (!match) return null;
    const [a, b] = decodeLoosely(match[1]).trim().replace(/^npt:/i, "").split(",");
    const start = a.trim() === "" && b ? 0 : parseLinkTime(a);
    const end = b === undefined || b === "" ? null : parseLinkTime(b);
    if (Number.isNaN(start) || Number.isNaN(end) || (end !== null && end <= start)) return null;
    return { start, end };
  }

  function announce(el, message) {
    if (!el) return;
    el.textContent = "";
    window.clearTimeout(el.ffgTimer);
    el.ffgTimer = window.setTimeout(() => { el.textContent = message; }, 30);
  }

  /** A same-page `#t=` link (relative, or made absolute by Material's instant navigation), else null. */
  function timeLinkHash(link) {
    if (!link || !link.getAttribute("href")) return null;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== window.location.pathname) return null;
    return /^#t=/.test(url.hash) ? url.hash : null;
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
      this.statusKind = "";             // what the status region last said: "loading", "ready", "playing", ...
      this.statusText = "";
      this.controls = root.querySelector(".ffg-controls");
      this.speedSelect = root.querySelector(".ffg-speed__select");
      this.words = null;                // segment start -> [{startTime, endTime, body}], from transcript.json
      this.wordSeg = null;              // the segment whose words are wrapped for highlighting
      this.warning = null;
      // The scroll kept for Back/Forward to this page (read from storage once, here; keepPlace
      // updates it when leaving), so the ~4 timeupdates a second write the time without a read.
      this.keptScroll = (readPlace() || {}).scroll || 0;
      this.landedOn = null;             // the time link a link to a moment focused, until the audio is there
      this.abort = new AbortController();
      this.bind();
      this.watchTop();
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
          this.say("", "");
        }, opts);
        this.audio.addEventListener("timeupdate", () => { this.tick(); this.keepPlace(); }, opts);
        this.audio.addEventListener("seeked", () => this.keepPlace(), opts);
        this.audio.addEventListener("play", () => this.loop(), opts);
        // The status region says what the audio is doing now: a "Loading…" or "Ready to play…" that the
        // audio has moved past is replaced (once per change of state, so it never chatters).
        this.audio.addEventListener("playing", () => {
          if (["loading", "ready", "paused", "note", "ended", ""].includes(this.statusKind) && !this.target) this.say(`Playing from ${clock(this.audio.currentTime)}.`, "playing");
        }, opts);
        this.audio.addEventListener("pause", () => {
          if (this.statusKind === "playing" && !this.audio.ended) this.say(`Paused at ${clock(this.audio.currentTime)}.`, "paused");
        }, opts);
        this.audio.addEventListener("ended", () => { if (this.statusKind === "playing") this.say("The episode has ended.", "ended"); }, opts);
      }
      // Clicks are taken here, on the page's content, before Material's instant navigation (which listens
      // on document.body and ignores defaultPrevented: squidfunk/mkdocs-material#5160) can turn a time
      // link into a navigation whose hashchange would seek without playing and drop focus on <body>.
      this.root.addEventListener("click", (e) => this.onClick(e), opts);
      // Before any link or Material's instant navigation leaves this page (capture: first of all).
      document.addEventListener("click", () => this.keepPlace(true), { ...opts, capture: true });
      window.addEventListener("pagehide", () => this.keepPlace(true), opts);
      // A reader who scrolls away while it plays keeps their place: following pauses until re-ticked.
      const userScroll = (e) => {
        if (e.type === "keydown" && !["PageUp", "PageDown", "ArrowUp", "ArrowDown", "Home", "End", " "].includes(e.key)) return;
        if (e.type === "keydown" && e.target.closest && e.target.closest("input, textarea, audio, button, dialog")) return;
        this.landedOn = null;                  // the reader moves on: the moment they landed on stays where they put it
        if (this.audio && !this.audio.paused && this.following && this.followBox) {
          this.followBox.checked = false;
          this.say("Follow along is off. Tick Follow along to return to the current moment.", "follow");
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
      if (this.audio && this.controls) this.bindControls(opts);
      // The player sticks just under the header, whose height is the search button's (icon and label:
      // 59 px, not Material's 2.4rem): stuck at 2.4rem its top 11 px were drawn under the header.
      const header = document.querySelector(".md-header");
      if (this.audio && header && "ResizeObserver" in window) {
        this.headerWatch = new ResizeObserver(() => document.documentElement.style
          .setProperty("--ffg-header-height", `${header.getBoundingClientRect().height}px`));
        this.headerWatch.observe(header);
      }
    }

    /* ---- while listening: skip, speed, keyboard shortcuts, the word being spoken ---- */
    bindControls(opts) {
      this.controls.hidden = false;
      this.bindFolding(opts);
      this.controls.addEventListener("click", (e) => {
        const skip = e.target.closest(".ffg-skip");
        if (skip) this.skip(Number(skip.dataset.skip));
      }, opts);
      const saved = Number(readSetting(SPEED_KEY));
      if (SPEEDS.includes(saved)) this.setSpeed(saved, false);
      this.speedSelect.addEventListener("change", () => this.setSpeed(Number(this.speedSelect.value), true), opts);
      // The element resets its rate when it loads a source: keep the reader's choice.
      this.audio.addEventListener("loadedmetadata", () => { this.audio.playbackRate = Number(this.speedSelect.value) || 1; }, opts);
      this.audio.addEventListener("play", () => this.loadWords(), { ...opts, once: true });
      document.addEventListener("keydown", (e) => this.onShortcut(e), opts);
      this.bindMediaSession(opts);
    }

    /** The folded player on a phone (companion.css): "More" shows and hides its other parts. */
    bindFolding(opts) {
      const more = this.controls.querySelector(".ffg-player__more");
      const player = this.audio.closest(".ffg-player");
      if (!more || !player) return;
      player.classList.add("ffg-player--folding");
      more.addEventListener("click", () => {
        const open = more.getAttribute("aria-expanded") !== "true";
        more.setAttribute("aria-expanded", String(open));
        player.classList.toggle("ffg-player--open", open);
      }, opts);
    }

    /**
     * The system's media controls (lock screen, notification, headset, car) while this episode plays:
     * its title, and play, pause, back 15 s, forward 30 s and seeking through this player, as on the
     * page. Without it a phone's lock screen named only the site's address and its skip buttons did
     * nothing (syntaxfm/website#1264, feedbin#674, Automattic/jetpack#15131). No artwork: the feed's
     * image is on the publisher's host, and the site asks no third party for anything.
     */
    bindMediaSession(opts) {
      const session = navigator.mediaSession;
      if (!session || typeof window.MediaMetadata !== "function") return;
      const heading = this.root.querySelector(".ffg-episode-title");
      const site = document.querySelector(".md-header__topic .md-ellipsis");
      const handlers = {
        play: () => this.seek(this.audio.currentTime, { play: true }),
        pause: () => this.audio.pause(),
        seekbackward: (details) => this.skip(-(details.seekOffset || SKIP_BACK)),
        seekforward: (details) => this.skip(details.seekOffset || SKIP_FORWARD),
        seekto: (details) => this.seek(details.seekTime, { play: !this.audio.paused }),
      };
      const setHandlers = (on) => {
        for (const [action, handler] of Object.entries(handlers)) {
          try { session.setActionHandler(action, on ? handler : null); } catch (_) { /* an action this browser lacks */ }
        }
      };
      const position = () => {
        const { duration, currentTime, playbackRate } = this.audio;
        if (!Number.isFinite(duration) || !session.setPositionState) return;
        try { session.setPositionState({ duration, playbackRate, position: Math.min(currentTime, duration) }); } catch (_) { /* mid-load */ }
      };
      let claimed = false;
      this.audio.addEventListener("play", () => {
        claimed = true;
        session.metadata = new MediaMetadata({ title: (heading ? heading.textContent : document.title).trim(),
                                               artist: site ? site.textContent.trim() : "" });
        setHandlers(true);
        position();
      }, opts);
      for (const type of ["seeked", "ratechange", "loadedmetadata"]) this.audio.addEventListener(type, position, opts);
      // Leaving the page (instant navigation keeps the document): the controls no longer name it.
      this.releaseSession = () => { if (claimed) { session.metadata = null; setHandlers(false); } };
    }

    onShortcut(e) {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable], dialog")) return;
      const actions = {
        k: () => (this.audio.paused ? this.seek(this.audio.currentTime, { play: true }) : this.audio.pause()),
        j: () => this.skip(-SKIP_BACK), l: () => this.skip(SKIP_FORWARD),
        "<": () => this.stepSpeed(-1), ">": () => this.stepSpeed(1),
      };
      const action = actions[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    }

    skip(seconds) {
      const length = Number.isFinite(this.audio.duration) ? this.audio.duration : Infinity;
      const to = Math.min(Math.max(0, this.audio.currentTime + seconds), length);
      this.seek(to, { play: !this.audio.paused, message: this.audio.paused ? `Ready to play from ${clock(to)}.` : "" });
    }

    stepSpeed(step) {
      const at = SPEEDS.indexOf(Number(this.speedSelect.value));
      const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, (at < 0 ? SPEEDS.indexOf(1) : at) + step))];
      this.setSpeed(next, true);
    }

    setSpeed(rate, say) {
      this.speedSelect.value = String(rate);
      this.audio.playbackRate = rate;
      writeSetting(SPEED_KEY, String(rate));
      if (say) this.say(`Speed ${rate}×.`, "note");
    }

    /** Word timings from the episode's transcript.json (fetched once, when the audio first plays). */
    loadWords() {
      const link = this.root.querySelector('.ffg-downloads a[href$="transcript.json"]');
      if (!link || this.words) return;
      this.words = new Map();
      fetch(link.href).then((r) => (r.ok ? r.json() : null)).then((data) => {
        for (const seg of (data && data.segments) || []) {
          if (Array.isArray(seg.words) && seg.words.length) this.words.set(Number(seg.startTime).toFixed(2), seg.words);
        }
        this.tick();
      }).catch(() => {});
    }

    /** Mark the word being spoken in the current segment (its words wrapped once, only if they match its text). */
    highlightWord(seconds) {
      const seg = this.segments[this.current];
      if (!seg || !this.words || !this.words.size) return;
      if (this.wordSeg !== seg) {
        if (this.wordSeg) this.wordSeg.querySelectorAll(".ffg-word--current").forEach((w) => w.classList.remove("ffg-word--current"));
        this.wordSeg = seg;
        const words = this.words.get(Number(seg.dataset.start).toFixed(2));
        const textEl = seg.querySelector(".ffg-seg__text");
        if (words && textEl && !textEl.dataset.words) {
          const squash = (t) => t.replace(/\s+/g, "");
          // A corrected line no longer matches the model's words: leave it unmarked rather than mark wrong words.
          if (squash(words.map((w) => w.body).join("")) === squash(textEl.textContent)) {
            textEl.replaceChildren(...words.flatMap((w, i) => {
              const span = document.createElement("span");
              span.className = "ffg-word";
              span.dataset.start = w.startTime;
              span.textContent = w.body;
              return i ? [" ", span] : [span];
            }));
            textEl.dataset.words = "1";
          } else {
            textEl.dataset.words = "0";
          }
        }
      }
      let current = null;
      for (const span of seg.querySelectorAll(".ffg-word")) {
        if (Number(span.dataset.start) <= seconds + SEEK_SLACK_S) current = span; else break;
      }
      for (const span of seg.querySelectorAll(".ffg-word--current")) if (span !== current) span.classList.remove("ffg-word--current");
      if (current) current.classList.add("ffg-word--current");
    }

    /**
     * Remember where the listener is, for Back/Forward to this address (see PLACE_KEY): the audio's
     * position always; the scroll only when `leaving` (a click, pagehide), because while Material's
     * instant navigation swaps the page in, the old address still shows and the scroll is the new
     * page's top.
     */
    keepPlace(leaving = false) {
      const time = this.audio && this.audio.readyState >= HTMLMediaElement.HAVE_METADATA ? this.audio.currentTime : null;
      if (leaving) this.keptScroll = Math.round(window.scrollY);
      writePlace({ time, scroll: this.keptScroll });
    }

    /**
     * Back or Forward to this page: the listener's place again (the audio's position, paused, and the
     * page's scroll), with the address's stretch still marked. False when no place was kept here.
     */
    restorePlace() {
      const place = readPlace();
      if (!place) return false;
      const target = parseHash(window.location.hash);
      this.setRange(target && target.end !== null ? target : null);
      // Material's instant navigation sets the scroll itself once the page is in (its own offset, or the
      // top); the place is set after that, in the next frame. Material's offset for this history entry
      // (history.state.y, kept as the reader scrolls and as a link is followed) is the better record:
      // the kept scroll is only updated by a click or pagehide here, and leaving by the browser's Back
      // button is neither, so Forward again opened the page at its top, the stretch's line out of view.
      const offset = history.state && Number.isFinite(history.state.y) ? history.state.y : null;
      const y = offset !== null ? offset : place.scroll || 0;
      const scroll = () => window.scrollTo(0, y);
      scroll();
      window.requestAnimationFrame(() => window.setTimeout(scroll, 0));
      if (place.time !== null && place.time !== undefined) {
        this.highlight(place.time);
        this.seek(place.time, { message: `Back where you were: ${clock(place.time)}.` });
      }
      return true;
    }

    destroy() {
      if (this.headerWatch) this.headerWatch.disconnect();
      if (this.releaseSession) this.releaseSession();
      this.abort.abort();
      if (this.topWatch) this.topWatch.disconnect();     // its scroll padding went as the link was followed (start)
      window.cancelAnimationFrame(this.frame);
      if (this.audio && !this.audio.paused) this.audio.pause();   // the page is leaving: its audio stops too
    }

    /** Set the status region (announced politely) and remember what kind of message it holds. */
    say(message, kind) {
      this.statusKind = message ? kind : "";
      if (message === this.statusText) return;                    // the same words again would only chatter
      this.statusText = message;
      announce(this.statusEl, message);
    }

    onClick(event) {
      if (!this.transcript && !this.audio) return;
      const copy = event.target.closest(".ffg-seg__copy");
      if (copy && this.root.contains(copy)) {
        event.stopPropagation();
        const url = new URL(window.location.href);
        url.hash = `t=${copy.dataset.t}`;
        copyText(url.href).then((ok) => this.say(ok ? `Link to ${clock(parseTime(copy.dataset.t))} copied.` : `Copy this link: ${url.href}`, "copy"));
        return;
      }
      if (event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;  // new tab/window: the browser's
      const link = event.target.closest("a");
      const seg = event.target.closest(".ffg-seg");
      let start = NaN;
      let hash = "";
      if (link) {
        hash = timeLinkHash(link);
        const target = hash && parseHash(hash);
        if (!target) return;                                    // any other link is left to the browser / Material
        start = target.start;
      } else if (seg && !event.target.closest("button") && !String(window.getSelection()).length) {
        start = Number(seg.dataset.start);
        hash = `#t=${clock(start, true)}`;
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      // A line of the assigned stretch plays within it: it still stops at the stretch's end, and the
      // address keeps the stretch (a keyboard user lands on its first line, and Enter there dropped
      // the stretch: a student heard on past 18:00). A line outside it leaves the stretch.
      const line = this.segments[this.indexAt(start)];              // the line holding `start`, if any
      if (this.range && line && Number(line.dataset.end) > this.range.start && Number(line.dataset.start) < this.range.end) {
        this.range.stopped = false;
      } else {
        history.replaceState(history.state, "", hash);
        this.clearRange();
      }
      if (this.followBox) this.followBox.checked = true;     // playing from a line: follow along from there again
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
      if (!this.audio) { this.highlight(seconds); if (message) this.say(message, "note"); return; }
      this.target = { seconds, play, message };
      const go = () => {
        const target = this.target;
        if (!target || target.seconds !== seconds) return;       // a later seek replaced this one
        const length = this.audio.duration;
        if (Number.isFinite(length) && seconds > length + SEEK_MISS_S) {
          // Past the end: no host can seek there, so the host is not to blame (and is not named).
          this.target = null;
          this.say(`${clock(seconds)} is past the end of this episode, which is ${clock(length)} long; the audio is at ${clock(this.audio.currentTime)}.`, "note");
          this.tick();
          return;
        }
        if (!this.seekableAt(seconds)) {
          this.target = null;
          this.warn(NO_SEEK_MESSAGE);
          this.say(`Cannot jump to ${clock(seconds)}: the audio is at ${clock(this.audio.currentTime)}.`, "note");
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
        this.say(`Loading the audio to go to ${clock(seconds)}…`, "loading");
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
          this.say(`Cannot jump to ${clock(target.seconds)}: the audio is at ${clock(this.audio.currentTime)}.`, "note");
        } else if (target.play) {
          this.audio.play().then(
            () => this.say(`Playing from ${clock(target.seconds)}.`, "playing"),
            () => this.say(`Ready to play from ${clock(target.seconds)}: press play.`, "ready"));   // the browser refused autoplay
        } else if (target.message) {
          this.say(target.message, "ready");
        } else if (this.statusKind === "loading") {
          this.say("", "");
        }
        this.keepFocusClear();                 // the player has its final height: the last time
        this.landedOn = null;
      }
      this.tick();
    }

    /** Apply a `#t=` fragment: seek, mark the range, bring the segment into view. */
    applyHash(hash) {
      const target = parseHash(hash);
      if (!target) {
        // A `#t=` this page cannot read is said, not silently dropped (the audio stays where it is).
        const time = /^#t=([^&]*)/.exec(hash || "");
        if (time) this.say(`This link's time "${decodeLoosely(time[1]).slice(0, 40)}" could not be read (times look like 12:30 or 12:30,18:00); the audio is at ${clock(this.audio ? this.audio.currentTime : 0)}.`, "note");
        return false;
      }
      this.setRange(target.end === null ? null : target);
      const index = this.indexAt(target.start);
      if (index >= 0) this.keepInView(this.segments[index], true, true);   // a link lands at once, audio or not
      this.highlight(target.start);        // the segment holding the stretch's start, while the audio loads
      // Focus goes where the link pointed, as it does for a link to an anchor: a keyboard user is at the
      // moment (Enter plays it, Tab goes on from it), not at the top of the page. Not while typing.
      const time = index >= 0 ? this.segments[index].querySelector(".ffg-seg__time") : null;
      if (time && !document.activeElement?.closest("input, textarea, select, [contenteditable], dialog[open]")) {
        time.focus({ preventScroll: true });
      }
      this.seek(target.start, { message: target.end === null
        ? `Ready to play from ${clock(target.start)}.`
        : `Ready to play ${clock(target.start)} to ${clock(target.end)}.` });
      // Centred, the moment's first line was under the player, which the stretch and the status make
      // taller, until the audio is at the moment (onSeeked) or the reader scrolls.
      this.landedOn = time && document.activeElement === time ? time : null;
      this.keepFocusClear();
      return true;
    }

    /** Re-measure the top of the window the player covers whenever the player changes size. */
    watchTop() {
      const player = this.audio && this.audio.closest(".ffg-player");
      if (!player || !("ResizeObserver" in window)) return;
      const refit = () => { this.fitStuck(player); this.keepFocusClear(); };
      this.topWatch = new ResizeObserver(refit);
      this.topWatch.observe(player);
      const bar = document.querySelector("[data-md-component=announce]");
      if (bar) this.topWatch.observe(bar);
      window.addEventListener("resize", refit, { signal: this.abort.signal });     // turned on its side
    }

    /**
     * The player sticks under the header only while the page keeps room to be read. A reader's larger
     * text (the browser's font size at 200 %: WCAG 1.4.4) grows the header, the folded player and the
     * crisis-help bar, and on a 360x640 phone the three covered the whole window: a link to a moment
     * opened with its line under the player. The CSS height query guesses in em (which follow the
     * browser's font size, so 640 px at 32 px text still counts as tall); this measures, and un-sticks
     * the player (it scrolls with the page: WCAG 1.4.10 technique C34) when header, player and help bar would
     * leave the page less than MIN_PAGE_SHARE of the window. The help bar stays: the crisis lines never
     * scroll away.
     */
    fitStuck(player) {
      const header = document.querySelector(".md-header");
      const bar = document.querySelector("[data-md-component=announce]");
      const height = (el) => (el ? el.getBoundingClientRect().height : 0);
      const left = window.innerHeight - height(header) - height(player) - height(bar);
      player.classList.toggle("ffg-player--unstuck", left < MIN_PAGE_SHARE * window.innerHeight);
    }

    /**
     * The header and the stuck player cover the top of the window, as the crisis-help bar covers its
     * bottom: the browser is told to scroll a focused element or an anchor clear of them
     * (scroll-padding-top: Shift+Tab up the transcript put each line under them), and the time link
     * a link to a moment just gave the focus (`landedOn`) is scrolled clear of them now. WCAG 2.4.11,
     * focus not obscured.
     */
    keepFocusClear() {
      const player = this.audio && this.audio.closest(".ffg-player");
      const header = document.querySelector(".md-header");
      let covered = header ? header.getBoundingClientRect().height : 0;
      if (player && getComputedStyle(player).position === "sticky") {
        covered = Math.max(covered, parseFloat(getComputedStyle(player).top) + player.getBoundingClientRect().height);
      }
      // Never more than leaves a line's room above the help bar (a player stuck in a short window).
      const bottom = parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom) || 0;
      const room = Math.ceil(Math.min(covered + CLEAR_OF_TOP_PX, window.innerHeight - bottom - MIN_LINE_PX));
      document.documentElement.style.scrollPaddingTop = `${room}px`;
      const landed = this.landedOn;
      if (!landed || document.activeElement !== landed) return;
      const box = landed.getBoundingClientRect();
      if (box.top < room && box.bottom > 0) landed.scrollIntoView({ block: "nearest" });
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
      const stop = document.createElement("span");
      stop.className = "ffg-range__stop";                  // the folded player on a phone leaves it out
      stop.textContent = ` Playback stops at ${clock(range.end)}.`;
      label.append(`Assigned stretch: ${clock(range.start)}–${clock(range.end)}.`, stop);
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
      // Below the header and the stuck player: a segment under either is not in view.
      const header = document.querySelector(".md-header");
      const player = this.audio && this.audio.closest(".ffg-player");
      if (player) this.fitStuck(player);           // before the first ResizeObserver callback, too
      const stuck = player && getComputedStyle(player).position === "sticky" ? player.getBoundingClientRect().bottom : 0;
      const top = Math.max(header ? header.getBoundingClientRect().bottom : 0, stuck);
      if (!force && box.top >= top && box.bottom <= window.innerHeight) return;
      const behavior = instant || reducedMotion.matches ? "auto" : "smooth";
      // A segment taller than the room left between the stuck parts and the crisis-help bar (a long
      // line at a large text size: 1,446 px at 200 % on a phone) was centred with its start, and the
      // time link given the focus, above the window: its first line goes just under the header or
      // the player, where that stands once stuck, instead.
      const stuckTop = player && getComputedStyle(player).position === "sticky"
        ? parseFloat(getComputedStyle(player).top) + player.getBoundingClientRect().height : 0;
      const under = Math.max(header ? header.getBoundingClientRect().height : 0, stuckTop) + CLEAR_OF_TOP_PX;
      const helpBar = parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom) || 0;
      if (box.height > window.innerHeight - helpBar - under) {
        window.scrollBy({ top: box.top - under, behavior });
        return;
      }
      seg.scrollIntoView({ block: "center", behavior });
    }

    tick() {
      if (!this.audio) return;
      const now = this.audio.currentTime;
      const range = this.range;
      if (range && !range.stopped && !this.audio.paused && now >= range.end) {
        range.stopped = true;
        this.audio.pause();
        this.audio.currentTime = range.end;
        this.say(`Stopped at ${clock(range.end)}, the end of the assigned stretch.`, "note");
      }
      // The real position, never the one asked for; while a seek is pending (the audio still loading)
      // the segment the link landed on stays marked, not the 0:00 the element reports until then.
      if (!this.target) {
        this.highlight(this.audio.currentTime);
        this.highlightWord(this.audio.currentTime);
      }
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

  /* ---- the site's root ---- */
  const siteRoot = () => window.ffgSiteRoot();      // on-page.js: worked out once, as instant navigation needs

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

  // A query typed as a phrase: in straight quotes, or in the quotation marks a phone's smart punctuation
  // or a pasted text gives (“…” „…“ «…» ‘…’ ‚…‘ 「…」 『…』; iOS types “ ” for ": freelawproject/
  // courtlistener#2790). Single quotes count only around the whole query: ’ is also an apostrophe.
  const QUOTED = /^\s*(?:"(.+)"|[“”](.+)[“”]|„(.+)[“”]|«(.+)»|[‘’](.+)[‘’]|‚(.+)[‘’]|「(.+)」|『(.+)』|'(.+)')\s*$/u;
  const DOUBLE_QUOTES = /["“”„‟«»「」『』]/g;
  // Punctuation that joins words a page writes apart ("13-11-14", "Thursday-group", "and/or", "13.11.14").
  const JOINER = /(?<=[\p{L}\p{N}])[-‐‑‒–—/.·_]+(?=[\p{L}\p{N}])/gu;

  // A time as transcripts, chapters and citations write it: m:ss or h:mm:ss, a fraction of a second allowed
  // ("12:30", "1:02:03", "12:30.4"). Not preceded or followed by more digits, colons or dots.
  const TIME_PATTERN = String.raw`\d{1,3}(?::[0-5]\d){1,2}(?:\.\d+)?`;
  const TIME = new RegExp(String.raw`(?<![\d:.])${TIME_PATTERN}(?![\d:])`, "g");
  const TIME_TERM = new RegExp(`^${TIME_PATTERN}$`);    // a whole query word that is a time

  /** A query word as it is matched: folded ("Therapist's" -> "therapists"), except a time, kept as typed
   *  ("0:15"): folded it is the digit run "015", which is a phone number's end ("1800 250 015"), and
   *  "18:00" would be "1800", the start of every 1800 help line. */
  function queryTerm(word) {
    const bare = String(word).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    return TIME_TERM.test(bare) ? bare : fold(word);
  }

  /** Is a term a time (`queryTerm` kept it as typed)? */
  function isTime(t) { return TIME_TERM.test(t); }

  /** Whole seconds of a time ("1:02:03" -> 3723, "12:30.4" -> 750). */
  function timeSeconds(time) {
    return time.split(".")[0].split(":").reduce((total, part) => total * 60 + Number(part), 0);
  }

  /** The ways a page may write the same time as `t` ("12:30" -> "0:12:30", "00:12:30", "12:30"; "1:02:03" ->
   *  "01:02:03"): transcripts write h:mm:ss, chapters and citations m:ss, players mm:ss. */
  function timeForms(t) {
    const total = timeSeconds(t);
    const pad = (n) => String(n).padStart(2, "0");
    const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
    const forms = h ? [`${h}:${pad(m)}:${pad(sec)}`, `${pad(h)}:${pad(m)}:${pad(sec)}`]
      : [`${m}:${pad(sec)}`, `${pad(m)}:${pad(sec)}`, `0:${pad(m)}:${pad(sec)}`, `00:${pad(m)}:${pad(sec)}`];
    return forms.filter((f) => f !== t);
  }

  /** The words of a query: as typed, folded, the content words, and whether it was typed in quotes. */
  function analyseQuery(query) {
    const pair = QUOTED.exec(query);
    const inner = pair ? pair.slice(1).find((g) => g !== undefined) : query;
    const text = inner.replace(DOUBLE_QUOTES, " ").replace(/\s+/g, " ").trim();
    const quoted = !!pair && !!text;
    const words = text.split(" ").filter((w) => fold(w));
    const terms = words.map(queryTerm);
    const content = terms.filter((t) => !STOP_WORDS.has(t));
    return { text, quoted, words, terms, content, stopOnly: !quoted && terms.length > 0 && content.length === 0 };
  }

  /* ---- forgiving memory: the site's own vocabulary (scripts/companion/site/vocabulary.py) ----
   * A word no page holds is matched to the nearest words that are indexed (Damerau-Levenshtein over
   * the vocabulary); compound, contraction and regional spellings are tried in the forms the site
   * holds. Pagefind asks for every word, so a query with one word wrong is also run without each word
   * and word by word, and pages are ranked by the segment holding most of the words closest together. */
  const MAX_ALTERNATIVES = 4;         // other spellings of a query searched (each is two Pagefind searches)
  const MAX_SUGGESTIONS = 3;          // "Did you mean" words offered
  const MAX_PARTIAL_WORDS = 12;       // words of a query left out one at a time (one Pagefind search each)
  const SENTENCE_WORDS = 5;           // a query this long is a remembered sentence: its words belong together
  const STOP_SLACK = 2;                // words a remembered line of common words may have dropped or added
  const PARTIAL_PAGES = 24;           // pages scored for a partial match
  const WINDOW_WORDS = 30;            // a remembered line: its words lie this close together
  const INFLECTIONS = ["s", "es", "ed", "d", "ing", "er", "ers", "ly"];   // endings Pagefind's stemmer strips
  // British / American pairs (behaviour/behavior, organise/organize, centre/center, travelled/traveled ...).
  const REGIONAL = [["our", "or"], ["isation", "ization"], ["ise", "ize"], ["yse", "yze"], ["tre", "ter"],
    ["ogue", "og"], ["elled", "eled"], ["elling", "eling"], ["ae", "e"], ["oe", "e"], ["ence", "ense"]];

  // Numbers as people say them and as Whisper writes them: a listener remembers "when forty winters",
  // the transcript says "When 40 winters"; "3 sessions" may be written "three sessions". Two to
  // ninety-nine ("one" is too often not a number: "no one", "the one who").
  const NUMBER_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
  const NUMBER_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
  const NUMBER_WORDS = new Map();       // folded word -> digits: "forty" -> "40", "fortytwo" -> "42"
  const NUMBER_DIGITS = new Map();      // digits -> a one-word number: "40" -> "forty" (not "42")
  for (let n = 2; n < 100; n += 1) {
    const oneWord = n < 20 || n % 10 === 0;
    const word = n < 20 ? NUMBER_UNITS[n] : NUMBER_TENS[Math.floor(n / 10)] + NUMBER_UNITS[n % 10];
    NUMBER_WORDS.set(word, String(n));
    if (oneWord) NUMBER_DIGITS.set(String(n), word);
  }

  /** The other way a folded term writes a number from 2 to 99 ("forty" <-> "40"), or []. Words that
   * spell a compound ("fortytwo", folded from "forty-two") give digits; digits give a word only when
   * it is one word ("40" -> "forty", not "42" -> two words). */
  function numberForms(term) {
    const other = NUMBER_WORDS.get(term) || NUMBER_DIGITS.get(term);
    return other ? [other] : [];
  }

  /** Edit distance with adjacent transpositions (optimal string alignment), capped at `limit` + 1. */
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let prev2 = null;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i += 1) {
      const row = [i];
      let best = i;
      for (let j = 1; j <= b.length; j += 1) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        row.push(d);
        best = Math.min(best, d);
      }
      if (best > limit) return limit + 1;
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  }

  class Vocabulary {
    constructor(data) {
      this.words = data.words || [];
      this.count = new Map(this.words.map((w, i) => [w, (data.counts || [])[i] || 1]));
    }

    has(word) { return this.count.has(word); }

    /** The word, a word it begins (typed in part: "besieg"), or the word less an inflection ("asking"
     *  for "ask"), is on some page. A near spelling ("sonet" for "sonnet") is not: that is for `nearest`. */
    knows(term) {
      if (this.has(term)) return true;
      if (term.length >= 4 && this.words.some((w) => w.startsWith(term))) return true;
      return INFLECTIONS.some((end) => term.endsWith(end) && term.length - end.length >= MIN_STEM
        && (this.has(term.slice(0, -end.length)) || this.has(`${term.slice(0, -end.length)}e`)));
    }

    /** Indexed words nearest to `term`, most frequent first: 1 edit up to 6 letters, 2 beyond (the typo
     *  budget Typesense and Algolia use). A 3-letter word has too many neighbours one letter away
     *  ("tin": "tan", "ton", "in"), so it is matched only to two letters swapped ("hte" -> "the") or one
     *  left out ("brw" -> "brow"), the slips of fast typing on a phone. */
    nearest(term) {
      if (term.length < 3 || /\d/.test(term)) return [];
      const limit = term.length <= 6 ? 1 : 2;
      const sorted = (w) => [...w].sort().join("");
      const letters = term.length === 3 ? sorted(term) : null;   // 3 letters: swapped or one missing only
      const found = [];
      for (const word of this.words) {
        if (Math.abs(word.length - term.length) > limit || word === term) continue;
        if (letters && !(word.length === 4 || (word.length === 3 && sorted(word) === letters))) continue;
        const distance = editDistance(term, word, limit);
        if (distance <= limit) found.push({ word, distance, count: this.count.get(word) });
      }
      return found.sort((a, b) => a.distance - b.distance || b.count - a.count).map((f) => f.word);
    }

    /** "131114" -> "13 11 14": a number typed without the spaces a page writes it with (a phone
     *  number: Lifeline's 13 11 14, 1300 22 4636), split into the fewest groups of 2 or more digits
     *  that the site holds each of; null when there is no such split. */
    digits(term) {
      if (!/^\d{4,15}$/.test(term) || this.has(term)) return null;
      const best = [[]];                       // best[i]: fewest groups spelling term.slice(0, i)
      for (let i = 2; i <= term.length; i += 1) {
        for (let j = 0; j <= i - 2; j += 1) {
          const group = term.slice(j, i);
          if (best[j] && this.has(group) && (!best[i] || best[j].length + 1 < best[i].length)) best[i] = [...best[j], group];
        }
      }
      const split = best[term.length];
      return split && split.length > 1 ? split.join(" ") : null;
    }

    /** Regional spellings of `term` the site holds (behaviour -> behavior). */
    regional(term) {
      const out = new Set();
      for (const [a, b] of REGIONAL) {
        for (const [from, to] of [[a, b], [b, a]]) {
          const at = term.indexOf(from);
          if (at > 0) {
            const variant = term.slice(0, at) + to + term.slice(at + from.length);
            if (variant !== term && this.has(variant)) out.add(variant);
          }
        }
      }
      return [...out];
    }

    /** "cannot" -> "can not" when the site holds both halves of 3 letters or more (the split whose rarer half is commonest). */
    split(term) {
      if (term.length < 2 * MIN_STEM || term.length > 12) return null;
      let best = null;
      for (let i = MIN_STEM; i <= term.length - MIN_STEM; i += 1) {     // "son et" is not "sonet"
        const a = term.slice(0, i);
        const b = term.slice(i);
        if (this.has(a) && this.has(b)) {
          const weight = Math.min(this.count.get(a), this.count.get(b));
          if (!best || weight > best.weight) best = { text: `${a} ${b}`, weight };
        }
      }
      return best && best.text;
    }
  }

  /**
   * Other ways to write a query that the site may hold: {variants: [text], spelling: text|null,
   * suggestions: [{from, to}], timed: whether variants[0] writes a time as the site does}. Variants (joined or split compounds, regional spellings; contractions
   * and hyphens are folded away already: "it's" = "its", "e-mail" = "email") are searched with the
   * query; the spelling fix is searched when nothing else matches well.
   */
  function alternatives(plan, vocab) {
    const none = { variants: [], spelling: null, suggestions: [] };
    if (!vocab || plan.quoted || !plan.terms.length) return none;
    const { words, terms } = plan;
    const variants = new Set();
    const swap = (i, replacement, span = 1) => [...words.slice(0, i), replacement, ...words.slice(i + span)].join(" ");
    const fixed = words.slice();
    const suggestions = [];
    for (let i = 0; i < terms.length; i += 1) {
      const t = terms[i];
      if (i + 1 < terms.length && vocab.has(t + terms[i + 1])) variants.add(swap(i, t + terms[i + 1], 2));
      const split = vocab.split(t);
      if (split) variants.add(swap(i, split));
      const apart = words[i].replace(JOINER, " ");            // "13-11-14" as the help line writes it: "13 11 14"
      if (apart !== words[i]) variants.add(swap(i, apart));
      const grouped = vocab.digits(t);                        // "131114" too
      if (grouped) variants.add(swap(i, grouped));
      const regional = vocab.regional(t);
      regional.forEach((v) => variants.add(swap(i, v)));
      if (STOP_WORDS.has(t) || vocab.knows(t)) continue;
      const near = vocab.nearest(t).slice(0, MAX_SUGGESTIONS);
      if (near.length) {
        suggestions.push({ from: words[i], to: near });
        fixed[i] = near[0];
      }
    }
    // Every regional spelling at once too ("organized … neighborhood center" -> "organised … neighbourhood centre").
    const british = words.map((w, i) => vocab.regional(terms[i])[0] || w);
    if (british.some((w, i) => w !== words[i])) variants.add(british.join(" "));
    // Every number in its other form ("when forty winters" -> "when 40 winters"), when the site holds it.
    const numbers = words.map((w, i) => numberForms(terms[i]).find((n) => vocab.has(n)) || w);
    const numbered = numbers.some((w, i) => w !== words[i]) ? numbers.join(" ") : null;
    if (numbered) variants.add(numbered);
    // A time in the form the site writes it ("00:12:30" -> "12:30"): Pagefind answers a form no page
    // holds with prefix noise ("001230" ~ "sample-sonnet-001"), so this spelling's pages come first.
    const held = words.map((w, i) => (isTime(terms[i]) && !vocab.has(fold(terms[i]))
      && timeForms(terms[i]).find((f) => vocab.has(fold(f)))) || w);
    const timed = held.some((w, i) => w !== words[i]) ? held.join(" ") : null;
    if (timed) variants.add(timed);
    const spelling = suggestions.length ? fixed.join(" ") : null;
    variants.delete(plan.text);
    const rank = (v) => (v === timed ? 3 : v === british.join(" ") ? 2 : v === numbered ? 1 : 0);
    const ordered = [...variants].sort((a, b) => rank(b) - rank(a));
    return { variants: ordered.slice(0, MAX_ALTERNATIVES), spelling, suggestions, timed: !!timed };
  }

  /**
   * Where on a page the most query words lie closest together: {count, span, at}. `count` is how many of
   * the query's words (`terms`: one list of accepted spellings per word) a stretch of at most WINDOW_WORDS
   * words holds, `span` its length in words, `at` the word index of its first content word (a stop word
   * at the edge belongs as much to the line before).
   */
  function bestWindow(words, terms) {
    const hits = [];
    words.forEach((word, index) => {
      if (!fold(word)) return;
      terms.forEach((alts, j) => { if (alts.some((t) => resembles(word, t))) hits.push({ index, j }); });
    });
    let best = { count: 0, span: Infinity, lo: 0, hi: 0 };
    let lo = 0;
    const seen = new Map();
    const drop = (j) => { if (seen.get(j) === 1) seen.delete(j); else seen.set(j, seen.get(j) - 1); };
    for (let hi = 0; hi < hits.length; hi += 1) {
      seen.set(hits[hi].j, (seen.get(hits[hi].j) || 0) + 1);
      while (hits[hi].index - hits[lo].index >= WINDOW_WORDS) { drop(hits[lo].j); lo += 1; }
      // The tightest start for this end: skip hits whose word comes again later in the stretch.
      let start = lo;
      const later = new Map(seen);
      while (start < hi && later.get(hits[start].j) > 1) { later.set(hits[start].j, later.get(hits[start].j) - 1); start += 1; }
      const span = hits[hi].index - hits[start].index;
      if (seen.size > best.count || (seen.size === best.count && span < best.span)) best = { count: seen.size, span, lo: start, hi };
    }
    if (!best.count) return { count: 0, span: Infinity, at: 0 };
    const inside = hits.slice(best.lo, best.hi + 1);
    const content = inside.find((h) => terms[h.j].some((t) => !STOP_WORDS.has(t)));
    // Common words only: the stretch starts where the query's first word does ("it" of "it is for us").
    const first = inside.find((h) => h.j === 0);
    return { count: best.count, span: best.span, at: (content || first || inside[0]).index };
  }

  // A page's transcript segment anchors (`t-<ms>`, from episode_html) in page order: filtered and
  // sorted once a result, as the moment finders (windowOf, momentAt, moments) each need them.
  const TRANSCRIPT_ANCHORS = new WeakMap();
  function transcriptAnchors(d) {
    if (!TRANSCRIPT_ANCHORS.has(d)) {
      TRANSCRIPT_ANCHORS.set(d, (d.anchors || []).filter((a) => /^t-\d+(-\d+)?$/.test(a.id))
        .sort((a, b) => a.location - b.location));
    }
    return TRANSCRIPT_ANCHORS.get(d);
  }

  /** The whole numbers a word on a page writes: "2,000" -> ["2000"], "0:12" -> ["0", "12"],
   *  "128–218" -> ["128", "218"], "3am" -> ["3"], "0.40" -> ["0"] (a decimal's fraction is no number). */
  function numbersIn(word) {
    const numbers = String(word).replace(/(\d),(?=\d{3}(?!\d))/g, "$1").match(/\d+(?:\.\d+)?/g) || [];
    return numbers.map((n) => n.split(".")[0]);
  }

  /** Does a word on a page (as written) stand for the query term (`queryTerm`): the same word, an
   *  inflection, a stem? A number stands only for itself: Pagefind matches every word by its prefix
   *  (Pagefind/pagefind#702), so "40" finds "404" and "406", "12" finds "128" and "121,652", and
   *  "000" (the emergency number) the end of "2,000". A time stands only for that time: Pagefind
   *  drops the colon, so "0:15" found "1800 250 015" and "0.15", "18:00" every "1800" help line. */
  function resembles(word, term) {
    const hit = fold(word);
    if (!hit) return false;
    if (isTime(term)) {                     // a time stands for the same second however written ("0:15", "00:15", "0:00:15")
      const wanted = timeSeconds(term);
      return (String(word).match(TIME) || []).some((t) => timeSeconds(t) === wanted);
    }
    if (/^\d+$/.test(term)) {
      const numbers = numbersIn(word);      // several run together: a number typed as written ("24/7", "0:15")
      return numbers.includes(term) || (numbers.length > 1 && numbers.join("") === term);
    }
    if (hit.startsWith(term)) return true;
    let common = 0;
    while (common < hit.length && common < term.length && hit[common] === term[common]) common += 1;
    return common >= Math.max(MIN_STEM, term.length - STEM_SLACK) && common >= Math.min(hit.length, term.length) - STEM_SLACK;
  }

  /** A result's data less the hits that are other numbers or times than the query's (`terms`: as `queryTerm`
   *  gives them, every spelling searched): "404" is not marked, nor is its section or segment offered as
   *  a moment, for "40"; nor "1800" for "18:00". Other words are left as Pagefind matched them. */
  function withoutOtherNumbers(d, terms) {
    if (!terms.some((t) => /^\d+$/.test(t) || isTime(t))) return d;
    const words = d.content.split(/\s+/);
    const keep = (at) => !/\d/.test(words[at] || "") || terms.some((t) => resembles(words[at], t));
    return {
      ...d,
      locations: d.locations.filter(keep),
      weighted_locations: (d.weighted_locations || []).filter((w) => keep(w.location)),
      sub_results: (d.sub_results || []).map((s) => ({ ...s, locations: (s.locations || []).filter(keep) }))
        .filter((s) => s.locations.length),
    };
  }

  /** Every spelling of a query's words that a page may hold them in (each number written both ways). */
  function spellings(...plans) {
    return [...new Set(plans.filter(Boolean).flatMap((p) => p.terms).flatMap((t) => [t, ...numberForms(t)]))];
  }

  /** 1 for a listing page (home, episode list, course index, syllabus), which ranks after what it lists. */
  function listing(d) { return d && d.meta && d.meta.listing ? 1 : 0; }

  /**
   * Where the reader was when they opened search, for when they close it without choosing a result:
   * null when focus was on a control the dialog gives it back to (a link, a time, the Search button
   * reached by keyboard); else the block of text at the top of the window, and the scroll. A reader who
   * pressed "/" or clicked Search while reading had focus on <body>, and the dialog gave it back there,
   * so the next Tab started again from the top of the page, dozens of stops from their place, and the
   * page jumped to the top with it.
   */
  function placeBeforeSearch() {
    const active = document.activeElement;
    const mouseOpened = active && active.closest && active.closest(".ffg-search-open") && !active.matches(":focus-visible");
    if (active && active !== document.body && !mouseOpened) return null;
    const header = document.querySelector(".md-header");
    const top = header ? header.getBoundingClientRect().bottom : 0;
    const blocks = document.querySelectorAll(".md-content__inner :is(h1, h2, h3, h4, h5, h6, p, li, dt, dd, tr, blockquote, pre, figure, .ffg-seg)");
    for (const block of blocks) {
      const box = block.getBoundingClientRect();
      if (box.height && box.bottom > top + 1) return { block, scroll: window.scrollY };
    }
    return null;
  }

  class Search {
    constructor(dialog, root) {
      this.dialog = dialog;
      this.input = dialog.querySelector(".ffg-search__input");
      this.list = dialog.querySelector(".ffg-search__results");
      this.status = dialog.querySelector(".ffg-search__status");
      this.more = dialog.querySelector(".ffg-search__more");
      this.weakButton = dialog.querySelector(".ffg-search__weak");
      this.suggest = dialog.querySelector(".ffg-search__suggest");
      this.vocab = null;
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
      // The arrows go on from the first result as they reached it: down through every result's title
      // and moments, up to the input again. Without this the second ArrowDown stayed on the first
      // page's title, so a keyboard reader could not reach its moment ("0:15") with the arrows.
      this.list.addEventListener("keydown", (e) => {
        if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
        const links = Array.from(this.list.querySelectorAll("a"));
        const at = links.indexOf(document.activeElement);
        if (at < 0) return;
        e.preventDefault();
        const next = e.key === "ArrowDown" ? links[Math.min(at + 1, links.length - 1)] : links[at - 1] || this.input;
        next.focus();
      });
      this.scopes.forEach((r) => r.addEventListener("change", () => this.start()));
      this.more.addEventListener("click", () => this.showMore());
      this.weakButton.addEventListener("click", () => this.showWeak());
      this.list.addEventListener("click", (e) => {
        const link = e.target.closest("a");
        if (!link) return;
        this.chosen = true;                    // where the reader goes takes the focus, not the place they left
        this.dialog.close();
        // A moment on the page already open: the URL may not change (the same #t= again), so no
        // hashchange would come (squidfunk/mkdocs-material#5954); go to it here, before Material sees the click.
        const hash = timeLinkHash(link);
        if (hash && player) {
          e.preventDefault();
          e.stopPropagation();
          history.replaceState(history.state, "", hash);
          player.applyHash(hash);
        }
      });
      if (this.suggest) {
        this.suggest.addEventListener("click", (e) => {
          const choice = e.target.closest("button");
          if (!choice) return;
          this.input.value = choice.dataset.query;
          this.input.focus();
          this.start();
        });
      }
      this.dialog.addEventListener("click", (e) => { if (e.target === this.dialog) this.dialog.close(); });
      this.dialog.addEventListener("close", () => this.returnToPlace());
      document.addEventListener("keydown", (e) => {
        if (e.key !== "/" || this.dialog.open || e.target.closest("input, textarea, select, [contenteditable]")) return;
        e.preventDefault();
        this.open();
      });
    }

    open() {
      if (!this.dialog.open) {
        this.place = placeBeforeSearch();
        this.chosen = false;
        this.dialog.showModal();
      }
      this.input.focus();
      this.input.select();
      this.load().catch((err) => { this.status.textContent = "Search is not available on this copy of the site."; console.warn(err); });
    }

    /** Closed with no result chosen: back to where the reader was (see placeBeforeSearch). */
    returnToPlace() {
      const place = this.place;
      this.place = null;
      if (this.chosen || !place || !place.block.isConnected) return;
      const { block } = place;
      if (!block.hasAttribute("tabindex")) {
        block.tabIndex = -1;                   // focusable by script only, and only until focus moves on
        block.classList.add("ffg-reading-place");
        block.addEventListener("blur", () => { block.removeAttribute("tabindex"); block.classList.remove("ffg-reading-place"); }, { once: true });
      }
      block.focus({ preventScroll: true });
      window.scrollTo(window.scrollX, place.scroll);
    }

    /** The site's word list (pagefind/vocabulary.json), or null when this copy of the site has none. */
    async vocabulary() {
      if (!this.vocab) {
        this.vocab = fetch(new URL("pagefind/vocabulary.json", this.root).href)
          .then((r) => (r.ok ? r.json() : null))
          .then((data) => (data ? new Vocabulary(data) : null))
          .catch(() => null);
      }
      return this.vocab;
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

    /** Pagefind's results for one way of writing the query: exact phrase first, then every word. */
    async gather(pf, text, plan, options) {
      const phraseWanted = !plan.quoted && plan.terms.length >= 2;
      const [loose, exact] = await Promise.all([
        pf.search(plan.quoted ? `"${text}"` : text, options),
        phraseWanted ? pf.search(`"${text}"`, options) : Promise.resolve(null),
      ]);
      return { phrase: exact ? exact.results : [], loose: loose.results };
    }

    /** Merge the answers of several spellings: every exact phrase first, then the rest, each page once. */
    merge(answers, plan) {
      const seen = new Set();
      const entries = [];
      for (const key of ["phrase", "loose"]) {
        for (const { answer, plan: own } of answers) {
          for (const result of answer[key]) {
            if (seen.has(result.id)) continue;
            seen.add(result.id);
            entries.push({ result, phrase: key === "phrase" || plan.quoted, plan: own });
          }
        }
      }
      return entries;
    }

    /** Does any of the first pages of `entries` match well (the phrase, or every content word)? */
    async anyStrong(entries, plan) {
      const first = entries.slice(0, RESULTS_PAGE * WEAK_SCAN_PAGES);
      if (first.some((e) => e.phrase)) return true;
      const data = await Promise.all(first.map((e) => e.result.data()));
      return data.some((d, i) => this.matchesEveryWord(d, first[i].plan || plan));
    }

    async run(query) {
      const seq = ++this.seq;
      const q = query.trim();
      this.state = null;
      this.more.hidden = true;
      this.weakButton.hidden = true;
      this.showSuggestions(null);
      delete this.list.dataset.query;          // set again when this query's answer is complete
      if (!q) { this.list.replaceChildren(); this.status.textContent = ""; return; }
      this.status.textContent = "Searching…";
      const [pf, vocab] = await Promise.all([this.load(), this.vocabulary()]);
      const plan = analyseQuery(q);
      const options = this.scope ? { filters: { section: this.scope } } : {};
      const alt = alternatives(plan, vocab);
      const spellings = [plan.text, ...alt.variants].map((text) => ({ text, plan: analyseQuery(text) }));
      const answers = await Promise.all(spellings.map(async (v, i) => {
        // The query as typed keeps its quotes; another spelling is its own plan ("13 11 14" for "13-11-14" is a phrase too).
        const answer = await this.gather(pf, v.text, i === 0 ? plan : v.plan, options);
        // "Lifeline" as "life line": two common words anywhere on a page are noise; only as a phrase.
        if (i > 0 && v.plan.terms.length <= 2 && v.plan.terms.length !== plan.terms.length) answer.loose = [];
        return { answer, plan: v.plan };
      }));
      if (seq !== this.seq) return;
      let entries = this.merge(alt.timed ? [answers[1], answers[0], ...answers.slice(2)] : answers, plan);
      let lead = "";
      let strong = entries.length && !plan.stopOnly && await this.anyStrong(entries, plan);
      if (seq !== this.seq) return;
      if (!strong && alt.spelling) {
        // Nothing holds the words as typed: the nearest spelling the site holds, said plainly.
        const fixedPlan = analyseQuery(alt.spelling);
        const fixed = this.merge([{ answer: await this.gather(pf, alt.spelling, fixedPlan, options), plan: fixedPlan }], fixedPlan);
        if (seq !== this.seq) return;
        if (fixed.length && await this.anyStrong(fixed, fixedPlan)) {
          entries = fixed;
          strong = true;
          lead = `Nothing holds “${q}”; showing “${alt.spelling}”. `;
        }
        if (seq !== this.seq) return;
      }
      this.showSuggestions(alt, lead ? alt.spelling : null);
      // A remembered sentence that no page holds as a phrase may have a word wrong ("for the country"):
      // pages that hold every word somewhere must not outrank the one holding most of them together.
      const sentence = plan.terms.length >= SENTENCE_WORDS && !entries.some((e) => e.phrase);
      // A sentence of only common words ("it is for us to be here") is still a remembered line: a
      // stretch holding nearly all of them nearly in a row says more than any one of them.
      const forgive = !plan.stopOnly || (sentence && !alt.spelling);
      if ((!strong || sentence) && forgive && !plan.quoted && plan.terms.length >= 2) {
        const partial = await this.partial(pf, plan, alt, options);
        if (seq !== this.seq) return;
        if (partial.length) { this.showPartial(seq, q, plan, partial, strong); return; }
      }
      const phraseIds = new Set(entries.filter((e) => e.phrase && !plan.quoted).map((e) => e.result.id));
      this.state = { seq, query: q, plan, entries, next: 0, strong: 0, weak: [], phrases: phraseIds.size, lead };
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

    /** "Did you mean …": the nearest indexed words for each word no page holds, as buttons. */
    showSuggestions(alt, used) {
      if (!this.suggest) return;
      this.suggest.replaceChildren();
      this.suggest.hidden = true;
      if (!alt || !alt.suggestions.length) return;
      const plan = analyseQuery(this.input.value);
      const options = new Set([alt.spelling]);
      for (const { from, to } of alt.suggestions) {
        for (const word of to) options.add(plan.words.map((w) => (w === from ? word : w)).join(" "));
      }
      options.delete(used);
      const list = [...options].slice(0, MAX_SUGGESTIONS);
      if (!list.length) return;
      this.suggest.append("Did you mean ");
      list.forEach((text, i) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "ffg-search__suggestion";
        button.dataset.query = text;
        button.textContent = text;
        this.suggest.append(i ? (i === list.length - 1 ? " or " : ", ") : "", button);
      });
      this.suggest.append("?");
      this.suggest.hidden = false;
    }

    /**
     * No page holds every word: search the query less each word and word by word, then rank pages by
     * the stretch holding most of the query's words closest together. [{d, window}], best first.
     */
    async partial(pf, plan, alt, options) {
      const base = [...new Set(plan.terms)].slice(0, MAX_PARTIAL_WORDS);    // "to be or not to be": each word once
      const fixes = new Map((alt.suggestions || []).map(({ from, to }) => [fold(from), to]));
      const terms = base.map((t) => [t, ...(fixes.get(t) || []), ...numberForms(t)]);
      const queries = new Set();
      if (base.length >= 3) base.forEach((_, i) => queries.add(base.filter((__, j) => j !== i).join(" ")));
      // Word by word: only words that say something (a stop word alone is on every page).
      terms.forEach((alts) => alts.filter((t) => !STOP_WORDS.has(t)).forEach((t) => queries.add(t)));
      const answers = await Promise.all([...queries].map((text) => pf.search(text, options)));
      const score = new Map();
      answers.forEach((answer) => answer.results.slice(0, PARTIAL_PAGES).forEach((r, rank) => {
        const entry = score.get(r.id) || { result: r, votes: 0, rank: Infinity };
        entry.votes += 1;
        entry.rank = Math.min(entry.rank, rank);
        score.set(r.id, entry);
      }));
      const candidates = [...score.values()].sort((a, b) => b.votes - a.votes || a.rank - b.rank).slice(0, PARTIAL_PAGES);
      const searched = [...new Set(terms.flat())];
      const data = (await Promise.all(candidates.map((c) => c.result.data()))).map((d) => withoutOtherNumbers(d, searched));
      // Common words are on every page: only all but one of them, nearly in a row, is a match.
      const needed = plan.stopOnly ? base.length - 1 : Math.max(2, Math.ceil(base.length / 2));
      const widest = plan.stopOnly ? base.length + STOP_SLACK : Infinity;
      return data.map((d, i) => ({ d, order: i, window: this.windowOf(d, terms) }))
        .filter((p) => p.window.count >= needed && p.window.span <= widest)
        .sort((a, b) => b.window.count - a.window.count || listing(a.d) - listing(b.d)
          || a.window.span - b.window.span || a.order - b.order);
    }

    showPartial(seq, q, plan, partial, every) {
      this.state = { seq, query: q, plan, entries: [], next: 0, strong: partial.length, weak: [], phrases: 0, lead: "" };
      this.list.replaceChildren(...partial.map(({ d, window }) => this.render(d, false, this.momentAt(d, window.at))));
      const n = Math.min(plan.terms.length, MAX_PARTIAL_WORDS);
      const pages = `${partial.length} ${partial.length === 1 ? "page holds" : "pages hold"}`;
      this.status.textContent = every
        ? `No page holds “${q}” as a phrase. ${pages} most of its words (up to ${partial[0].window.count} of ${n}); the closest together first.`
        : `No page holds every word of “${q}”. ${pages} most of them (up to ${partial[0].window.count} of ${n}), closest together first.`;
      this.list.dataset.query = q;
    }

    /** `bestWindow` over a page, preferring its transcript: a title or notes holding the words as
     * well as the transcript does must not take the hit away from the moment. */
    windowOf(d, terms) {
      const words = d.content.split(/\s+/);
      const whole = bestWindow(words, terms);
      const [first] = transcriptAnchors(d);
      if (!first || first.location <= whole.at) return whole;
      const spoken = bestWindow(words.slice(first.location), terms);
      return spoken.count >= whole.count ? { ...spoken, at: spoken.at + first.location } : whole;
    }

    /** The transcript moment (a `t-` segment anchor) at or before word `at` of a page, as a moment list. */
    momentAt(d, at) {
      const anchor = transcriptAnchors(d).filter((a) => a.location <= at).pop();
      if (!anchor) return null;
      const seconds = Number(anchor.id.split("-")[1]) / 1000;
      return [{ href: `${d.url}#t=${clock(seconds, true)}`, label: clock(seconds), at }];
    }

    /** Load and show the next page of results; weak matches are held back. */
    async showMore() {
      const state = this.state;
      if (!state) return;
      const before = state.strong;
      for (let scanned = 0; scanned < WEAK_SCAN_PAGES && state.next < state.entries.length; scanned += 1) {
        const batch = state.entries.slice(state.next, state.next + RESULTS_PAGE);
        state.next += batch.length;
        const data = (await Promise.all(batch.map((e) => e.result.data())))
          .map((d, i) => withoutOtherNumbers(d, spellings(state.plan, batch[i].plan)));
        if (state !== this.state) return;
        const items = [];
        // Within what Pagefind ranked together: the exact phrase first, then the page whose stretch holds
        // most of the query's words closest together, listing pages after the pages they list.
        const terms = state.plan.terms.map((t) => [t, ...numberForms(t)]);
        const windows = data.map((d) => (terms.length >= 2 ? this.windowOf(d, terms) : null));
        const order = data.map((d, i) => i).sort((a, b) => (batch[b].phrase - batch[a].phrase)
          || listing(data[a]) - listing(data[b])
          || (windows[a] && windows[b] ? windows[b].count - windows[a].count || windows[a].span - windows[b].span : 0)
          || a - b);
        for (const i of order) {
          const d = data[i];
          // A phrase found outside the transcript (an episode's title, its notes) still lands on the
          // moment the transcript holds the words, written its own way ("40" for "forty").
          const spoken = batch[i].phrase ? this.moments(d) : [];
          const found = spoken.length ? spoken : windows[i] ? this.momentAt(d, windows[i].at) : null;
          if (batch[i].phrase || (!state.plan.stopOnly && this.matchesEveryWord(d, batch[i].plan || state.plan))) items.push(this.render(d, false, found));
          else state.weak.push(d);
        }
        state.strong += items.length;
        this.list.append(...items);
        if (state.strong > before) break;        // a page of results shown; the rest waits for "More results"
      }
      this.summarise();
    }

    /** Every content word of the query has a hit on the page that resembles it. */
    matchesEveryWord(d, plan) {
      const words = d.content.split(/\s+/);
      const hits = d.locations.map((i) => words[i]);
      const wanted = plan.content.length ? plan.content : plan.terms;
      return wanted.every((term) => hits.some((hit) => resembles(hit, term)));
    }

    summarise() {
      const state = this.state;
      const remaining = state.entries.length - state.next;
      const where = this.scope ? ` in ${this.scope}` : "";
      const time = state.plan.terms.find(isTime);
      if (!state.strong && time) {       // a time no page writes: how to hear that moment instead
        this.status.textContent = `No page writes the time ${time}${where}. To hear an episode from ${time}, open it and choose that time in its transcript, or add #t=${time} to its address.`;
      } else if (!state.strong) {
        this.status.textContent = `Nothing matches “${state.query}” well${where}. Check the spelling, try fewer words, or put a phrase you remember in "quotes".`;
      } else {
        const phrase = state.lead + (state.phrases && !state.plan.quoted
          ? `${state.phrases} ${state.phrases === 1 ? "page holds" : "pages hold"} the exact phrase (listed first). ` : "");
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
    render(d, weak, found) {
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
      const moments = found || this.moments(d);
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
      const anchors = transcriptAnchors(d);
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

  /* ---- reading progress, kept in this browser only (localStorage; never sent anywhere) ----
   * Per module: "read" (the reader marked it) and a resume point (the last heading they reached).
   * Shown on the module, and beside each link to a module (the course index, the syllabus); the
   * course index has a button that clears it all. */
  const PROGRESS_KEY = "ffg-progress";
  const MODULE_PATH = /^course\/(\d\d-[^/]+)\/$/;     // a module's path from the site root
  const RESUME_SAVE_MS = 400;                          // scroll pause before the resume point is saved

  function readProgress() {
    try { return JSON.parse(readSetting(PROGRESS_KEY) || "{}") || {}; } catch (_) { return {}; }
  }

  function writeProgress(progress) {
    writeSetting(PROGRESS_KEY, Object.keys(progress).length ? JSON.stringify(progress) : null);
  }

  /** The module slug a URL points to ("01-what-therapy-does"), or null. */
  function moduleOf(href) {
    const url = new URL(href, window.location.href);
    const root = siteRoot();
    if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) return null;
    const match = MODULE_PATH.exec(url.pathname.slice(root.pathname.length));
    return match ? match[1] : null;
  }

  let progressAbort = null;

  function setUpProgress() {
    if (progressAbort) progressAbort.abort();
    progressAbort = new AbortController();
    const content = document.querySelector(".md-content__inner");
    if (!content) return;
    const slug = moduleOf(window.location.href);
    if (slug) moduleProgress(content, slug, progressAbort.signal);
    markModuleLinks(content, slug);
  }

  function moduleProgress(content, slug, signal) {
    const entry = readProgress()[slug] || {};
    const box = document.createElement("div");
    box.className = "ffg-progress";
    box.setAttribute("data-pagefind-ignore", "");
    const mark = document.createElement("button");
    mark.type = "button";
    mark.className = "md-button ffg-progress__mark";
    const note = document.createElement("p");
    note.className = "ffg-progress__note";
    note.textContent = "Kept in this browser only; nothing is sent anywhere.";
    const show = (read) => {
      mark.textContent = read ? "Read ✓ (mark as not read)" : "Mark this module as read";
      mark.setAttribute("aria-pressed", String(!!read));
    };
    show(entry.read);
    mark.addEventListener("click", () => {
      const progress = readProgress();
      const now = { ...(progress[slug] || {}) };
      now.read = !now.read;
      progress[slug] = now;
      writeProgress(progress);
      show(now.read);
    }, { signal });
    box.append(mark, note);
    const footer = content.querySelector(".ffg-cite, .md-source-file");
    if (footer && footer.parentElement === content) content.insertBefore(box, footer); else content.append(box);
    // Resume: offered at the top of a module not yet marked read, when the reader stopped past its first heading.
    const target = !entry.read && entry.resume && document.getElementById(entry.resume);
    if (target && !window.location.hash) {
      const resume = document.createElement("p");
      resume.className = "ffg-progress__resume";
      resume.setAttribute("data-pagefind-ignore", "");
      const link = document.createElement("a");
      link.href = `#${entry.resume}`;
      link.textContent = `Resume where you stopped: ${entry.heading || target.textContent.replace("¶", "").trim()}`;
      resume.append(link);
      const h1 = content.querySelector("h1");
      if (h1) h1.after(resume); else content.prepend(resume);
    }
    const headings = Array.from(content.querySelectorAll("h2[id], h3[id]"));
    let timer = 0;
    window.addEventListener("scroll", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        const line = window.innerHeight * 0.3;
        let reached = null;
        for (const h of headings) { if (h.getBoundingClientRect().top <= line) reached = h; else break; }
        const progress = readProgress();
        const now = { ...(progress[slug] || {}) };
        if (reached) { now.resume = reached.id; now.heading = reached.textContent.replace("¶", "").trim(); }
        else { delete now.resume; delete now.heading; }
        if (Object.keys(now).length) progress[slug] = now; else delete progress[slug];
        writeProgress(progress);
      }, RESUME_SAVE_MS);
    }, { passive: true, signal });
  }

  /** The modules a bundle link holds (`course/bundle/?items=m1,glossary`), as progress slugs. */
  function bundleModules(href, progress) {
    const url = new URL(href, window.location.href);
    const root = siteRoot();
    if (url.origin !== root.origin || url.pathname !== `${root.pathname}course/bundle/`) return [];
    const numbers = (url.searchParams.get("items") || "").split(",").map((i) => /^m(\d+)/.exec(i)).filter(Boolean)
      .map((m) => m[1].padStart(2, "0"));
    return numbers.map((n) => Object.keys(progress).find((slug) => slug.startsWith(`${n}-`))).filter(Boolean);
  }

  /** "Read" / "Started" beside links to modules and to the syllabus's weekly bundles; on the course
   *  index, a summary and a way to clear it. */
  function markModuleLinks(content, current) {
    const progress = readProgress();
    content.querySelectorAll(".ffg-progress__badge").forEach((b) => b.remove());
    for (const link of content.querySelectorAll("a[href]")) {
      if (link.closest(".ffg-progress, .ffg-cite, nav")) continue;
      const slug = moduleOf(link.href);
      const slugs = slug ? [slug] : bundleModules(link.href, progress);
      const entries = slugs.filter((k) => k !== current && progress[k]).map((k) => progress[k]);
      if (!entries.length) continue;
      const badge = document.createElement("span");
      badge.className = "ffg-progress__badge";
      badge.setAttribute("data-pagefind-ignore", "");
      const read = entries.every((e) => e.read) && entries.length === slugs.length;
      badge.textContent = read ? "Read" : "Started";
      link.after(" ", badge);
    }
    const root = siteRoot();
    if (new URL(window.location.href).pathname !== `${root.pathname}course/`) return;
    content.querySelectorAll(".ffg-progress__summary").forEach((el) => el.remove());
    const slugs = Object.keys(progress);
    if (!slugs.length) return;
    const summary = document.createElement("p");
    summary.className = "ffg-progress__summary";
    summary.setAttribute("data-pagefind-ignore", "");
    const read = slugs.filter((k) => progress[k].read).length;
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "md-button ffg-progress__clear";
    clear.textContent = "Clear my progress";
    clear.addEventListener("click", () => {
      writeProgress({});
      markModuleLinks(content, null);
      summary.replaceChildren("Your progress is cleared from this browser.");
    });
    summary.append(`Your progress (kept in this browser only): ${read} ${read === 1 ? "module" : "modules"} read, `
      + `${slugs.length - read} started. `, clear);
    const h1 = content.querySelector("h1");
    if (h1) h1.after(summary); else content.prepend(summary);
  }

  /* ---- the page for an address that leads nowhere (overrides/404.html) ---- */
  /** The words of the missing address's last part, for a search: "/repo/episodes/2025-02-01-words-from-elsewhre/"
   *  -> "words from elsewhre" (a slug's date, number and separators dropped). */
  function addressWords(pathname) {
    const last = decodeLoosely(pathname).split("/").filter(Boolean).pop() || "";
    return last.replace(/\.html?$/i, "").split(/[-_+.\s]+/).filter((w) => w && !/^\d+$/.test(w)).join(" ");
  }

  function offerSearchForAddress() {
    const offer = document.querySelector("[data-ffg-not-found]");
    const words = offer && search ? addressWords(window.location.pathname) : "";
    if (!words) return;
    offer.querySelector("span").textContent = words;
    offer.hidden = false;
    offer.querySelector("button").addEventListener("click", () => {
      search.open();
      search.input.value = words;
      search.start();
    });
  }

  /* ---- wiring ---- */
  let player = null;
  let search = null;

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

  /* Links within this site print without their address (companion.css): mark them, since Material's
     instant navigation makes every href absolute and CSS alone cannot tell this origin from another. */
  function markInternalLinks() {
    for (const link of document.querySelectorAll(".md-content a[href]")) {
      const url = new URL(link.href, window.location.href);
      if (url.origin === window.location.origin && /^https?:$/.test(url.protocol)) link.classList.add("ffg-internal");
    }
  }

  /** The moment the page's address asks for, as a `#t=` fragment: the fragment itself, else a `?t=`
   *  query (`?t=750`, `?t=12:30`, `?t=1m30s`: how YouTube-style share links and media sites write it). */
  function linkedTime() {
    if (/^#t=/.test(window.location.hash)) return window.location.hash;
    const t = new URLSearchParams(window.location.search).get("t");
    return t === null || !t.trim() ? window.location.hash : `#t=${t}`;
  }

  function setUpPage() {
    markEpisodesTab();
    markInternalLinks();
    setUpProgress();
    document.querySelectorAll("[data-ffg-help]").forEach(setUpHelpBar);
    offerSearchForAddress();
    if (player) { player.destroy(); player = null; }
    const root = document.querySelector(".md-content");
    if (root && root.querySelector(".ffg-player audio, .ffg-transcript")) {
      player = new EpisodePlayer(root);
      if (!(window.ffgReturning() && player.restorePlace())) player.applyHash(linkedTime());
    }
  }

  function start() {
    const dialog = document.getElementById("ffg-search");
    if (dialog) search = new Search(dialog, siteRoot());
    window.addEventListener("hashchange", () => { if (player) player.applyHash(window.location.hash); });
    // Never two audios at once: whatever starts playing pauses every other audio or video on the page.
    document.addEventListener("play", (e) => {
      for (const media of document.querySelectorAll("audio, video")) if (media !== e.target && !media.paused) media.pause();
    }, true);
    window.ffgOnEveryPage(setUpPage);             // first load and every instant navigation
    // Leaving an episode page by instant navigation, its player's scroll padding goes at once: Material
    // scrolls the next page to its #fragment before that page's set-up runs, so a glossary entry
    // linked from a transcript landed under a band as tall as the player (246 px down, not under the
    // header). `location$` emits as a link is followed, before the next page is fetched; this is the one
    // place the padding is taken away (a page without instant navigation is loaded anew).
    if (window.location$ && typeof window.location$.subscribe === "function") {
      let path = window.location.pathname;
      window.location$.subscribe((url) => {
        if (url.pathname !== path) document.documentElement.style.removeProperty("scroll-padding-top");
        path = url.pathname;
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
