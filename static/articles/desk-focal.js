// The focal point of a picture: a click on it sets the form's focal_x and focal_y (in
// percent), and the 16:9, 4:3 and 1:1 previews show the crop pages will cut around it.
// The crop is articles/media/crops.py's: the largest box of the shape, its middle as near
// the focal point as the edges allow. CSS places it with object-position.
(function () {
  const area = document.querySelector(".desk-focal");
  if (!area) return;
  const inputX = document.getElementById(area.dataset.focalX);
  const inputY = document.getElementById(area.dataset.focalY);
  const picture = area.querySelector("img");
  const mark = area.querySelector(".desk-focal-mark");
  if (!inputX || !inputY || !picture) return;

  function percent(input) {
    const value = Number.parseInt(input.value, 10);
    return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 50;
  }

  // Where, in percent of the room left, a crop of `part` starts along `length`.
  function position(length, part, focal) {
    if (length <= part) return 50;
    const start = Math.max(0, Math.min(length - part, Math.round((length * focal) / 100 - part / 2)));
    return (start / (length - part)) * 100;
  }

  function show() {
    const focalX = percent(inputX);
    const focalY = percent(inputY);
    mark.style.insetInlineStart = `${focalX}%`;
    mark.style.insetBlockStart = `${focalY}%`;
    const width = Number(picture.getAttribute("width")) || picture.naturalWidth;
    const height = Number(picture.getAttribute("height")) || picture.naturalHeight;
    if (!width || !height) return;
    document.querySelectorAll(".desk-crop").forEach((crop) => {
      const across = Number(crop.dataset.shapeWidth);
      const down = Number(crop.dataset.shapeHeight);
      let cropWidth = width;
      let cropHeight = height;
      if (width * down >= height * across) cropWidth = Math.max(1, Math.floor((height * across) / down));
      else cropHeight = Math.max(1, Math.floor((width * down) / across));
      const image = crop.querySelector("img");
      image.style.objectPosition = `${position(width, cropWidth, focalX)}% ${position(height, cropHeight, focalY)}%`;
      crop.dataset.crop = [
        Math.round((position(width, cropWidth, focalX) / 100) * (width - cropWidth)),
        Math.round((position(height, cropHeight, focalY) / 100) * (height - cropHeight)),
        cropWidth,
        cropHeight,
      ].join(" ");
    });
  }

  picture.addEventListener("click", (event) => {
    const box = picture.getBoundingClientRect();
    inputX.value = Math.round(((event.clientX - box.left) / box.width) * 100);
    inputY.value = Math.round(((event.clientY - box.top) / box.height) * 100);
    for (const input of [inputX, inputY]) input.dispatchEvent(new Event("change", { bubbles: true }));
    show();
  });
  for (const input of [inputX, inputY]) input.addEventListener("input", show);
  show();
})();
