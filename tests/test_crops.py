"""Crops to 16:9, 4:3 and 1:1 keep the editor's focal point in view."""

from hypothesis import given
from hypothesis import strategies as st

from articles.media.crops import SHAPES, crop_box

WIDE, SQUARE = SHAPES[0], SHAPES[2]


def test_a_square_from_a_landscape_photo_is_its_full_height_around_the_focal_point():
    # A 4000×3000 photo whose subject stands a little right of the middle.
    assert crop_box(4000, 3000, SQUARE, focal_x=60, focal_y=50) == (900, 0, 3900, 3000)


def test_the_crop_stops_at_the_picture_edge():
    assert crop_box(4000, 3000, SQUARE, focal_x=100, focal_y=0) == (1000, 0, 4000, 3000)
    assert crop_box(4000, 3000, SQUARE, focal_x=0, focal_y=100) == (0, 0, 3000, 3000)


def test_a_wide_crop_from_a_portrait_photo_is_its_full_width_around_the_focal_point():
    # 1200×1600, a face near the top: the 16:9 band moves up to it.
    assert crop_box(1200, 1600, WIDE, focal_x=50, focal_y=20) == (0, 0, 1200, 675)
    assert crop_box(1200, 1600, WIDE, focal_x=50, focal_y=50) == (0, 462, 1200, 1137)


def test_without_a_focal_point_the_crop_is_centred():
    assert crop_box(1000, 1000, WIDE) == (0, 219, 1000, 781)


@given(
    width=st.integers(1, 10_000),
    height=st.integers(1, 10_000),
    shape=st.sampled_from(SHAPES),
    focal_x=st.integers(0, 100),
    focal_y=st.integers(0, 100),
)
def test_every_crop_is_inside_the_picture_and_has_the_shape(width, height, shape, focal_x, focal_y):
    left, top, right, bottom = crop_box(width, height, shape, focal_x, focal_y)
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    assert right - left == width or bottom - top == height  # as large as fits
    # The shape, but for the pixel the smaller side is rounded down by.
    off = abs((right - left) * shape.height - (bottom - top) * shape.width)
    assert off < max(shape.width, shape.height) or min(right - left, bottom - top) == 1
