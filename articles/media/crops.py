"""The shapes pages and share cards cut a picture to, around the editor's focal point.

A crop is the largest box of the shape that fits in the picture, moved so that
the focal point is as near its middle as the picture's edges allow. The desk's
previews (static/articles/desk-focal.js) place the same box with CSS.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    name: str
    width: int
    height: int


# What Google asks of an article's images, and what cards and share images use.
SHAPES = (Shape("16:9", 16, 9), Shape("4:3", 4, 3), Shape("1:1", 1, 1))


def crop_box(
    width: int, height: int, shape: Shape, focal_x: int = 50, focal_y: int = 50
) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of `shape` cut from a `width`×`height` picture.

    `focal_x` and `focal_y` are in percent of the picture's width and height.
    """
    if width * shape.height >= height * shape.width:  # wider than the shape: full height
        crop_width, crop_height = max(1, height * shape.width // shape.height), height
    else:  # taller: full width
        crop_width, crop_height = width, max(1, width * shape.height // shape.width)
    left = centred(width, crop_width, focal_x)
    top = centred(height, crop_height, focal_y)
    return left, top, left + crop_width, top + crop_height


def centred(length: int, part: int, percent: int) -> int:
    """Where a `part` of `length` starts for `percent` of `length` to be its middle, kept in."""
    wanted = round(length * percent / 100 - part / 2)
    return max(0, min(length - part, wanted))
