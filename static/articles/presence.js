// Tells the server this change form is open, and shows who else has it open.
// Each beat also says whether the editor used the page (keys, pointer, typing)
// since the one before: only such a beat keeps an idle session from ending
// (newsroom/accounts/middleware.py), so an open tab alone never does, and an
// editor writing a long story without saving is never signed out meanwhile.
(function () {
  const box = document.getElementById("desk-presence");
  if (!box) return;
  const names = box.querySelector(".names");
  const every = Number(box.dataset.interval || 30) * 1000;
  let used = false;
  for (const kind of ["keydown", "pointerdown", "input"]) {
    document.addEventListener(kind, () => { used = true; }, { capture: true, passive: true });
  }
  async function beat() {
    const url = new URL(box.dataset.url, window.location.href);
    if (used) url.searchParams.set("active", "1");
    used = false;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const others = (await response.json()).others;
      names.textContent = others.join(", ");
      box.hidden = others.length === 0;
    } catch (error) {
      // Offline for a moment, or signed out: the next beat will tell.
    }
  }
  setInterval(beat, every);
})();
