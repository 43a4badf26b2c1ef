/* "Add to a bundle" on the podcast stretches the course suggests (module "Hear it discussed").
 *
 * Without JavaScript each link opens the bundle builder with that one stretch
 * (`course/bundle/?items=e3@0:16-0:42&edit=1`). With it, the link adds the stretch to the bundle
 * you were last building in this tab: the builder keeps its bundle in the address
 * (`?items=...&edit=1`), so this file notes that address when you leave the builder and adds to
 * it. Kept in sessionStorage: it ends with the tab, and nothing leaves the browser.
 */
(() => {
  "use strict";

  const KEY = "ffg-bundle-building";

  function onBuilder() {
    return document.getElementById("ffg-bundle") !== null;
  }

  function remember() {
    if (!onBuilder()) return;
    const params = new URLSearchParams(window.location.search);
    try {
      if (params.get("edit")) sessionStorage.setItem(KEY, params.getAll("items").join(","));
      else if (!params.get("items")) sessionStorage.removeItem(KEY);   // an empty builder
    } catch (error) { /* storage off: each link still opens the builder with its stretch */ }
  }

  function saved() {
    try {
      return (sessionStorage.getItem(KEY) || "").split(",").map((t) => t.trim()).filter(Boolean);
    } catch (error) {
      return [];
    }
  }

  // A marked term links to its glossary entry (glossary/#term-...). Through instant navigation,
  // Material sometimes swaps the page in without scrolling to the entry when the link is followed
  // soon after the page loaded (seen on the deployed build, about one click in two), leaving the
  // reader at the old page's scroll position. After each swap, show the entry if it is out of view.
  function showTarget() {
    let id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (error) { return; }
    const target = id && document.getElementById(id);
    if (!target) return;                                     // a player hash (#t=...) names no element
    const header = document.querySelector(".md-header");
    const below = header ? header.getBoundingClientRect().bottom : 0;   // the sticky header covers the top
    const top = target.getBoundingClientRect().top;
    if (top < below || top > window.innerHeight / 2) window.scrollTo(0, window.scrollY + top - below - 8);
  }

  function setup() {
    window.requestAnimationFrame(showTarget);
    if (onBuilder()) { remember(); return; }
    const building = saved();
    document.querySelectorAll("a[data-bundle-add]").forEach((link) => {
      const token = link.dataset.bundleAdd;
      const items = building.includes(token) ? building : [...building, token];
      const url = new URL(link.getAttribute("href"), window.location.href);
      url.searchParams.set("items", items.join(","));
      url.searchParams.set("edit", "1");
      link.href = url.href;
      if (building.includes(token)) link.textContent = "In your bundle: open it";
      else if (building.length) link.textContent = `Add to your bundle (${building.length} ${building.length === 1 ? "item" : "items"} so far)`;
    });
  }

  // The builder rewrites its address as you edit (history.replaceState): note it on every click
  // (before and after the builder handles it) and when the page goes.
  document.addEventListener("click", () => { remember(); setTimeout(remember, 0); }, true);
  document.addEventListener("input", () => setTimeout(remember, 0), true);
  window.addEventListener("pagehide", remember);

  // A glossary term marked in a transcript shows its definition in a tooltip on hover and focus
  // (Material's content.tooltips, from the link's title); on a phone it covers the next lines.
  // WCAG 2.1 SC 1.4.13 asks that such content can be dismissed without moving focus or pointer:
  // Escape hides every tooltip until focus or the pointer moves to something else. Material's own
  // tooltips have no such key (glossary tooltips failing 1.4.13 is a common audit finding).
  const DISMISSED = "ffg-tooltips-dismissed";
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

  window.ffgOnEveryPage(setup);
})();
