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
})();
