// Live slug preview: asks the server (the same rules as on save) for the slug
// of each language's title or name while the editor types. A slug the
// editor wrote by hand is left alone, as the server does.
(function () {
  const script = document.currentScript;
  const endpoint = script.dataset.endpoint;
  const source = script.dataset.source;

  async function slugFor(language, text) {
    const query = new URLSearchParams({ language: language, text: text });
    const response = await fetch(`${endpoint}?${query}`, { credentials: "same-origin" });
    return response.ok ? (await response.json()).slug : null;
  }

  document.querySelectorAll(`input[name^="${source}_"]`).forEach(async (input) => {
    const language = input.name.slice(source.length + 1);
    const slugInput = document.querySelector(`input[name="slug_${language}"]`);
    if (!slugInput) return;
    let automatic = slugInput.value === "" || slugInput.value === (await slugFor(language, input.value));
    let timer = null;
    slugInput.addEventListener("input", () => { automatic = slugInput.value === ""; });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (!automatic) return;
        const slug = input.value.trim() ? await slugFor(language, input.value) : "";
        if (slug !== null) slugInput.value = slug;
      }, 250);
    });
  });
})();
