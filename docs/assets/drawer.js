/* Fall From Grace: Material's navigation drawer (phones and tablets), for keyboard users.
 *
 * Below Material's drawer breakpoint the site's navigation sits off-screen until the menu button
 * opens it, but its links stay in the tab order: a keyboard user tabs through twenty links they
 * cannot see before reaching the page (angular/material#234, modrinth/code#1624 report the same
 * kind), and Material's menu button is a bare <label> that Tab never reaches. Here the closed
 * drawer is `inert`, the menu button (overrides/partials/header.html) opens it with Enter or Space
 * and says whether it is open (aria-expanded), opening moves focus to its first link, and Escape
 * closes it and returns focus to the button.
 */
(() => {
  "use strict";

  const DRAWER_WIDTHS = window.matchMedia("(max-width: 76.1875em)");   // Material's drawer breakpoint

  function parts() {
    return {
      drawer: document.getElementById("__drawer"),
      toggle: document.querySelector("[data-ffg-drawer-toggle]"),
      sidebar: document.querySelector(".md-sidebar--primary"),
    };
  }

  /** Inert while it is an off-screen drawer and closed; the toggle says whether it is open. */
  function sync() {
    const { drawer, toggle, sidebar } = parts();
    if (!drawer || !sidebar) return;
    const hidden = DRAWER_WIDTHS.matches && !drawer.checked;
    sidebar.inert = hidden;
    if (toggle) toggle.setAttribute("aria-expanded", String(drawer.checked));
  }

  function setOpen(open, focusBack) {
    const { drawer, toggle, sidebar } = parts();
    if (!drawer) return;
    drawer.checked = open;
    drawer.dispatchEvent(new Event("change", { bubbles: true }));       // Material listens for it too
    sync();
    if (open && sidebar) {
      const first = sidebar.querySelector("a[href], label[tabindex], input:not([type=hidden])");
      if (first) window.setTimeout(() => first.focus(), 0);
    } else if (focusBack && toggle) {
      toggle.focus();
    }
  }

  function start() {
    document.addEventListener("change", (e) => { if (e.target && e.target.id === "__drawer") sync(); });
    // Capture, on window: first of all, so Material's own keyboard handling (which clicks a focused
    // label on Enter) does not toggle the drawer a second time.
    window.addEventListener("keydown", (e) => {
      const toggle = e.target.closest && e.target.closest("[data-ffg-drawer-toggle]");
      if (toggle && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        e.stopImmediatePropagation();
        setOpen(!parts().drawer.checked, false);
      } else if (e.key === "Escape" && parts().drawer && parts().drawer.checked && DRAWER_WIDTHS.matches) {
        setOpen(false, true);
      }
    }, true);
    DRAWER_WIDTHS.addEventListener("change", sync);
    window.ffgOnEveryPage(sync);            // instant navigation replaces the sidebar
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})();
