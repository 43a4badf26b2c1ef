/* Fall From Grace companion: lecturer and student tools.
 *
 * - "Cite this" boxes: copy button, absolute URL when the site was built without site_url, and
 *   on episode pages the `#t=start,end` segment added to the reference and the in-text form.
 * - The bundle builder (course/bundle/): a bundle lives in the URL query
 *   (`?items=m3,e7@12:30-18:00,glossary&title=...`), read against cite/catalogue.json.
 *   The encoder mirrors scripts/companion/course/bundles.py; tests run both and compare.
 * Pages are set up from Material's `document$` so instant navigation works.
 */
(() => {
  "use strict";

  // An episode by number, a part's display number (e12.5) or slug; a module by number.
  const TOKEN = /^(?:([me])(\d+\.\d+|[A-Za-z0-9][A-Za-z0-9-]*)(?:@([\d:]+)-([\d:]+))?|(glossary))$/;
  const NUMBER = /^\d+(?:\.\d+)?$/;
  const GLOSSARY = "glossary";
  const CATALOGUE = "cite/catalogue.json";
  // What the site rebuilds with every episode (catalogue.json, transcripts, citation files) is asked
  // of the server again on every read (a 304 when unchanged): GitHub Pages serves every file with
  // `max-age=600`, so for ten minutes after a new episode was published a bundle link naming it said
  // "not yet on this site", and a corrected transcript printed its old words.
  const FRESH = { cache: "no-cache" };
  const COPY_RESET_MS = 2500;
  const PRINT_WAIT_MS = 5000;         // the longest Print waits for stretches' transcripts to arrive
  const TITLE_MAX_CHARS = 120;        // a bundle title longer than this is cut (a 5,000-character title
                                      // pushed the bundle screens down and filled the tab and printout)

  /* ---- bundle encoding (mirror of bundles.py) ---- */
  function seconds(text) {
    const parts = String(text).split(":");
    // Minutes and seconds after the first part stop at 59 (as companion.timecode and the player read
    // them): 0:70 is a typo, not 1:10.
    if (parts.length > 3 || !parts.every((p) => /^\d+$/.test(p))) {
      throw new Error(`'${text}' is not a time like 12:30 or 1:02:03.`);
    }
    if (parts.slice(1).some((p) => Number(p) >= 60)) {
      throw new Error(`'${text}' is not a time: minutes and seconds run from 00 to 59 (write 1:05:00, not 65:00:00 or 12:75).`);
    }
    return parts.reduce((total, p) => total * 60 + Number(p), 0);
  }

  function clock(total) {
    const whole = Math.floor(total || 0);
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const s = whole % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  }

  /** A number in one spelling ("007" -> "7", "12.50" -> "12.5"); a slug as written. */
  function canonicalRef(ref) {
    if (!NUMBER.test(ref)) return ref;
    const [whole, part = ""] = ref.split(".");
    const digits = part.replace(/0+$/, "");
    return `${whole.replace(/^0+(?=\d)/, "")}${digits ? `.${digits}` : ""}`;
  }

  const DASHES = /\s*[\u2010-\u2015\u2212-]\s*/g;   // 12:30 – 18:00: the site writes ranges with an en dash

  // A sentence's closing punctuation an autolinker took with a link that ends a sentence
  // (bundles.CLOSING_PUNCTUATION): dropped, except a dot after an episode number ("e12.", a part cut short?).
  const CLOSING_PUNCTUATION = /[.,;!?)\]}>"'\u2019\u201d\u00bb]+$/;

  function withoutSentenceEnd(token) {
    const end = CLOSING_PUNCTUATION.exec(token);
    if (!end || (/^[eE]\d+$/.test(token.slice(0, end.index)) && end[0].startsWith("."))) return token;
    return token.slice(0, end.index);
  }

  /** A token as a person types it, in the form TOKEN reads (bundles._as_typed in Python): "M3",
   *  "E7", "Glossary", a dash or spaces in a range, without a sentence's closing punctuation
   *  ("m3.", "e7@12:30-18:00)"). A time with a dot (12.30) is refused. */
  function asTyped(token) {
    const text = withoutSentenceEnd(String(token).trim());
    const at = text.indexOf("@");
    let head = (at < 0 ? text : text.slice(0, at)).trim();
    if (head.toLowerCase() === GLOSSARY) head = GLOSSARY;
    else if (/^[ME]/.test(head)) head = head[0].toLowerCase() + head.slice(1);
    if (at < 0) return head;
    const span = text.slice(at + 1);
    if (/\d\.\d/.test(span)) {
      throw new Error(`'${token}': write times with a colon, minutes:seconds (12:30, 1:02:03) or seconds (750), not 12.30.`);
    }
    return `${head}@${span.trim().replace(DASHES, "-")}`;
  }

  function parseItem(token) {
    const match = TOKEN.exec(asTyped(token));
    if (!match) throw new Error(`'${token}' is not a bundle item (m3, e7, e12.5, e7@12:30-18:00, glossary).`);
    if (match[5]) return { kind: GLOSSARY, ref: "", start: null, end: null };
    const [, kind, written, start, end] = match;
    const ref = canonicalRef(written);
    if (kind === "m" && ref.includes(".")) throw new Error(`'${token}': modules are numbered 1, 2, 3 (no parts).`);
    if (start === undefined) return { kind, ref, start: null, end: null };
    if (kind !== "e") throw new Error(`'${token}': only episodes take a time range.`);
    const first = seconds(start);
    const last = seconds(end);
    if (last <= first) throw new Error(`'${token}': the range must end after it starts.`);
    return { kind, ref, start: first, end: last };
  }

  function itemToken(item) {
    if (item.kind === GLOSSARY) return GLOSSARY;
    const span = item.start === null || item.start === undefined
      ? "" : `@${clock(item.start)}-${clock(item.end)}`;
    return `${item.kind}${item.ref}${span}`;
  }

  function bundleToQuery(bundle) {
    const query = "items=" + bundle.items.map(itemToken).join(",");
    return bundle.title ? `${query}&title=${encodeURIComponent(bundle.title)}` : query;
  }

  /** A bundle link's query as URLSearchParams. A link copied from HTML source (an LMS editor's
   *  source view, a page's markup) has its "&" escaped as "&amp;", and the title and `edit` became
   *  parameters named "amp;title" and "amp;edit": the link lost both (bundles.query_params). */
  function queryParams(query) {
    return new URLSearchParams(String(query).replace(/^[?#]/, "").replace(/&amp;/gi, "&"));
  }

  function bundleFromQuery(query) {
    const params = queryParams(query);
    const tokens = params.getAll("items").join(",").split(",").filter((t) => t.trim());
    return { items: once(tokens.map(parseItem)).items, title: params.get("title") || "" };
  }

  /** The items with exact repeats (same work, same stretch) dropped, and the tokens dropped. */
  function once(items) {
    const seen = new Set();
    const kept = [];
    const again = [];
    for (const item of items) {
      const token = itemToken(item);
      if (seen.has(token)) again.push(token);
      else kept.push(item);
      seen.add(token);
    }
    return { items: kept, again };
  }

  /** Like bundleFromQuery, but a bad item is reported and skipped instead of losing the whole link. */
  function readBundle(query) {
    const params = queryParams(query);
    const tokens = params.getAll("items").join(",").split(",").filter((t) => t.trim());
    const items = [];
    const problems = [];
    for (const token of tokens) {
      try { items.push(parseItem(token)); } catch (error) { problems.push(`${error.message} It is left out.`); }
    }
    const unique = onceWithProblems(items, problems);
    let title = (params.get("title") || "").trim();
    if ([...title].length > TITLE_MAX_CHARS) {
      title = `${[...title].slice(0, TITLE_MAX_CHARS).join("").trimEnd()}…`;
      problems.push(`The title is longer than ${TITLE_MAX_CHARS} characters, so only its start is shown.`);
    }
    return { items: unique, title, problems, edit: params.has("edit") };
  }

  window.ffgBundles = { seconds, clock, parseItem, itemToken, bundleToQuery, bundleFromQuery, readBundle, paragraphs };

  /* ---- citing a moment or a stretch (mirror of scripts/companion/course/moment.py) ----
   * In text the time stamp, as APA 7 cites part of an audiovisual work: (Bailey, 2024a, 12:30–18:00);
   * the reference is the episode's, unchanged; beside it the link to the stretch, `#t=12:30,18:00`
   * (the form the player, the transcript and listen() write). Every place that cites a stretch (the
   * episode's "Assigned stretch" box and "Cite this" box, the bundle page) builds it here. */
  const DASH = "\u2013";

  /** `12:30`, `1:02:03`; with `exact`, hundredths kept (`12:30.5`), as companion.timecode.format_clock. */
  function clockExact(total) {
    const centis = Math.round(Math.max(0, total || 0) * 100);
    const fraction = centis % 100;
    const text = clock(Math.floor(centis / 100));
    return fraction ? `${text}.${String(fraction).padStart(2, "0")}`.replace(/0+$/, "") : text;
  }

  function momentSpan(start, end) {
    return end === null || end === undefined ? clock(start) : `${clock(start)}${DASH}${clock(end)}`;
  }

  function momentFragment(start, end) {
    return end === null || end === undefined ? `#t=${clockExact(start)}` : `#t=${clockExact(start)},${clockExact(end)}`;
  }

  function momentIntext(intext, start, end) {
    return start === null || start === undefined ? `(${intext})` : `(${intext}, ${momentSpan(start, end)})`;
  }

  /** The line beside the reference: a label, the time stamp and the link, as DOM nodes. */
  function momentLink(url, start, end) {
    const href = url + momentFragment(start, end);
    const label = end === null || end === undefined ? "Moment" : "Stretch";
    return element("span", { class: "ffg-moment__link" }, `${label} ${momentSpan(start, end)}: `,
      element("a", { href, text: href }));
  }

  /**
   * The whole citation of a stretch, as moment.citation_html writes it: in-text form, reference, link.
   * `work` is {intext, refHtml, url} with `url` the episode page's address as the reference gives it.
   */
  function momentCitation(work, start, end) {
    return element("span", { class: "ffg-moment" },
      element("span", { class: "ffg-moment__intext", text: `In text: ${momentIntext(work.intext, start, end)}` }), " ",
      element("span", { class: "ffg-moment__ref", html: work.refHtml }), " ",
      momentLink(work.url, start, end));
  }

  window.ffgCite = { span: momentSpan, fragment: momentFragment, intext: momentIntext, citation: momentCitation };

  /* ---- helpers ---- */
  const siteBase = () => window.ffgSiteRoot();      // on-page.js: worked out once, as instant navigation needs

  function siteUrl(path, relative) {
    return relative ? new URL(path, siteBase()).href : path;
  }

  function element(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "html") el.innerHTML = value;
      else if (key === "text") el.textContent = value;
      else el.setAttribute(key, value);
    }
    el.append(...children.filter((c) => c !== null && c !== undefined));
    return el;
  }

  /**
   * Copy to the clipboard; with `html`, as rich text too (text/html and text/plain in one
   * ClipboardItem), so italics survive a paste into Word or an LMS editor.
   */
  async function copy(text, status, html) {
    try {
      if (html && window.ClipboardItem && navigator.clipboard.write) {
        await navigator.clipboard.write([new ClipboardItem({
          "text/html": new Blob([html], { type: "text/html" }),
          "text/plain": new Blob([text], { type: "text/plain" }),
        })]);
      } else {
        await navigator.clipboard.writeText(text);
      }
      status.textContent = "Copied.";
    } catch (error) {
      status.textContent = "Select the text and copy it with your keyboard.";
    }
    window.setTimeout(() => { status.textContent = ""; }, COPY_RESET_MS);
  }

  /** `#t=750,1080`, `#t=12:30,18:00`, `#t=npt:12:30` -> [start, end|null] in seconds, else null. */
  function hashRange(hash) {
    const match = /^#t=(?:npt:)?([\d:.]+)(?:,([\d:.]+))?/.exec(hash || "");
    if (!match) return null;
    try {
      const start = seconds(match[1].split(".")[0]);
      const end = match[2] ? seconds(match[2].split(".")[0]) : null;
      return end !== null && end <= start ? null : [start, end];
    } catch (error) {
      return null;
    }
  }

  /* ---- "Cite this" box ---- */
  /** What the page's "Cite this" box says about its work: {intext, refHtml, url} (url absolute when it can be). */
  function citedWork(box) {
    const ref = box.querySelector("[data-cite-ref]");
    const rawUrl = box.dataset.citeUrl;
    const url = siteUrl(rawUrl, box.dataset.citeRelative === "true");
    const refHtml = ref.dataset.citeRefHtml || ref.innerHTML;
    ref.dataset.citeRefHtml = refHtml;
    return { intext: box.dataset.citeIntext, refHtml: refHtml.split(rawUrl).join(url), url };
  }

  /** Copy a reference (and, for a stretch, the link beside it) as rich text and plain text. */
  function copyNodes(nodes, status) {
    const html = nodes.map((n) => `<p>${n.innerHTML.trim()}</p>`).join("");
    const text = nodes.map((n) => n.textContent.trim()).filter(Boolean).join("\n");
    copy(text, status, html);
  }

  function setupCiteBox(box) {
    const ref = box.querySelector("[data-cite-ref]");
    const intext = box.querySelector("[data-cite-intext-text]");
    const segment = box.querySelector("[data-cite-segment]");
    const work = citedWork(box);
    // Opened at a stretch, the downloads still hold the whole episode (APA 7 cites the episode; a
    // reference manager has no field for a time stamp, and Zotero, EndNote and Mendeley would keep a
    // #t= address as the episode's own): say so beside them, with where the time stamp goes.
    const downloads = box.querySelector(".ffg-cite__downloads");
    const filesNote = downloads ? element("span", { class: "ffg-cite__files-note", "data-cite-files-note": "", hidden: "" }) : null;
    if (filesNote) downloads.append(" ", filesNote);
    const render = () => {
      const range = box.dataset.citeKind === "episode" ? hashRange(window.location.hash) : null;
      ref.innerHTML = work.refHtml;                      // the reference cites the whole episode
      intext.textContent = range ? momentIntext(work.intext, range[0], range[1]) : momentIntext(work.intext);
      if (segment) {
        segment.hidden = !range;
        segment.replaceChildren(...(range ? [momentLink(work.url, range[0], range[1])] : []));
      }
      if (filesNote) {
        filesNote.hidden = !range;
        filesNote.textContent = range ? `These files cite the whole episode, as APA does: put the time stamp (${momentSpan(range[0], range[1])}) in your in-text citation, and the stretch's link beside the reference if you want it.` : "";
      }
    };
    render();
    window.addEventListener("hashchange", render, { signal: pageSignal });
    const button = box.querySelector("[data-cite-copy]");
    button.addEventListener("click", () => copyNodes([ref, segment].filter((n) => n && !n.hidden),
                                                     box.querySelector(".ffg-cite__status")));
  }

  /**
   * The citation block for the episode page's "Assigned stretch" box (companion.js asks for it):
   * the same in-text form, reference and link as the "Cite this" box and the bundle page, with a
   * copy button. Null when the page has no "Cite this" box to take the reference from.
   */
  function stretchCitation(start, end) {
    const box = document.querySelector('.ffg-cite[data-cite-kind="episode"]');
    if (!box) return null;
    const citation = momentCitation(citedWork(box), start, end);
    const status = element("span", { class: "ffg-cite__status", role: "status", "aria-live": "polite" });
    const button = element("button", { type: "button", class: "md-button", "data-stretch-copy": "" }, "Copy citation");
    button.addEventListener("click", () => copyNodes([...citation.children], status));
    return element("span", { class: "ffg-range__cite", "data-stretch-cite": "" }, citation, " ", button, " ", status);
  }
  window.ffgCite.stretchCitation = stretchCitation;

  /**
   * A citation or reference written at build time (moment.citation_html in listen() boxes and cite(),
   * a module's References) on a copy built without site_url gives a site page's address without a
   * domain: show it, and link it, absolute from the page's own address, as the "Cite this" box does.
   */
  function absoluteAddresses(el) {
    const rawUrl = el.dataset.citeUrl;
    const url = siteUrl(rawUrl, true);
    for (const a of el.querySelectorAll("a")) {
      if (!a.textContent.startsWith(rawUrl)) continue;
      a.textContent = url + a.textContent.slice(rawUrl.length);
      a.setAttribute("href", a.textContent);
    }
    delete el.dataset.citeRelative;
  }

  /* ---- bundle builder and viewer ---- */
  function minutesText([lo, hi]) {
    return lo === hi ? `about ${lo} min` : `about ${lo}–${hi} min`;
  }

  /** The catalogue record of a module or episode item (undefined when it is not on the site; null for the glossary). */
  function workRecord(item, catalogue) {
    return item.kind === "m" ? catalogue.modules.find((r) => r.id === `m${item.ref}`)
      : item.kind === "e" ? findEpisode(item.ref, catalogue) : null;
  }

  /* ---- year letters over a bundle's own reference list ----
   * The site letters the works of one author and year over everything it cites (Bailey, 2026a to
   * 2026d), so a label means one work on every one of its pages. A bundle's citations and references
   * are a reference list of their own (APA 7, sections 8.19 and 9.47: the letters belong to one list),
   * so its letters are worked out again over the works it holds, in APA order (`apa_rank`, which
   * orders a group as the site letters it), and a work alone in its author-year has none. */
  function yearLetter(index) {
    const letters = "abcdefghijklmnopqrstuvwxyz";                 // as apa._letter: z, aa, ab, ...
    return index < letters.length ? letters[index] : yearLetter(Math.floor(index / 26) - 1) + letters[index % 26];
  }

  /** record -> its year label in the bundle whose works (catalogue records) are `works`:
   *  "2026", "2026a", "n.d.", "n.d.-a" (catalogue fields year_group, year_bare). */
  function yearLabels(works) {
    const groups = new Map();
    for (const record of new Set(works)) {
      if (!record || !record.year_group) continue;
      if (!groups.has(record.year_group)) groups.set(record.year_group, []);
      groups.get(record.year_group).push(record);
    }
    const labels = new Map();
    for (const group of groups.values()) {
      group.sort((a, b) => a.apa_rank - b.apa_rank);
      group.forEach((record, index) => {
        const suffix = group.length > 1 ? yearLetter(index) : "";
        labels.set(record, record.year_bare === "n.d." ? (suffix ? `n.d.-${suffix}` : "n.d.")
          : `${record.year_bare}${suffix}`);
      });
    }
    return labels;
  }

  /** A record's reference (HTML) and in-text form with its year as `labels` give it (yearLabels). */
  function lettered(record, labels) {
    const label = labels ? labels.get(record) : undefined;
    const old = record.year_label;
    if (label === undefined || !old || label === old) return { apaHtml: record.apa_html, intext: record.intext };
    const intext = record.intext.endsWith(old) ? record.intext.slice(0, -old.length) + label : record.intext;
    // The year follows the authors in parentheses: "(2026d)." or "(2026d, March 3)."
    return { apaHtml: record.apa_html.replace(`(${old}`, () => `(${label}`), intext };
  }

  function resolve(item, catalogue, labels) {
    if (item.kind === GLOSSARY) {
      const g = catalogue.glossary;
      return g ? { title: g.title, href: siteUrl(g.url, true), reading: g.reading, listening: [0, 0], apa: "" }
        : { title: "Glossary (not yet on this site)", missing: true, reading: [0, 0], listening: [0, 0], apa: "" };
    }
    const record = workRecord(item, catalogue);
    const span = item.start === null ? "" : `${clock(item.start)}–${clock(item.end)}`;
    if (!record) {
      const label = item.kind === "m" ? "Module" : "Episode";
      const listen = item.start === null ? 0 : Math.round((item.end - item.start) / 60);
      return { title: `${label} ${item.ref}${span ? `, ${span}` : ""} (not yet on this site)`,
               missing: true, reading: [0, 0], listening: [listen, listen], apa: "",
               heard: item.start === null ? null : [item.start, item.end] };
    }
    const href = siteUrl(record.url, record.relative_url);
    const { apaHtml, intext } = lettered(record, labels);
    const apa = apaHtml.split(record.url).join(href);
    const common = { apa, rank: record.apa_rank, workUrl: href };
    if (item.kind === "m") {
      return { ...common, title: record.title, href, reading: record.reading, listening: record.listening,
               intext: momentIntext(intext), summary: record.summary };
    }
    // What is heard, in seconds: the stretch (fitted to the episode by fitStretches, or checked by
    // stretchProblem before the builder added it), or the whole episode.
    const heard = item.start === null ? [0, record.duration || 0] : [item.start, item.end];
    const listen = Math.max(1, Math.round((heard[1] - heard[0]) / 60));
    const fragment = item.start === null ? "" : momentFragment(item.start, item.end);
    return { ...common, title: `${record.title}${span ? `, ${span}` : ""}`, href: href + fragment,
             reading: [0, 0], listening: [listen, listen], heard, intext: momentIntext(intext, item.start, item.end),
             transcript: item.start === null ? null : record.transcript || null, review: Boolean(record.review) };
  }

  /* ---- a stretch's transcript, read on the page and printed with the bundle ----
   * A printout cannot play audio: each episode stretch carries the words said in it, from the
   * transcript.json the episode page offers (catalogue record `transcript`), fetched once per episode. */
  const transcripts = new Map();          // transcript.json address -> Promise of its segments, or null (this page)

  function loadTranscript(path) {
    const url = new URL(path, siteBase()).href;
    if (!transcripts.has(url)) {
      transcripts.set(url, fetch(url, FRESH)
        .then((r) => (r.ok ? r.json() : null))
        .then((data) => (data && Array.isArray(data.segments) ? data.segments : null))
        .catch(() => null));
    }
    return transcripts.get(url);
  }

  /** The segments heard in the stretch [start, end] seconds: every one that overlaps it. */
  function stretchSegments(segments, start, end) {
    return segments.filter((s) => Number(s.endTime) > start && Number(s.startTime) < end);
  }

  const PARAGRAPH_S = 30;                 // as formats.PARAGRAPH_TARGET_S: a paragraph ends at the
  const SENTENCE_END = /[.?!…]["”]?$/;    // next sentence end once it is this long

  /** Lines of speech as running paragraphs [{start, speaker, text}]: a new one at a change of
   *  speaker, or at a sentence end once the paragraph is PARAGRAPH_S long (a printed stretch is
   *  read, not followed line by line). */
  function paragraphs(segments) {
    const out = [];
    for (const s of segments) {
      const last = out[out.length - 1];
      const text = String(s.body || "").trim();
      if (!last || (s.speaker || "") !== last.speaker
          || (Number(s.startTime) - last.start >= PARAGRAPH_S && SENTENCE_END.test(last.text))) {
        out.push({ start: Number(s.startTime), speaker: s.speaker || "", text });
      } else {
        last.text = `${last.text} ${text}`.trim();
      }
    }
    return out;
  }

  /** A closed <details> with the stretch's transcript (opened for printing), and a promise that
   *  settles once its text is in. */
  function transcriptBlock(r) {
    const body = element("div", { class: "ffg-bundle__transcript-body", "data-bundle-transcript-body": "" },
      "Loading the transcript…");
    const block = element("details", { class: "ffg-bundle__transcript", "data-bundle-transcript": "" },
      element("summary", { text: `Transcript, ${momentSpan(r.heard[0], r.heard[1])}` }), body);
    const ready = loadTranscript(r.transcript).then((segments) => {
      if (!segments) {
        body.textContent = `The transcript could not be loaded; it is on the episode's page: ${r.workUrl}`;
        return;
      }
      const lines = paragraphs(stretchSegments(segments, r.heard[0], r.heard[1]));
      const note = r.review ? "Machine-made transcript, still being checked: it may contain errors."
        : "Machine-made transcript: it may contain errors.";
      body.replaceChildren(element("p", { class: "ffg-bundle__transcript-note", text: note }),
        ...(lines.length ? lines.map((p) => element("p", { "data-bundle-transcript-line": "" },
          element("a", { href: r.workUrl + momentFragment(p.start), text: clock(p.start) }),
          ` ${p.speaker ? `${p.speaker}: ` : ""}${p.text}`))
          : [element("p", { text: "Nothing was transcribed in this stretch." })]));
    });
    return { block, ready };
  }

  /** Print once the view's transcripts are in (or after PRINT_WAIT_MS, whichever is first). */
  async function printWhenReady(view) {
    await Promise.race([view.transcriptsReady || Promise.resolve(),
      new Promise((done) => { window.setTimeout(done, PRINT_WAIT_MS); })]);
    window.print();
  }

  // Closed <details> print empty in most browsers: printing opens the stretches' transcripts, and
  // closes again afterwards those the reader had left closed.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details[data-bundle-transcript]:not([open])").forEach((d) => {
      d.open = true;
      d.dataset.printOpened = "";
    });
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("details[data-print-opened]").forEach((d) => {
      d.open = false;
      delete d.dataset.printOpened;
    });
  });

  /** Reading and listening time of a bundle, [lo, hi] minutes each. A work listed twice counts once,
   *  and an episode's stretches count the time they cover together (overlaps once), rounded once for
   *  the whole bundle: 300 one-second stretches are seconds of listening, not 300 minutes. */
  function totals(bundle, resolved) {
    const reading = [0, 0];
    const listening = [0, 0];
    const counted = new Set();
    const heard = new Map();                     // episode -> [[start, end] seconds]
    bundle.items.forEach((item, index) => {
      const r = resolved[index];
      const key = item.kind === GLOSSARY ? GLOSSARY : `${item.kind}${item.ref}`;
      if (r.heard) {
        if (!heard.has(key)) heard.set(key, []);
        heard.get(key).push(r.heard);
        return;
      }
      if (counted.has(key)) return;
      counted.add(key);
      [0, 1].forEach((i) => { reading[i] += r.reading[i]; listening[i] += r.listening[i]; });
    });
    let seconds = 0;
    for (const spans of heard.values()) {
      spans.sort((a, b) => a[0] - b[0]);
      let [start, end] = spans[0];
      for (const [a, b] of spans.slice(1)) {
        if (a <= end) end = Math.max(end, b);
        else { seconds += end - start; [start, end] = [a, b]; }
      }
      seconds += end - start;
    }
    const minutes = seconds > 0 ? Math.max(1, Math.round(seconds / 60)) : 0;
    return { reading, listening: [listening[0] + minutes, listening[1] + minutes] };
  }

  /**
   * References in APA order (each record's `apa_rank`, worked out at build time over every work the
   * site cites), with the bundle's own year letters (yearLabels), one per work: the same module twice, or several stretches of one episode, is one
   * reference (APA cites the episode; the stretches are time stamps in the text), with the link to
   * each stretch beside it. Returns [{html, text}] for the page and for copying.
   */
  function references(bundle, resolved) {
    const byWork = new Map();
    bundle.items.forEach((item, index) => {
      const r = resolved[index];
      if (!r.apa) return;
      const key = item.kind === GLOSSARY ? GLOSSARY : `${item.kind}${item.ref}`;
      const entry = byWork.get(key) || { apa: r.apa, rank: r.rank, url: r.workUrl, stretches: [] };
      if (item.start !== null && !entry.stretches.some((s) => s[0] === item.start && s[1] === item.end)) {
        entry.stretches.push([item.start, item.end]);
      }
      byWork.set(key, entry);
    });
    return [...byWork.values()].sort((a, b) => a.rank - b.rank).map((entry) => {
      const p = element("p", { class: "ffg-reference", html: entry.apa });
      for (const [start, end] of entry.stretches.sort((a, b) => a[0] - b[0])) {
        p.append(element("br"), momentLink(entry.url, start, end));
      }
      return p;
    });
  }

  function itemTime(r) {
    return [r.reading[1] ? `reading ${minutesText(r.reading)}` : "",
            r.listening[1] ? `listening ${minutesText(r.listening)}` : ""].filter(Boolean).join(", ") || "time not known";
  }

  /** The bundle's total line. A part the bundle has none of is not named: a week of modules only
   * (every ready-made week) said "listening about 0 min", on screen and on paper. */
  function totalText(t) {
    const all = [t.reading[0] + t.listening[0], t.reading[1] + t.listening[1]];
    if (!t.listening[1]) return t.reading[1] ? `Total time: ${minutesText(t.reading)} of reading.` : "Total time: not known.";
    if (!t.reading[1]) return `Total time: ${minutesText(t.listening)} of listening.`;
    return `Total time: ${minutesText(all)} (reading ${minutesText(t.reading)}, listening ${minutesText(t.listening)}).`;
  }

  function renderView(view, bundle, catalogue, headingLevel = 2) {
    const labels = yearLabels(bundleWorks(bundle, catalogue));
    const resolved = bundle.items.map((item) => resolve(item, catalogue, labels));
    const stretches = resolved.map((r) => (r.transcript ? transcriptBlock(r) : null));
    view.transcriptsReady = Promise.all(stretches.filter(Boolean).map((t) => t.ready));
    const t = totals(bundle, resolved);
    const refs = references(bundle, resolved);
    const heading = headingLevel === 2
      ? element("h2", { text: bundle.title || "Your bundle", "data-bundle-title": "" }) : null;
    view.replaceChildren(...[
      heading,
      element("p", { class: "ffg-bundle__total", "data-bundle-total": "",
                     text: resolved.length ? totalText(t) : "No items yet: add a module, an episode stretch or the glossary." }),
      element("ol", { class: "ffg-bundle__items", "data-bundle-items": "" },
        ...resolved.map((r, index) => element("li", {},
          r.href ? element("a", { href: r.href, text: r.title }) : element("span", { text: r.title }),
          element("span", { class: "ffg-bundle__time", text: ` (${itemTime(r)})` }),
          r.intext ? element("span", { class: "ffg-bundle__intext", "data-bundle-intext": "", text: ` Cite in text: ${r.intext}` }) : null,
          r.summary ? element("p", { text: r.summary }) : null,
          stretches[index] ? stretches[index].block : null))),
      element(headingLevel === 2 ? "h3" : "h2", { text: "References" }),
      element("div", { class: "ffg-bundle__refs", "data-bundle-refs": "" }, ...refs),
    ].filter(Boolean));
    return refs;
  }

  /** The URL of this bundle for students (no `edit`). */
  function shareUrl(bundle) {
    const url = new URL(window.location.href);
    url.search = bundle.items.length ? `?${bundleToQuery(bundle)}` : "";
    url.hash = "";
    return url;
  }

  /** A "Copy references" button for the references `view` shows (rich text, and plain text with one
   *  reference a paragraph and its stretch links on the lines below it); says so in `status`. */
  function copyReferencesButton(view, status) {
    const button = element("button", { type: "button", class: "md-button", "data-bundle-copy-refs": "" }, "Copy references");
    button.addEventListener("click", () => {
      const refs = [...view.querySelectorAll("[data-bundle-refs] p")];
      if (!refs.length) { status.textContent = "Nothing to copy yet: add a module or an episode first."; return; }
      const text = refs.map((p) => [...p.childNodes].map((n) => (n.nodeName === "BR" ? "\n" : n.textContent)).join("").trim()).join("\n\n");
      copy(text, status, refs.map((p) => `<p>${p.innerHTML}</p>`).join(""));
    });
    return button;
  }

  /* ---- the bundle's references as files for reference managers ---- */
  // Each work's own file (cite/<work>.ris|bib|json, written by companion.course.exports), joined:
  // one record per work, in APA order. The same formats and labels as the pages' downloads.
  const REFERENCE_FILES = [
    { kind: "ris", label: "RIS", type: "application/x-research-info-systems" },
    { kind: "bib", label: "BibTeX", type: "application/x-bibtex" },
    { kind: "json", label: "CSL-JSON", type: "application/vnd.citationstyles.csl+json" },
  ];

  /** The catalogue records of the bundle's works, each once, in APA order. */
  function bundleWorks(bundle, catalogue) {
    const works = new Map();
    for (const item of bundle.items) {
      const record = workRecord(item, catalogue);
      if (record && record.exports) works.set(record.id, record);
    }
    return [...works.values()].sort((a, b) => a.apa_rank - b.apa_rank);
  }

  /** One file holding the works' records in `format` (REFERENCE_FILES), as text. */
  async function referencesFile(works, format) {
    const texts = await Promise.all(works.map(async (record) => {
      const response = await fetch(new URL(record.exports[format.kind], siteBase()), FRESH);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return format.kind === "json" ? response.json() : response.text();
    }));
    if (format.kind === "json") return `${JSON.stringify(texts.flat(), null, 2)}\n`;
    // Joined with the files' own line ending (RIS: CR LF, as the RIS spec and EndNote want), each
    // file's closing line breaks only taken off: a trim() would also take the space of "ER  - ".
    const eol = format.kind === "ris" ? "\r\n" : "\n";
    return texts.map((t) => t.replace(/(?:\r?\n)+$/, "")).join(eol + eol) + eol;
  }

  /** "Download references: RIS · BibTeX · CSL-JSON" for the bundle `read()` returns now. */
  function referenceDownloads(read, catalogue, status) {
    const links = REFERENCE_FILES.map((format) => {
      const button = element("button", { type: "button", class: "md-button", "data-bundle-download": format.kind }, format.label);
      button.addEventListener("click", async () => {
        const works = bundleWorks(read(), catalogue);
        if (!works.length) { status.textContent = "Nothing to download yet: add a module or an episode first."; return; }
        try {
          const text = await referencesFile(works, format);
          const href = URL.createObjectURL(new Blob([text], { type: `${format.type};charset=utf-8` }));
          const a = element("a", { href, download: `bundle-references.${format.kind}`, hidden: "" });
          document.body.append(a);
          a.click();
          a.remove();
          window.setTimeout(() => URL.revokeObjectURL(href), COPY_RESET_MS);
          status.textContent = `Downloaded ${works.length} ${works.length === 1 ? "reference" : "references"} (${format.label}).`;
        } catch (error) {
          status.textContent = `The references could not be downloaded (${error.message}).`;
        }
      });
      return button;
    });
    return element("span", { class: "ffg-bundle__downloads", "data-bundle-downloads": "" },
      "Download references: ", ...links.flatMap((b, i) => (i ? [" ", b] : [b])));
  }

  /** What a shared link opens: the bundle itself, read-only, titled with its own title. */
  function setupStudentView(root, bundle, catalogue, problems) {
    const title = bundle.title || "Reading and listening bundle";
    const h1 = document.querySelector(".md-content h1");
    if (h1) h1.textContent = title;
    const topic = document.querySelector('[data-md-component="header-topic"] .md-ellipsis');
    if (topic) topic.textContent = title;                     // the header shows it once the h1 scrolls away
    const site = document.title.includes(" - ") ? document.title.slice(document.title.lastIndexOf(" - ")) : "";
    document.title = `${title}${site}`;
    document.querySelectorAll("[data-bundle-intro]").forEach((el) => { el.hidden = true; });
    document.body.classList.add("ffg-bundle-student");
    const url = shareUrl(bundle).href;
    const editUrl = new URL(url);
    editUrl.searchParams.set("edit", "1");
    const view = element("section", { class: "ffg-bundle__view ffg-bundle__view--student", "data-bundle-view": "" });
    const refsStatus = element("span", { role: "status", "aria-live": "polite" });
    renderView(view, bundle, catalogue, 1);
    const copyRefs = copyReferencesButton(view, refsStatus);
    const print = element("button", { type: "button", class: "md-button", "data-bundle-print": "" }, "Print");
    print.addEventListener("click", () => printWhenReady(view));
    root.replaceChildren(...[
      problems.length ? element("p", { class: "ffg-bundle__error", role: "alert", "data-bundle-problems": "",
        text: `This bundle link has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}; ask whoever shared it to check it. ${problems.join(" ")}` }) : null,
      element("p", { class: "ffg-bundle__intro", text: "A bundle from the course What AI can and cannot do in mental health: work through the items in order." }),
      view,
      element("p", { class: "ffg-bundle__actions" }, copyRefs, " ", print, " ",
        referenceDownloads(() => bundle, catalogue, refsStatus), " ", refsStatus, " ",
        element("a", { href: editUrl.href, class: "ffg-bundle__edit-link", "data-bundle-edit-link": "" }, "Edit this bundle")),
      element("p", { class: "ffg-bundle__url", "data-bundle-url": "" }, "This bundle online: ",
        element("a", { href: url, text: url })),
    ].filter(Boolean));
  }

  function option(value, label) {
    return element("option", { value, text: label });
  }

  /** Why a stretch cannot be added (format, order, the episode's length), or "" when it can. */
  function stretchProblem(startText, endText, record) {
    if (!startText && !endText) return "";
    if (!startText || !endText) return "Give both a start and an end time (like 12:30 and 18:00), or leave both empty for the whole episode.";
    let first;
    let last;
    try {
      first = seconds(startText);
      last = seconds(endText);
    } catch (error) {
      return `${error.message} Times are minutes:seconds or hours:minutes:seconds.`;
    }
    if (last <= first) return `The stretch must end after it starts (${clock(first)} to ${clock(last)}).`;
    if (record && record.duration && first >= record.duration) {
      return `${clock(first)} is past the end of this episode, which is ${clock(record.duration)} long.`;
    }
    if (lastSecond(record) !== null && last > lastSecond(record)) {
      return `This episode is ${clock(record.duration)} long, so the stretch cannot end at ${clock(last)}.`;
    }
    return "";
  }

  /**
   * The episode record a bundle names, as Catalogue.find reads a ref (first match wins): its slug,
   * a part's display number (12.5: the part's citation id is its slug), its citation id (e7),
   * or a name its folder had before it was renamed (`former_slugs`).
   */
  function findEpisode(ref, catalogue) {
    const episodes = catalogue.episodes;
    return episodes.find((r) => r.slug === ref)
      || (ref.includes(".") && NUMBER.test(ref) ? episodes.find((r) => r.number === Number(ref)) : undefined)
      || episodes.find((r) => r.id === `e${ref}`)
      // a folder renamed since the link was made: its old name (Catalogue.moved)
      || episodes.find((r) => (r.former_slugs || []).includes(ref));
  }

  /** The last second an episode's stretch may name: its length in whole seconds, rounded up (the
   *  builder accepts that end, and fitStretches cuts to it); null when the length is not known. */
  function lastSecond(record) {
    return record && record.duration ? Math.ceil(record.duration) : null;
  }

  /** The items with repeats dropped, saying which: "'e1@1:00-2:00' is listed more than once". */
  function onceWithProblems(items, problems) {
    const unique = once(items);
    for (const token of new Set(unique.again)) problems.push(`'${token}' is listed more than once; it is shown once.`);
    return unique.items;
  }

  /**
   * A link's items fitted to the episodes they name: each episode named one way (its citation id,
   * so `e7` and `e007-words-from-elsewhere` are one work in the totals, the references and the
   * repeats), and a stretch running past the episode's end cut at it (lastSecond), so every
   * citation, link and total names time that exists; one starting at or after the end is left out
   * (stretchProblem says why). Returns {items, problems}.
   */
  function fitStretches(items, catalogue) {
    const problems = [];
    const fitted = [];
    for (const item of items) {
      const record = item.kind === "e" ? findEpisode(item.ref, catalogue) : null;
      const named = record ? { ...item, ref: record.id.slice(1) } : item;
      const last = lastSecond(record);
      if (item.start === null || last === null || item.end <= last) {
        fitted.push(named);
      } else if (item.start >= record.duration) {
        problems.push(`${record.title}: ${stretchProblem(clock(item.start), clock(item.end), record)} The stretch ${clock(item.start)}–${clock(item.end)} is left out.`);
      } else {
        problems.push(`${record.title}: this episode is ${clock(record.duration)} long, so the stretch ${clock(item.start)}–${clock(item.end)} is cited as ${clock(item.start)}–${clock(last)}.`);
        fitted.push({ ...named, end: last });
      }
    }
    return { items: onceWithProblems(fitted, problems), problems };
  }

  function setupBuilder(root, catalogue, read) {
    const fitted = fitStretches(read.items, catalogue);
    const bundle = { items: fitted.items, title: read.title };
    const linkProblems = [...read.problems, ...fitted.problems];
    const moduleSelect = element("select", { id: "ffg-module", "data-bundle-module": "" },
      ...catalogue.modules.map((m) => option(m.id, m.title)));
    const episodeSelect = element("select", { id: "ffg-episode", "data-bundle-episode": "" },
      ...catalogue.episodes.map((e) => option(e.id, e.title)));
    const start = element("input", { id: "ffg-start", placeholder: "12:30", size: "8", "data-bundle-start": "" });
    const end = element("input", { id: "ffg-end", placeholder: "18:00", size: "8", "data-bundle-end": "" });
    const title = element("input", { id: "ffg-title", value: bundle.title, placeholder: "Week 3 reading", maxlength: String(TITLE_MAX_CHARS), "data-bundle-title-input": "" });
    const message = element("p", { class: "ffg-bundle__message", role: "status", "aria-live": "polite" });
    const list = element("ol", { class: "ffg-bundle__edit", "data-bundle-edit": "" });
    const link = element("input", { readonly: "", class: "ffg-bundle__link", "data-bundle-link": "", "aria-label": "Link to this bundle" });
    const copyStatus = element("span", { role: "status", "aria-live": "polite" });
    // Not a live region: re-read whole on every keystroke of the title, the bundle would drown
    // everything else a screen reader says. Each change is announced once, briefly, in `message`.
    const view = element("section", { class: "ffg-bundle__view", "data-bundle-view": "" });

    // `focus`: after a Move or Remove button re-draws the list, the button a keyboard user was on
    // is gone; focus goes to the same button on the item they moved (or the next item after a
    // removal, or "Add module" when none is left), never back to the top of the page.
    const update = (focus = null) => {
      bundle.title = title.value.trim();
      const url = shareUrl(bundle);
      const editing = new URL(url);
      if (bundle.items.length) editing.searchParams.set("edit", "1");
      window.history.replaceState(window.history.state, "", editing);
      link.value = url.href;
      list.replaceChildren(...bundle.items.map((item) => element("li", {},
        element("span", { text: resolve(item, catalogue).title + " " }),
        element("button", { type: "button", class: "md-button", "aria-label": "Move up" }, "↑"),
        element("button", { type: "button", class: "md-button", "aria-label": "Move down" }, "↓"),
        element("button", { type: "button", class: "md-button", "aria-label": "Remove" }, "Remove"))));
      list.querySelectorAll("li").forEach((li, index) => {
        const [up, down, remove] = li.querySelectorAll("button");
        const move = (to, label) => {
          const [moved] = bundle.items.splice(index, 1);
          const at = Math.max(0, Math.min(to, bundle.items.length));
          bundle.items.splice(at, 0, moved);
          message.textContent = `${resolve(moved, catalogue).title}: ${at + 1} of ${bundle.items.length}.`;
          update({ index: at, label });
        };
        up.addEventListener("click", () => move(index - 1, "Move up"));
        down.addEventListener("click", () => move(index + 1, "Move down"));
        remove.addEventListener("click", () => {
          const [gone] = bundle.items.splice(index, 1);
          message.textContent = `Removed ${resolve(gone, catalogue).title}.`;
          update({ index: Math.min(index, bundle.items.length - 1), label: "Remove" });
        });
      });
      renderView(view, bundle, catalogue);
      if (focus) {
        const item = list.querySelectorAll("li")[focus.index];
        const target = item ? item.querySelector(`button[aria-label="${focus.label}"]`)
                            : controls.querySelector("[data-bundle-add-module]");
        if (target) target.focus();
      }
    };
    const add = (token) => {
      try {
        const item = parseItem(token);
        if (bundle.items.some((i) => itemToken(i) === itemToken(item))) {
          message.textContent = `${resolve(item, catalogue).title} is already in the bundle.`;
          return;
        }
        bundle.items.push(item);
        message.textContent = `Added ${resolve(item, catalogue).title}: ${bundle.items.length} ${bundle.items.length === 1 ? "item" : "items"} in the bundle.`;
        update();
      } catch (error) {
        message.textContent = error.message;
      }
    };
    const button = (text, attr, onClick) => {
      const b = element("button", { type: "button", class: "md-button", [attr]: "" }, text);
      b.addEventListener("click", onClick);
      return b;
    };
    let addEpisode = null;
    const controls = element("div", { class: "ffg-bundle__controls" },
      element("p", {}, element("label", { for: "ffg-title", text: "Bundle title " }), title),
      element("p", {}, element("label", { for: "ffg-module", text: "Module " }), moduleSelect,
        button("Add module", "data-bundle-add-module", () => add(moduleSelect.value))),
      catalogue.episodes.length
        ? element("p", {}, element("label", { for: "ffg-episode", text: "Episode " }), episodeSelect,
            element("label", { for: "ffg-start", text: " from " }), start,
            element("label", { for: "ffg-end", text: " to " }), end,
            addEpisode = button("Add episode", "data-bundle-add-episode", () => {
              const from = start.value.trim();
              const to = end.value.trim();
              const record = findEpisode(episodeSelect.value.slice(1), catalogue);
              const problem = stretchProblem(from, to, record);
              if (problem) { message.textContent = problem; (from && !to ? end : start).focus(); return; }
              add(`${episodeSelect.value}${from ? `@${from}-${to}` : ""}`);
            }))
        : element("p", { text: "No episodes are on the site yet; episode stretches can be added once they are." }),
      element("p", {}, button("Add the glossary", "data-bundle-add-glossary", () => add(GLOSSARY))),
      message, list,
      element("p", {}, element("label", { text: "Share this link " }), link,
        button("Copy link", "data-bundle-copy", () => copy(link.value, copyStatus)),
        copyReferencesButton(view, copyStatus), copyStatus,
        referenceDownloads(() => bundle, catalogue, copyStatus),
        button("Print", "data-bundle-print", () => printWhenReady(view))),
    );
    title.addEventListener("input", () => update());
    // Enter in a time field adds the stretch, as Enter in a form's field submits it.
    for (const field of [start, end]) {
      field.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && addEpisode) { event.preventDefault(); addEpisode.click(); }
      });
    }
    root.replaceChildren(controls, view);
    if (linkProblems.length) {
      message.textContent = `This link has ${linkProblems.length === 1 ? "a problem" : `${linkProblems.length} problems`}: ${linkProblems.join(" ")}`;
    }
    update();
  }

  async function setupBundlePage(root) {
    try {
      const response = await fetch(new URL(CATALOGUE, siteBase()), FRESH);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const catalogue = await response.json();
      const read = readBundle(window.location.search);
      const tokens = queryParams(window.location.search).getAll("items").join(",").trim();
      if (tokens && !read.edit) {
        const fitted = fitStretches(read.items, catalogue);
        setupStudentView(root, { items: fitted.items, title: read.title }, catalogue,
                         [...read.problems, ...fitted.problems]);
      } else {
        setupBuilder(root, catalogue, read);
      }
    } catch (error) {
      root.replaceChildren(element("p", { role: "alert", text: `The course catalogue could not be loaded (${error.message}).` }));
    }
  }

  let pageController = new AbortController();
  let pageSignal = pageController.signal;

  function setup() {
    // Transcripts are read again for each page shown: under instant navigation the tab lives on
    // across the site's rebuilds, and a corrected stretch printed the words read before.
    transcripts.clear();
    pageController.abort();              // drop the previous page's window listeners
    pageController = new AbortController();
    pageSignal = pageController.signal;
    document.querySelectorAll(".ffg-cite").forEach(setupCiteBox);
    document.querySelectorAll('[data-cite-relative="true"]:not(.ffg-cite)').forEach(absoluteAddresses);
    document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
    const bundle = document.getElementById("ffg-bundle");
    if (bundle) setupBundlePage(bundle);
  }

  window.ffgOnEveryPage(setup);
})();
