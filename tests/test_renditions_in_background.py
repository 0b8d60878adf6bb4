"""Renditions made by a worker (TASKS_BACKEND=database), not in the upload's request.

The upload stores the clean original and queues a task in the real database;
`manage.py db_worker` (django-tasks-db) makes the renditions, and pages move
from the original to them.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles.interchange import backup
from articles.media import images
from articles.models import Image
from tests.factories import make_article, make_image
from tests.test_images import editor_client, noisy_jpeg, plain_png, upload  # noqa: F401

# The task is queued once the upload's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def widths(image: Image) -> list[int]:
    return [width for width, _path in image.renditions["formats"]["fallback"]]


def test_an_upload_answers_with_the_original_and_the_worker_makes_the_renditions(
    editor_client,  # noqa: F811
):
    response = upload(editor_client, noisy_jpeg(700), "rink.jpg")
    assert response.status_code == 302
    image = Image.objects.get()
    assert images.is_pending(image.renditions)
    assert (image.width, image.height) == (700, 700)
    (queued_task,) = DBTaskResult.objects.all()
    assert queued_task.status == TaskResultStatus.READY
    # Meanwhile a page shows the clean original.
    assert f'src="{image.file.url}"' in images.picture_html(image)
    assert "srcset" not in images.picture_html(image)
    change_page = reverse("admin:articles_image_change", args=[image.pk])
    assert "being made" in editor_client.get(change_page).content.decode()

    run_worker()

    image.refresh_from_db()
    assert not images.is_pending(image.renditions)
    assert image.renditions["source"] == image.file.name
    assert widths(image) == [320, 640, 700]
    assert "srcset" in images.picture_html(image)
    queued_task.refresh_from_db()
    assert queued_task.status == TaskResultStatus.SUCCESSFUL
    assert "being made" not in editor_client.get(change_page).content.decode()


def test_the_article_page_moves_from_the_original_to_the_renditions(client):
    image = make_image(plain_png(1000, 500), name="cover.png")
    article = make_article(cover_image=image)
    before = client.get(article.get_absolute_url("en")).content.decode()
    assert f'src="{image.file.url}"' in before and "srcset" not in before

    run_worker()

    after = client.get(article.get_absolute_url("en")).content.decode()
    assert f'src="{image.file.url}"' not in after
    assert 'srcset="' in after and "1000w" in after


def test_a_picture_replaced_before_the_worker_ran_gets_renditions_of_the_new_file_only():
    image = make_image(plain_png(900), name="first.png")
    first = image.file.name
    image.file = SimpleUploadedFile("second.png", plain_png(400))
    image.save()
    assert DBTaskResult.objects.count() == 2

    run_worker()

    image.refresh_from_db()
    assert image.renditions["source"] == image.file.name != first
    assert widths(image) == [320, 400]
    # The first file's task found its picture replaced and made nothing.
    results = {result.args_kwargs["args"][1]: result for result in DBTaskResult.objects.all()}
    assert results[first].return_value is False
    assert results[image.file.name].return_value is True


def test_a_picture_deleted_before_the_worker_ran_is_skipped():
    image = make_image(plain_png(900), name="gone.png")
    image.delete()

    run_worker()

    (result,) = DBTaskResult.objects.all()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is False


def test_a_backup_taken_while_renditions_were_pending_restores_without_them():
    pending = images.pending("images/2026/12/rink.jpg")
    assert backup.renditions(pending) == {}
