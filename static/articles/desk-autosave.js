// Never lose a word (articles/desk/autosave.py): while a form changes, what
// it holds goes to the server every few seconds, into this editor's unsaved
// changes, which never touch the article. A form reopened with unsaved
// changes offers them back. Leaving with changes not saved asks first, and
// Ctrl/Cmd+S saves and keeps the form open.
//
// Loaded in the page's head, not deferred: the rich-text editors announce
// themselves ("prose-editor:ready") as soon as they start, and this listens
// before they do.
(function () {
  const script = document.currentScript;
  const endpoint = script.dataset.endpoint;
  const every = Number(script.dataset.seconds || 5) * 1000;
  const words = {
    question: script.dataset.question,
    restore: script.dataset.restore,
    discard: script.dataset.discard,
  };
  const address = location.pathname;
  const editors = new Map(); // a rich-text field's name -> its editor
  let form = null;
  let changes = 0; // how many changes the editor has made
  let kept = 0; // how many of them the server has
  let submitting = false;

  function changed() {
    changes += 1;
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    editors.set(textarea.name, editor);
    editor.on("update", changed);
  });

  function csrfToken() {
    const field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function held() {
    const fields = {};
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") continue;
      (fields[name] = fields[name] || []).push(value);
    }
    for (const [name, editor] of editors) fields[name] = [editor.getHTML()];
    return fields;
  }

  function put(fields) {
    for (const element of form.elements) {
      const name = element.name;
      if (!name || name === "csrfmiddlewaretoken" || element.type === "file") continue;
      const values = fields[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.tagName === "SELECT" && element.multiple) {
        for (const option of element.options) option.selected = values.includes(option.value);
      } else if (editors.has(name)) {
        editors.get(name).commands.setContent(values[0] || "", true);
      } else if (name in fields) {
        element.value = values[0];
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  async function keep() {
    if (kept === changes) return;
    const sending = changes;
    const response = await fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ address: address, fields: held() }),
    });
    if (response.ok) kept = Math.max(kept, sending);
  }

  function forget() {
    return fetch(`${endpoint}?${new URLSearchParams({ address: address })}`, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  function button(text, classes) {
    const made = document.createElement("button");
    made.type = "button";
    made.className = classes;
    made.textContent = text;
    return made;
  }

  function offer(unsaved) {
    const time = new Date(unsaved.saved_at).toLocaleTimeString(document.documentElement.lang, {
      hour: "2-digit",
      minute: "2-digit",
    });
    const banner = document.createElement("div");
    banner.className = "desk-unsaved";
    banner.setAttribute("role", "alert");
    const question = document.createElement("p");
    question.textContent = words.question.replace("%(time)s", time);
    const restore = button(words.restore, "button default");
    const discard = button(words.discard, "button");
    banner.append(question, restore, discard);
    form.before(banner);
    restore.addEventListener("click", () => {
      put(unsaved.fields);
      banner.remove();
    });
    discard.addEventListener("click", async () => {
      await forget();
      banner.remove();
    });
  }

  async function start() {
    form = document.querySelector("#content-main form");
    if (!form || !endpoint) return;
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", () => { submitting = true; });
    const response = await fetch(`${endpoint}?${new URLSearchParams({ address: address })}`, {
      credentials: "same-origin",
    });
    if (response.ok) {
      const unsaved = await response.json();
      if (unsaved.fields) offer(unsaved);
    }
    setInterval(keep, every);
  }

  document.addEventListener("DOMContentLoaded", start);
  window.addEventListener("beforeunload", (event) => {
    if (submitting || changes === 0) return;
    keep(); // what can still be sent goes; the browser asks whether to leave
    event.preventDefault();
    event.returnValue = "";
  });
  document.addEventListener("keydown", (event) => {
    if (form && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      const save =
        form.querySelector("input[name=_continue]") || form.querySelector("[type=submit]");
      if (save) save.click();
    }
  });
})();
