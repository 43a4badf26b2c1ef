/* Fall From Grace: glossary tooltips for keyboard, touch and dismissal.
 *
 * Terms of the glossary are marked on every page as <abbr title="definition"> (mkdocs.yml: abbr
 * with the glossary snippet), and Material's content.tooltips shows the definition on hover or
 * focus. An <abbr> takes no focus, so a keyboard user never sees a definition, and iOS Safari sends
 * no hover to an element that does nothing on a tap (the common <abbr> complaint: godot-docs#7409,
 * hasgeek/baseframe#354, "Making abbr work for touchscreen, keyboard, and mouse" by bitsofco.de).
 * Here the first use of each term on a page joins the tab order (later uses would only add Tab
 * stops with the same definition; the term in the glossary's own list, defined beside it, takes
 * none), and a tap on any use gives it focus, which shows the tooltip.
 *
 * WCAG 2.1 SC 1.4.13 asks that such content can be dismissed without moving focus or pointer: Escape
 * hides every tooltip until focus or the pointer moves to something else. Material's own tooltips
 * have no such key (glossary tooltips failing 1.4.13 is a common audit finding; USWDS#5901).
 */
(() => {
  "use strict";

  const DISMISSED = "ffg-tooltips-dismissed";

  function reachable() {
    const seen = new Set();
    document.querySelectorAll(".md-content abbr[title]").forEach((abbr) => {
      if (abbr.closest("a, button")) return;                 // already reached through its link
      // The glossary's own term, where it is defined: its definition is the text just below, so a Tab
      // stop there only repeated it (11 of them on the glossary, before any entry's own links).
      if (abbr.closest("dt")) return;
      const definition = abbr.getAttribute("title");
      abbr.tabIndex = seen.has(definition) ? -1 : 0;        // -1: a tap can focus it, Tab passes by
      seen.add(definition);
      abbr.addEventListener("click", () => abbr.focus({ preventScroll: true }));
    });
  }

  let hovered = null;                  // the link (or other element) under the pointer
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.querySelector(".md-tooltip2--active")) {
      document.documentElement.classList.add(DISMISSED);
    }
  }, true);
  document.addEventListener("focusin", () => document.documentElement.classList.remove(DISMISSED), true);
  document.addEventListener("pointerover", (event) => {
    const target = event.target;
    const over = (target.closest && target.closest("a, button, abbr, [title], .md-tooltip2")) || target;
    if (over !== hovered) document.documentElement.classList.remove(DISMISSED);
    hovered = over;
  }, true);

  window.ffgOnEveryPage(reachable);
})();
