/* Fall From Grace: run a script's page set-up on every page a reader sees.
 *
 * With Material's instant navigation the document is not reloaded between pages, so a set-up bound
 * to DOMContentLoaded would run once; Material's `document$` observable emits on the first load and
 * after every navigation. Without it (a page built with navigation.instant off, or outside
 * Material), the set-up runs once the document is ready. Loaded before the site's other scripts
 * (mkdocs.yml extra_javascript), which call `window.ffgOnEveryPage(setUp)`.
 */
(() => {
  "use strict";

  /* Whether the page being set up was reached by Back or Forward (the browser restores its place, so
   * a set-up should not move the reader: the player returns to the listener's place, a link's target
   * is not scrolled to). The address a Back or Forward goes to is noted; a hash changed on the same
   * page is not a return; a first load reached by Back/Forward says so in its navigation entry. Worked
   * out once a page, before any other set-up runs (this file's own set-up is registered first).
   * Where the browser has the Navigation API, a traversal is told by its navigationType: a popstate
   * is not only Back or Forward, it also follows a jump to a fragment, and Material jumps to the
   * #fragment of a page it swaps in by clicking a link to it, so a glossary entry reached from a
   * transcript was taken, about one time in four, for a return (focus and scroll left where they
   * fell). A replaceState (Material keeping the scroll offset, the player its #t=) changes nothing. */
  const entry = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  let traversedTo = entry && entry.type === "back_forward" ? window.location.href : null;
  let returning = false;
  if (window.navigation && typeof window.navigation.addEventListener === "function") {
    window.navigation.addEventListener("navigate", (event) => {
      if (event.navigationType === "traverse") traversedTo = event.destination.url;
      else if (event.navigationType !== "replace") traversedTo = null;
    });
  } else {
    window.addEventListener("popstate", () => { traversedTo = window.location.href; });
  }
  window.addEventListener("hashchange", () => { traversedTo = null; returning = false; });
  window.ffgReturning = () => returning;

  /* The site's root (the folder of its home page), worked out once, on the page the document was
   * loaded as. Material's `__config` holds that page's path to the root ("../.." on a module) and its
   * instant navigation keeps the first page's `__config` for every page after it, so the root read
   * from it later, on a page of another depth, was another folder: a bundle page reached from the
   * home page fetched its catalogue from course/bundle/cite/ (HTTP 404) and a module showed no
   * reading progress (the kind of jquery-mobile#7125: a base URL gone wrong after navigation). */
  const config = document.getElementById("__config");
  const base = config ? JSON.parse(config.textContent).base : ".";
  const root = new URL(`${base.replace(/\/$/, "")}/`, window.location.href).href;
  window.ffgSiteRoot = () => new URL(root);

  window.ffgOnEveryPage = function (setUp) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setUp);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", () => setUp(), { once: true });
    } else {
      setUp();
    }
  };

  /* A page reached by instant navigation (a link followed, not Back or Forward, and no #fragment to
   * go to) starts at its top with focus on its title, as a page load does for the eye and a screen
   * reader's page announcement for the ear. Material left a keyboard reader where the link had been:
   * Enter on the footer's "Next" at the end of a module showed the next module scrolled to its end,
   * focus on <body>, the page's change unannounced, and the next Tab at the header's first tab
   * (the kind of squidfunk/mkdocs-material#5176 and #5742: instant loading loses the position a
   * keyboard or button asked for). A mouse click had it scrolled to the top; now both do. */
  function arriveAtTop() {
    window.scrollTo(0, 0);
    const title = document.querySelector(".md-content__inner h1");
    if (!title) return;
    if (!title.hasAttribute("tabindex")) title.tabIndex = -1;      // focusable by script, not by Tab
    title.focus({ preventScroll: true });
  }

  /* A page reached by instant navigation to a #fragment: focus moves to the element it names, as a
   * page load to a fragment moves the browser's starting point for Tab there. Chromium set that point
   * only when Material's own jump to the fragment won the race with the page's set-up: about one time
   * in four, Enter on a glossary term linked from a transcript left focus on <body>, and the next Tab
   * went to the header's first tab, scrolling the entry away (the kind of mkdocs-material#3274: the
   * #hash of an instant navigation not honoured). Not scrolled here: the page's scripts place it.
   * A fragment naming no element (the player's #t=...) is the player's to handle. */
  function arriveAtTarget() {
    let id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (_) { return; }
    const target = id && document.getElementById(id);
    if (!target || target.contains(document.activeElement)) return;
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) target.tabIndex = -1;
    target.focus({ preventScroll: true });
  }

  /* Back (or Forward) to a page by instant navigation: focus goes back to the link that was followed
   * from it, as a browser restoring the page from its back-forward cache does. Material swaps the
   * page in with focus on <body>: a keyboard reader who followed a "Hear it discussed" link ten
   * screens down a module and came Back pressed Tab and was taken to the header's first tab, the
   * page scrolled to its top. The link is noted per address, in this tab, as it is clicked (Enter
   * on a link is a click); found again by its place among the page's links and its words. */
  const FOLLOWED_KEY = "ffg-followed:";
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link) return;
    const followed = { index: [...document.querySelectorAll("a[href]")].indexOf(link), text: link.textContent };
    try { window.sessionStorage.setItem(FOLLOWED_KEY + window.location.href, JSON.stringify(followed)); } catch (_) { /* storage off */ }
  }, true);

  function backToFollowedLink() {
    let followed = null;
    try { followed = JSON.parse(window.sessionStorage.getItem(FOLLOWED_KEY + window.location.href) || "null"); } catch (_) { return; }
    if (!followed) return;
    const link = document.querySelectorAll("a[href]")[followed.index];
    if (link && link.textContent === followed.text && document.activeElement === document.body) link.focus({ preventScroll: true });
  }

  let pages = 0;
  window.ffgOnEveryPage(() => {
    returning = traversedTo === window.location.href;
    traversedTo = null;
    pages += 1;
    if (returning) backToFollowedLink();
    if (pages > 1 && !returning) {
      // Material's jump to the fragment is a click on a link to it, whose navigation runs as a task
      // of its own and may blur what was focused before it: focus once that has run.
      if (window.location.hash) window.requestAnimationFrame(() => window.setTimeout(arriveAtTarget, 0));
      else arriveAtTop();
    }
  });
})();
