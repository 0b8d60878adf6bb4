// django-prose-editor names its toolbar's buttons and its block menu's items in
// English without asking gettext (its dialogs do ask). They are put through the
// desk's JavaScript catalogue here (locale/libraries/*/LC_MESSAGES/djangojs.po),
// as the editor makes them: on load, whenever it adds to the page, and when it
// renames a button (the block menu's shows the block the cursor is in).
(function () {
  if (typeof window.gettext !== "function") return;

  function translate(root) {
    root.querySelectorAll(".prose-menubar [title], .prose-menubar [aria-label]").forEach((element) => {
      for (const name of ["title", "aria-label"]) {
        const said = element.getAttribute(name);
        const translated = said && window.gettext(said);
        // Only a change is written: writing the same would be seen as a change again.
        if (translated && translated !== said) element.setAttribute(name, translated);
      }
    });
    // The block menu shows each choice as it will look: a heading or a paragraph.
    root.querySelectorAll(".prose-menubar__option > *").forEach((choice) => {
      const said = choice.textContent;
      if (choice.children.length === 0 && window.gettext(said) !== said) {
        choice.textContent = window.gettext(said);
      }
    });
  }

  function watch() {
    translate(document);
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === "attributes") translate(change.target.parentElement || change.target);
        change.addedNodes.forEach((node) => {
          if (node.nodeType === Node.ELEMENT_NODE) translate(node.parentElement || node);
        });
      }
    }).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["title"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
