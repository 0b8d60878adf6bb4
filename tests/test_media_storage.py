"""Media in an S3-compatible bucket (MEDIA_STORAGE=s3): uploads, renditions and their addresses.

A moto server on a free loopback port stands in for the bucket; the storage is
configured by newsroom/settings.py itself, from the environment it documents.
"""

import io
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image as Pillow

from articles.models import Article
from tests.factories import make_article, make_image

# The module's costly fixture is made once, in one worker (make test: --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("bucket")]

PROJECT = Path(__file__).resolve().parent.parent
BUCKET = "newsroom-media"
REGION = "eu-central-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
PRINT_MEDIA_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({"storage": settings.STORAGES["default"], "media_url": settings.MEDIA_URL}))
"""
# What the README asks of the bucket: anyone may read, only the site may write.
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}
URL = re.compile(r'(?:src|srcset)="([^"]*)"')


def media_settings(**environment: str) -> subprocess.CompletedProcess:
    """Load newsroom.settings in a fresh interpreter with this environment; print the media part."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "x",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT_MEDIA_SETTINGS],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def s3_media(s3_endpoint):
    """The media settings for the bucket, as settings.py makes them from the environment."""
    result = media_settings(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_S3_CUSTOM_DOMAIN=f"{s3_endpoint}/{BUCKET}",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def bucket(s3_endpoint, s3_media, settings, monkeypatch):
    """An empty bucket that is the media storage; the S3 client to look into it."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    settings.STORAGES = {**settings.STORAGES, "default": s3_media["storage"]}
    settings.MEDIA_URL = s3_media["media_url"]
    yield client
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> set[str]:
    return {stored["Key"] for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def photo(width=700, height=350) -> bytes:
    """A PNG wide enough for several renditions."""
    picture = Pillow.new("RGB", (width, height), "teal")
    picture.paste("orange", (0, 0, width // 2, height // 2))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def urls_in_pictures(page: str) -> list[str]:
    """Every address in the page's <picture> elements (src, and each srcset entry)."""
    found = []
    for picture in re.findall(r"<picture>.*?</picture>", page, re.S):
        for value in URL.findall(picture):
            found += [entry.split()[0] for entry in value.split(", ")]
    return found


def test_media_stays_on_the_filesystem_by_default():
    result = media_settings()
    assert result.returncode == 0, result.stderr
    configured = json.loads(result.stdout)
    assert configured["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert configured["media_url"] == "/media/"


def test_the_bucket_is_public_media_at_plain_addresses(s3_media, s3_endpoint):
    assert s3_media["media_url"] == f"{s3_endpoint}/{BUCKET}/"
    assert s3_media["storage"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": s3_endpoint,
            "region_name": REGION,
            "custom_domain": s3_endpoint.removeprefix("http://") + f"/{BUCKET}",
            "url_protocol": "http:",
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }


def test_an_unknown_media_storage_is_refused():
    result = media_settings(MEDIA_STORAGE="ftp")
    assert result.returncode != 0
    assert 'MEDIA_STORAGE is either "filesystem" or "s3".' in result.stderr


def test_s3_media_needs_a_bucket_and_its_public_address():
    result = media_settings(MEDIA_STORAGE="s3", AWS_S3_CUSTOM_DOMAIN="media.example.org")
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_upload_and_its_renditions_are_stored_in_the_bucket(bucket):
    image = make_image(photo(), name="harbour.png")
    paths = {path for entries in image.renditions["formats"].values() for _, path in entries}
    assert {width for width, _ in image.renditions["formats"]["webp"]} == {320, 640, 700}
    assert keys(bucket) == {image.file.name, *paths}
    assert image.file.name.startswith("images/") and image.file.name.endswith("harbour.png")
    stored = bucket.get_object(Bucket=BUCKET, Key=image.renditions["formats"]["fallback"][0][1])
    assert Pillow.open(io.BytesIO(stored["Body"].read())).size == (320, 160)


def test_pages_show_pictures_at_the_buckets_public_addresses(bucket, client, s3_endpoint):
    cover = make_image(photo(), name="cover.png")
    article = make_article(cover_image=cover)
    page = client.get(article.get_absolute_url()).content.decode()
    addresses = urls_in_pictures(page)
    assert addresses
    base = f"{s3_endpoint}/{BUCKET}/"
    assert all(address.startswith(base) for address in addresses), addresses
    assert {address.removeprefix(base) for address in addresses} <= keys(bucket)
    with urllib.request.urlopen(addresses[-1]) as served:  # no signature: public as it is
        assert served.status == 200
        assert Pillow.open(io.BytesIO(served.read())).format in ("JPEG", "WEBP", "AVIF")


def test_a_picture_in_the_text_is_kept_and_served_from_the_bucket(bucket, client, s3_endpoint):
    figure = make_image(photo(), name="figure.png")
    body = f'<p>Before.</p><figure><img src="{figure.file.url}" alt="The harbour"></figure>'
    article = make_article(body_kk=body)
    # The sanitizer knows the bucket's address as our media and keeps the picture.
    assert f'src="{figure.file.url}"' in Article.objects.get(pk=article.pk).body_kk
    page = client.get(article.get_absolute_url()).content.decode()
    body_html = page[page.index('<div class="body">') :]
    assert "<picture>" in body_html
    assert all(
        address.startswith(f"{s3_endpoint}/{BUCKET}/renditions/")
        for address in urls_in_pictures(body_html)
    )
