// Click-to-load videos and posts (articles/media/embeds.py): the card is a link to the
// post; a click puts the provider's player in its place. Nothing of the provider's loads
// before, and the page's Content-Security-Policy allows frames from that player alone.
document.addEventListener("click", (event) => {
  const card = event.target.closest("a.embed-card[data-frame]");
  if (!card || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const frame = document.createElement("iframe");
  frame.src = card.dataset.frame;
  frame.title = card.dataset.title;
  frame.className = "embed-frame";
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  card.replaceWith(frame);
  frame.focus();
});
