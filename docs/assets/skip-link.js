/* Fall From Grace: "Skip to content" lands at the start of the page's content.
 *
 * Material points its skip link at the first entry of the page's table of contents. Where the
 * page's title is not in it (an episode page, a course module, whose titles come from templates),
 * that entry is the first h2, so the skip jumped past the page's opening: on an episode page past
 * the player itself, on a module past its introduction (the same fault as zensical/ui#79, "skip
 * link doesn't work when no h1 is present"). Here the skip moves focus to the page's title (or the
 * article, if it has none), so the next Tab is the first control of the content. Taken before
 * Material's instant navigation (capture, on window), which would handle the link as an anchor and
 * leave focus where it was. Without JavaScript Material's link stays as it was.
 *
 * A page reached by instant navigation starts at its top for the keyboard too, as a loaded page
 * does: the browser keeps its focus starting point where the followed link was, so Tab went on from
 * the middle of the new page (and under load its scroll kept the old page's place), the fault of
 * stdlib-js/www#37. Not on the first load, Back/Forward (the browser restores the place) or an
 * address with a #target (Material scrolls to it; the player takes a time link's focus).
 */
(() => {
  "use strict";

  window.addEventListener("click", (event) => {
    const skip = event.target.closest && event.target.closest(".md-skip");
    const article = document.querySelector(".md-content__inner");
    if (!skip || !article) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const target = article.querySelector("h1") || article;
    if (!target.hasAttribute("tabindex")) target.tabIndex = -1;     // focusable by script, not by Tab
    target.focus();
  }, true);

  let first = true;
  window.ffgOnEveryPage(() => {
    if (first) { first = false; return; }
    if (window.location.hash || (window.ffgReturning && window.ffgReturning())) return;
    const start = document.createElement("span");
    start.tabIndex = -1;                                             // focusable by script only
    document.body.prepend(start);
    start.focus({ preventScroll: true });                            // the starting point: the top
    start.remove();
    if (window.scrollY) window.scrollTo(0, 0);
  });
})();
