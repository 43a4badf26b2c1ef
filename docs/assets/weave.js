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
  // reader at the old page's scroll position. After each swap, show the entry if it is out of view;
  // not after Back or Forward, where Material restores the scroll the reader left the page at.
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
    if (!window.ffgReturning()) window.requestAnimationFrame(showTarget);   // Back/Forward: the browser's place stands
    if (onBuilder()) { remember(); return; }
    const building = saved();
    document.querySelectorAll("a[data-bundle-add]").forEach((link) => {
      const token = link.dataset.bundleAdd;
      const items = building.includes(token) ? building : [...building, token];
      const url = new URL(link.getAttribute("href"), window.location.href);
      url.searchParams.set("items", items.join(","));
      url.searchParams.set("edit", "1");
      link.href = url.href;
      // The words shown are the link's first text; the stretch it names (.ffg-heard__which) stays.
      const shown = link.firstChild && link.firstChild.nodeType === Node.TEXT_NODE ? link.firstChild : null;
      if (!shown) return;
      if (building.includes(token)) shown.textContent = "In your bundle: open it";
      else if (building.length) shown.textContent = `Add to your bundle (${building.length} ${building.length === 1 ? "item" : "items"} so far)`;
    });
  }

  // The builder rewrites its address as you edit (history.replaceState): note it on every click
  // (before and after the builder handles it) and when the page goes.
  document.addEventListener("click", () => { remember(); setTimeout(remember, 0); }, true);
  document.addEventListener("input", () => setTimeout(remember, 0), true);
  window.addEventListener("pagehide", remember);

  window.ffgOnEveryPage(setup);
})();
