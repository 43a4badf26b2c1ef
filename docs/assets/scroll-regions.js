/*
 * Keyboard access to Material's wide-table scroll boxes (WCAG 2.1.1; axe-core rule
 * `scrollable-region-focusable`; Material for MkDocs issue #1514 and kin).
 *
 * Material wraps every plain Markdown table in `.md-typeset__scrollwrap`, a box with
 * `overflow: auto`. When a table is wider than the screen (a phone at 360 px), the box scrolls,
 * but Chromium and Safari never give it focus, so a keyboard user cannot reach the hidden
 * columns. While (and only while) a box actually overflows, this script makes it a named,
 * focusable region: `tabindex="0"` (arrow keys then scroll it), `role="region"` and an
 * `aria-label` taken from the table's caption or the nearest heading before it. A box that fits
 * gets no tab stop. A ResizeObserver re-checks each box when the window turns or resizes and when a
 * closed <details> (a self-check answer) opens.
 *
 * Wide code blocks (`pre > code`, the commands of the maintainer's guide) get the same tab stop
 * (no role or name: a code block reads as itself, as Material leaves it).
 * Material gives one only where the device can hover (`matchMedia("(hover)")`), so on a phone or
 * tablet with a keyboard the commands cut off at the screen's edge could not be scrolled to.
 *
 * Set up from Material's `document$` (first load and every instant navigation).
 */
(function () {
  "use strict";

  var observer = null;
  var BOXES = ".md-typeset__scrollwrap, .md-typeset pre > code";

  function nameFor(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    var headings = document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3, .md-content h4");
    var name = "";
    for (var i = 0; i < headings.length; i++) {
      // DOCUMENT_POSITION_FOLLOWING: the box comes after this heading.
      if (headings[i].compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) {
        name = headings[i].textContent.replace(/\u00b6/g, "").trim();
      }
    }
    return (name ? name + ": " : "") + "table (scrolls sideways)";
  }

  function update(box) {
    var overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (overflows && !box.hasAttribute("data-ffg-scroll-region")) {
      box.setAttribute("tabindex", "0");
      if (box.tagName !== "CODE") {           // a code block reads as itself, as Material leaves it
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameFor(box));
      }
      box.setAttribute("data-ffg-scroll-region", "");
    } else if (!overflows && box.hasAttribute("data-ffg-scroll-region")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      box.removeAttribute("data-ffg-scroll-region");
    }
  }

  function setUp() {
    if (observer) {
      observer.disconnect();                      // boxes of the page we left
    }
    var boxes = document.querySelectorAll(BOXES);
    if (typeof ResizeObserver === "function") {
      observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { update(entry.target); });
      });
      boxes.forEach(function (box) { observer.observe(box); });
    } else {
      boxes.forEach(update);
    }
  }

  window.ffgOnEveryPage(setUp);
})();
