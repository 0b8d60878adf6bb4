from django import template

from articles import images

register = template.Library()


@register.simple_tag
def picture_of(image) -> images.Picture | None:
    """`{% picture_of image as picture %}`: its sources and fallback, from the row alone."""
    return images.picture(image)
