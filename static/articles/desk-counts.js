// Writing aids: under each title and lead, its length against what search
// results and social cards show; under each body, its words, characters and
// reading time. They follow the text as the editor types. Loaded in the
// page's head, not deferred, to hear the rich-text editors start.
(function () {
  const script = document.currentScript;
  const say = script.dataset;
  const limits = { title: Number(say.titleLimit), lead: Number(say.leadLimit) };
  const wordsPerMinute = Number(say.wordsPerMinute);

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, name) => String(values[name]));
  }

  function hintAfter(element) {
    const hint = document.createElement("div");
    hint.className = "help desk-count";
    hint.setAttribute("aria-live", "polite");
    element.after(hint);
    return hint;
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const field of ["title", "lead"]) {
      document.querySelectorAll(`[name^="${field}_"]`).forEach((input) => {
        const hint = hintAfter(input);
        const show = () => {
          const length = input.value.trim().length;
          hint.textContent = fill(say[`${field}Hint`], { count: length, limit: limits[field] });
          hint.classList.toggle("desk-count-over", length > limits[field]);
        };
        input.addEventListener("input", show);
        show();
      });
    }
  });

  function countText(text) {
    const words = (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) || []).length;
    const minutes = Math.max(1, Math.round(words / wordsPerMinute));
    return fill(say.bodyHint, { words: words, characters: text.trim().length, minutes: minutes });
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    const container = textarea.closest(".prose-editor") || textarea.parentElement;
    const hint = hintAfter(container);
    const show = () => { hint.textContent = countText(editor.getText()); };
    editor.on("update", show);
    show();
  });
})();
