// Opens a translated form on the language the editor works in, not on the
// browser's: after a save, the tab they were on; else the language the page
// names (an article's original language, a translator's own); else the one
// the editor last chose, remembered in this browser.
(function () {
  const script = document.currentScript;
  const pageLanguage = script.dataset.language || "";
  const remembered = "newsroom.desk.language";
  const thisForm = `newsroom.desk.tab:${location.pathname}`;

  function read(storage, key) {
    try { return storage.getItem(key) || ""; } catch (error) { return ""; }
  }

  function write(storage, key, value) {
    try { storage.setItem(key, value); } catch (error) { /* private mode: nothing kept */ }
  }

  // Translation side by side: the original beside the fields of the language shown.
  function showSource(code) {
    let shown = false;
    document.querySelectorAll(".desk-source").forEach((panel) => {
      panel.hidden = panel.dataset.language !== code;
      shown = shown || !panel.hidden;
    });
    document.body.classList.toggle("desk-has-source", shown);
  }

  django.jQuery(function ($) {
    // The tabs' tooltips name each language as the browser's own data does, which
    // knows few language names in Kazakh ("En", "Ru"): each names itself instead.
    const names = new Map(
      (script.dataset.languageNames || "").split(";").filter(Boolean).map((pair) => pair.split("=")),
    );
    document.querySelectorAll(".ui-tabs-nav a.ui-tabs-anchor").forEach((tab) => {
      tab.title = names.get(tab.textContent.trim()) || tab.title;
    });
    const select = $("#modeltranslation-main-switch");
    if (!select.length) return;
    const codes = select.find("option").map((index, option) => $(option).text()).get();
    const wanted = [read(sessionStorage, thisForm), pageLanguage, read(localStorage, remembered)]
      .find((code) => codes.includes(code));
    if (wanted) select.val(String(codes.indexOf(wanted))).trigger("change");
    showSource(wanted || codes[0] || "");
    select.on("change", () => {
      const code = codes[Number(select.val())];
      write(sessionStorage, thisForm, code);
      write(localStorage, remembered, code);
      showSource(code);
    });
  });
})();
