// The rich-text editor's picture picker (ImageAdmin.pick_view). The editor opened this
// window with a CKEditorFuncNum, the protocol its "Browse..." speaks: a click on a picture
// calls it back with the picture's address and, in the language the article's form
// shows, its alt text and caption; then the window closes.
(function () {
  const callback = new URLSearchParams(location.search).get("CKEditorFuncNum");
  const opener = window.opener;

  function formLanguage() {
    const switcher = opener && opener.document.getElementById("modeltranslation-main-switch");
    const option = switcher && switcher.options[switcher.selectedIndex];
    return option ? option.text.trim().toLowerCase() : "";
  }

  document.querySelectorAll(".desk-pick-choice").forEach((choice) => {
    choice.addEventListener("click", () => {
      if (!opener || !opener.CKEDITOR || !callback) return;
      const words = JSON.parse(choice.dataset.words);
      const said = words[formLanguage()] || Object.values(words)[0] || {};
      opener.CKEDITOR.tools.callFunction(Number(callback), choice.dataset.src, {
        id: choice.dataset.id,
        alternative_text: said.alt || "",
        caption: said.caption || "",
      });
      window.close();
    });
  });
})();
