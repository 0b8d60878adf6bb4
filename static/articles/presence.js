// Tells the server this change form is open, and shows who else has it open.
(function () {
  const box = document.getElementById("desk-presence");
  if (!box) return;
  const names = box.querySelector(".names");
  const every = Number(box.dataset.interval || 30) * 1000;
  async function beat() {
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (!response.ok) return;
      const others = (await response.json()).others;
      names.textContent = others.join(", ");
      box.hidden = others.length === 0;
    } catch (error) {
      // Offline for a moment: the next beat will tell.
    }
  }
  setInterval(beat, every);
})();
