// The admin's autocomplete (Select2) has no Kazakh. Django marks each box with
// Select2's name for the page's language, and without one it writes lang="None",
// which Select2 takes for a language: the mark goes, so that Select2 looks under
// the page's own ("kk", and "kk" again for "kk-latn") and finds the messages
// below. They come from the desk's JavaScript catalogue
// (locale/libraries/kk/LC_MESSAGES/djangojs.po), so the Latin-script desk gets
// its own from the transliterated catalogue. Deferred: Select2 is loaded by
// then, and it makes its boxes when the page is ready, after this.
(function () {
  const select2 = window.django && django.jQuery && django.jQuery.fn.select2;
  if (!select2 || typeof window.gettext !== "function") return;
  document.querySelectorAll("select[lang=None]").forEach((box) => box.removeAttribute("lang"));
  const count = (format, number) => window.interpolate(window.gettext(format), [number]);
  select2.amd.define("select2/i18n/kk", [], () => ({
    errorLoading: () => window.gettext("The results could not be loaded."),
    inputTooLong: (args) => count("Please delete %s characters", args.input.length - args.maximum),
    inputTooShort: (args) => count("Please enter %s or more characters", args.minimum - args.input.length),
    loadingMore: () => window.gettext("Loading more results…"),
    maximumSelected: (args) => count("You can only select %s items", args.maximum),
    noResults: () => window.gettext("No results found"),
    searching: () => window.gettext("Searching…"),
    removeAllItems: () => window.gettext("Remove all items"),
    removeItem: () => window.gettext("Remove item"),
    search: () => window.gettext("Search"),
  }));
})();
