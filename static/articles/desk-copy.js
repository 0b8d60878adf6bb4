// "Copy its address": puts a picture's address on the clipboard, to paste into a text.
document.querySelectorAll("[data-copy]").forEach((button) => {
  const label = button.textContent;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      button.textContent = button.dataset.copied;
      setTimeout(() => { button.textContent = label; }, 2000);
    } catch (error) {
      window.prompt("", button.dataset.copy); // no clipboard (an insecure page): select and copy
    }
  });
});
