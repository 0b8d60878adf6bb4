"""Pictures for readers: checked on upload, cleaned, and resized once into renditions.

(Being written: validation, EXIF orientation, metadata stripping and the
WebP/AVIF/fallback renditions.)
"""

from django.core.files.uploadedfile import UploadedFile


def validate_upload(file: UploadedFile) -> None:
    """Refuse what is not a usable picture, with a clear message."""


def prepare(image) -> None:
    """Before an Image is saved: normalise a new upload and make its renditions."""
