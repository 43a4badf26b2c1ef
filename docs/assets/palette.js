/* Fall From Grace: Material's light/dark switch, for keyboard users.
 *
 * The switch is a radio <input> named "Switch to dark mode" that Material flips on Enter. Space,
 * the key that presses a button, does nothing: the focused radio is already checked, so the
 * browser changes nothing and Material never hears of it. Here Space does what Enter does.
 */
(() => {
  "use strict";

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (event.key !== " " || !(input instanceof HTMLInputElement)) return;
    if (!input.closest("[data-md-component=palette]")) return;
    // Material pairs each radio with the label that selects the *next* scheme (its sibling).
    const label = input.nextElementSibling;
    if (!(label instanceof HTMLLabelElement) || !label.htmlFor) return;
    event.preventDefault();                         // no page scroll
    label.click();                                  // Material's own switch, as a click makes it
    document.getElementById(label.htmlFor)?.focus();   // where Enter leaves focus
  });
})();
