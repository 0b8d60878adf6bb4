"""`manage.py regenerate_renditions`: make every image's renditions again.

For after a change to the widths or formats in articles/media/images.py, or a Pillow
that can now write AVIF. The originals were cleaned on upload and are left as
they are; the renditions they replace are deleted.
"""

from django.core.management.base import BaseCommand

from articles.media import images
from articles.models import Image


class Command(BaseCommand):
    help = "Make the renditions of every image in the media library again."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these images.")

    def handle(self, *args, ids, **options):
        pictures = Image.objects.exclude(file="").order_by("pk")
        if ids:
            pictures = pictures.filter(pk__in=ids)
        made = failed = 0
        for picture in pictures.iterator():
            try:
                images.regenerate(picture)
            except OSError as error:
                failed += 1
                self.stderr.write(f"Image {picture.pk} ({picture.file.name}): {error}")
            else:
                made += 1
        self.stdout.write(f"Made the renditions of {made} images; {failed} could not be read.")
