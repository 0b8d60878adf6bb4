// Pictures where the text is: a picture dropped or pasted into a body, or dropped on the
// cover (or chosen with its button), is described in place (alt text first, in the
// body's language), uploaded to the media library with the add form's own checks
// (ImageAdmin.upload_view), and put where it was dropped: a figure in the body, or the
// article's cover. What the server refuses is said in the dialog, which keeps what was
// typed. Loaded in the page's head, not deferred, to hear the rich-text editors start.
(function () {
  const script = document.currentScript;
  const say = script.dataset;
  const languages = JSON.parse(say.languages); // [[code, name], ...], the written languages

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, name) => String(values[name]));
  }

  function picturesIn(transfer) {
    return transfer ? [...transfer.files].filter((file) => file.type.startsWith("image/")) : [];
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function element(tag, properties = {}, children = []) {
    const made = Object.assign(document.createElement(tag), properties);
    made.append(...children);
    return made;
  }

  // The dialog that asks for the picture's words, then uploads it. Resolves with the
  // server's answer ({id, src, name}) and what was typed, or null when cancelled.
  function describe(file, language) {
    return new Promise((resolve) => {
      const preview = element("img", { className: "desk-drop-preview", alt: "" });
      // As a data: address, which the Content-Security-Policy allows (blob: it does not).
      const reader = new FileReader();
      reader.addEventListener("load", () => { preview.src = reader.result; });
      reader.readAsDataURL(file);
      const inputs = {};
      const rows = [];
      const ordered = [...languages].sort((a, b) => (b[0] === language) - (a[0] === language));
      for (const [code, name] of ordered) {
        inputs[`alt_${code}`] = element("input", {
          type: "text",
          name: `alt_${code}`,
          maxLength: 300,
          required: code === language,
        });
        rows.push(element("label", {}, [fill(say.altLabel, { language: name }), inputs[`alt_${code}`]]));
      }
      inputs[`caption_${language}`] = element("input", { type: "text", name: `caption_${language}`, maxLength: 300 });
      inputs.credit = element("input", { type: "text", name: "credit", maxLength: 200 });
      const languageName = (languages.find(([code]) => code === language) || [language, language])[1];
      rows.push(element("label", {}, [fill(say.captionLabel, { language: languageName }), inputs[`caption_${language}`]]));
      rows.push(element("label", {}, [say.creditLabel, inputs.credit]));
      const problems = element("div", { className: "desk-drop-problems", role: "alert" });
      const insert = element("button", { type: "submit", className: "button default", textContent: say.insert });
      const cancel = element("button", { type: "button", className: "button", textContent: say.cancel });
      const form = element("form", { method: "dialog" }, [
        element("h2", { textContent: say.title }),
        element("p", { className: "help", textContent: say.altHelp }),
        preview,
        ...rows,
        problems,
        element("div", { className: "desk-drop-buttons" }, [insert, cancel]),
      ]);
      const dialog = element("dialog", { className: "desk-drop" }, [form]);
      document.body.append(dialog);

      function close(answer) {
        dialog.close();
        dialog.remove();
        resolve(answer);
      }

      cancel.addEventListener("click", () => close(null));
      dialog.addEventListener("cancel", (event) => {
        event.preventDefault();
        close(null);
      });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const body = new FormData();
        body.append("file", file, file.name || "pasted.png");
        for (const [name, input] of Object.entries(inputs)) body.append(name, input.value.trim());
        body.append("focal_x", "50");
        body.append("focal_y", "50");
        insert.disabled = true;
        problems.textContent = say.uploading;
        try {
          const response = await fetch(say.endpoint, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
          });
          const answer = await response.json().catch(() => ({}));
          if (response.status === 201) {
            close({ ...answer, alt: inputs[`alt_${language}`].value.trim(), caption: inputs[`caption_${language}`].value.trim() });
            return;
          }
          const messages = Object.values(answer.errors || {}).flat();
          problems.textContent = messages.length ? messages.join(" ") : fill(say.failed, { status: response.status });
        } catch (error) {
          problems.textContent = fill(say.failed, { status: error.message });
        }
        insert.disabled = false;
      });
      dialog.showModal();
      inputs[`alt_${language}`].focus();
    });
  }

  // A body: pictures dropped or pasted become figures where they were put.
  function intoBody(editor, textarea) {
    const language = textarea.name.split("_").slice(1).join("_") || languages[0][0];
    const container = editor.view.dom.parentElement || editor.view.dom;

    async function place(files, position) {
      for (const file of files) {
        const answer = await describe(file, language);
        if (!answer) return;
        const content = [{ type: "image", attrs: { src: answer.src, alt: answer.alt } }];
        if (answer.caption) content.push({ type: "caption", content: [{ type: "text", text: answer.caption }] });
        const at = Math.min(position, editor.state.doc.content.size);
        editor.chain().focus().insertContentAt(at, { type: "figure", content }).run();
        position = editor.state.selection.to;
      }
    }

    container.addEventListener(
      "drop",
      (event) => {
        const files = picturesIn(event.dataTransfer);
        if (!files.length) return;
        event.preventDefault();
        event.stopPropagation();
        const found = editor.view.posAtCoords({ left: event.clientX, top: event.clientY });
        place(files, found ? found.pos : editor.state.selection.to);
      },
      true,
    );
    container.addEventListener(
      "paste",
      (event) => {
        const files = picturesIn(event.clipboardData);
        if (!files.length) return;
        event.preventDefault();
        event.stopPropagation();
        place(files, editor.state.selection.to);
      },
      true,
    );
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    if (textarea.name.startsWith("body_")) intoBody(editor, textarea);
  });

  // The cover: a picture dropped on its row, or chosen with its button, becomes the cover.
  function cover() {
    const select = document.getElementById("id_cover_image");
    const row = select && select.closest(".form-row");
    if (!row) return;
    const chooser = element("input", { type: "file", accept: "image/*", hidden: true });
    const button = element("button", { type: "button", className: "button", textContent: say.coverButton });
    const hint = element("p", { className: "help desk-drop-hint", textContent: say.coverHint });
    hint.prepend(button, " ");
    row.append(hint, chooser);

    async function use(file) {
      const answer = await describe(file, currentLanguage());
      if (!answer) return;
      select.append(new Option(answer.name, answer.id, true, true));
      select.dispatchEvent(new Event("change", { bubbles: true }));
      if (window.django && window.django.jQuery) window.django.jQuery(select).trigger("change");
    }

    button.addEventListener("click", () => chooser.click());
    chooser.addEventListener("change", () => {
      if (chooser.files.length) use(chooser.files[0]);
      chooser.value = "";
    });
    row.addEventListener("dragover", (event) => {
      if ([...event.dataTransfer.types].includes("Files")) {
        event.preventDefault();
        row.classList.add("desk-drop-target");
      }
    });
    row.addEventListener("dragleave", () => row.classList.remove("desk-drop-target"));
    row.addEventListener("drop", (event) => {
      row.classList.remove("desk-drop-target");
      const files = picturesIn(event.dataTransfer);
      if (!files.length) return;
      event.preventDefault();
      use(files[0]);
    });
  }

  // The language the form shows (modeltranslation's switch), else the first.
  function currentLanguage() {
    const switcher = document.getElementById("modeltranslation-main-switch");
    const option = switcher && switcher.options[switcher.selectedIndex];
    const code = option ? option.text.trim().toLowerCase() : "";
    return languages.some(([known]) => known === code) ? code : languages[0][0];
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", cover);
  else cover();
})();
