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

  window.ffgOnEveryPage = function (setUp) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setUp);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", () => setUp(), { once: true });
    } else {
      setUp();
    }
  };
})();
