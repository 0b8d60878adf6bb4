"""Pictures where the text is: dropped or pasted into a body or on the cover, described in
place and uploaded with the media library's own checks; the focal point and its crops.

The upload answers in JSON (ImageAdmin.upload_view); the journeys drive
static/articles/desk-drop.js and desk-focal.js in Debian's Chromium.
"""

import base64

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Image
from tests.browser import journey
from tests.desk import make_user, signed_in
from tests.factories import make_article, make_image
from tests.test_desk_browser import session_of, signed_in_page
from tests.test_images import noisy_jpeg, plain_png, two_colour_photo

UPLOAD = "admin:articles_image_upload"


def dropped(content: bytes, name: str = "dropped.jpg", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile(name, content), "focal_x": 50, "focal_y": 50, **fields}


@pytest.mark.django_db
class TestTheUpload:
    def test_a_dropped_picture_is_cleaned_saved_and_answered_with_its_address(self, client, roles):
        author = make_user("Authors")
        answer = signed_in(client, author).post(
            reverse(UPLOAD), dropped(two_colour_photo(), alt_kk="Медеу мұз айдыны")
        )
        assert answer.status_code == 201
        image = Image.objects.get()
        assert answer.json() == {"id": image.pk, "src": image.file.url, "name": str(image)}
        assert image.alt_kk == "Медеу мұз айдыны" and image.alt_kk_latn  # the Latin filled in
        assert image.uploaded_by == author
        assert image.renditions["formats"]  # made at once with the immediate task backend

    def test_what_is_not_a_picture_is_refused_with_the_form_message(self, client, roles):
        signed_in(client, make_user("Authors"))
        answer = client.post(reverse(UPLOAD), dropped(b"not a picture", "notes.jpg", alt_kk="x"))
        assert answer.status_code == 400
        assert "This file is not a picture" in " ".join(answer.json()["errors"]["file"])
        assert not Image.objects.exists()

    def test_typed_words_get_the_forms_checks(self, client, roles):
        signed_in(client, make_user("Authors"))
        answer = client.post(reverse(UPLOAD), dropped(noisy_jpeg(), alt_kk="бас\x1bқа"))
        assert answer.status_code == 400
        assert "control characters" in answer.json()["errors"]["alt_kk"][0]

    def test_someone_who_may_not_add_pictures_is_refused(self, client):
        signed_in(client, make_user())  # staff, in no role
        answer = client.post(reverse(UPLOAD), dropped(noisy_jpeg(), alt_kk="x"))
        assert answer.status_code == 403
        assert not Image.objects.exists()

    def test_only_a_post_uploads(self, client, roles):
        signed_in(client, make_user("Authors"))
        assert client.get(reverse(UPLOAD)).status_code == 405

    def test_the_article_form_offers_drops_only_to_those_who_may_upload(self, client, roles):
        article = make_article(languages=["kk"], original_language="kk")
        change = reverse("admin:articles_article_change", args=[article.pk])
        superuser = make_user(superuser=True)
        assert "desk-drop.js" in signed_in(client, superuser).get(change).content.decode()
        client.logout()
        reader = make_user()
        reader.user_permissions.add(*view_and_change_articles())
        assert "desk-drop.js" not in signed_in(client, reader).get(change).content.decode()


@pytest.mark.django_db
class TestThePicker:
    def test_it_lists_the_newest_pictures_with_their_words_in_each_language(self, client, roles):
        older = make_image(plain_png(40), name="older.png", alt_kk="Ескі", alt_ru="Старый")
        newer = make_image(plain_png(40), name="newer.png", alt_kk="Жаңа", alt_ru="Новый")
        signed_in(client, make_user("Translators", languages=["ru"]))
        page = client.get(reverse("admin:articles_image_pick"), {"CKEditorFuncNum": "3"})
        assert page.status_code == 200
        html = page.content.decode()
        assert html.index(newer.file.url) < html.index(older.file.url)
        assert "&quot;alt&quot;: &quot;Новый&quot;" in html

    def test_a_search_finds_a_picture_by_its_words(self, client, roles):
        make_image(plain_png(40), name="rink.png", alt_en="Skaters at Medeu")
        make_image(plain_png(40), name="bridge.png", alt_en="A bridge")
        signed_in(client, make_user("Authors"))
        html = client.get(reverse("admin:articles_image_pick"), {"q": "Medeu"}).content.decode()
        assert "rink.png" in html and "bridge.png" not in html

    def test_someone_who_may_not_see_pictures_is_refused(self, client):
        signed_in(client, make_user())
        assert client.get(reverse("admin:articles_image_pick")).status_code == 403


def view_and_change_articles():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="articles", codename__in=["view_article", "change_article"]
    )


def file_in_page(page, selector: str, content: bytes, name: str, event: str) -> None:
    """Drops (or pastes) a file on `selector` as a browser would, with a DataTransfer."""
    page.evaluate(
        """([selector, data, name, kind]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/png" }));
            const target = document.querySelector(selector);
            const box = target.getBoundingClientRect();
            const where = {
                bubbles: true, cancelable: true, clientX: box.left + 10, clientY: box.top + 10
            };
            const made = kind === "paste"
                ? new ClipboardEvent("paste", { ...where, clipboardData: transfer })
                : new DragEvent(kind, { ...where, dataTransfer: transfer });
            target.dispatchEvent(made);
        }""",
        [selector, base64.b64encode(content).decode(), name, event],
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_picture_dropped_into_the_text_and_one_pasted_are_described_and_put_in_place(
    live_server, request, roles
):
    session = session_of(make_user("Editors"))
    article = make_article(
        languages=["kk"], original_language="kk", body_kk="<p>Бірінші абзац.</p>"
    )
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        body = ".prose-editor:has(#id_body_kk) .ProseMirror[contenteditable=true]"
        expect(desk.locator(body)).to_be_visible()
        file_in_page(desk, body, plain_png(900, 500), "rink.png", "drop")
        dialog = desk.locator("dialog.desk-drop")
        expect(dialog).to_be_visible()
        alt = dialog.locator("input[name=alt_kk]")
        expect(alt).to_be_focused()  # alt text first, in the body's language
        trip.step(desk, "dropped-asks-for-alt-text")
        dialog.get_by_role("button", name="Upload and insert").click()
        expect(dialog).to_be_visible()  # the alt text is required: nothing sent yet
        alt.fill("Медеудегі мұз айдыны")
        dialog.locator("input[name=caption_kk]").fill("Таңертеңгі мұз айдыны")
        dialog.get_by_role("button", name="Upload and insert").click()
        figure = desk.locator(f"{body} figure img")
        expect(figure).to_have_attribute("alt", "Медеудегі мұз айдыны")
        expect(desk.locator(f"{body} figcaption")).to_have_text("Таңертеңгі мұз айдыны")
        trip.step(desk, "figure-in-the-text")

        file_in_page(desk, body, plain_png(400, 300), "pasted.png", "paste")
        expect(dialog).to_be_visible()
        dialog.locator("input[name=alt_kk]").fill("Екінші сурет")
        dialog.get_by_role("button", name="Upload and insert").click()
        expect(desk.locator(f"{body} figure img")).to_have_count(2)
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_be_visible()
        trip.step(desk, "saved")

    first, second = Image.objects.order_by("pk")
    assert (first.alt_kk, first.caption_kk) == ("Медеудегі мұз айдыны", "Таңертеңгі мұз айдыны")
    body = Article.objects.get(pk=article.pk).body_kk
    assert body.index(first.file.url) < body.index(second.file.url)
    assert 'alt="Медеудегі мұз айдыны"' in body and "Бірінші абзац." in body


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_picture_dropped_on_the_cover_becomes_the_cover(live_server, request, roles):
    session = session_of(make_user("Editors"))
    article = make_article(languages=["kk", "ru"], original_language="kk")
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        file_in_page(desk, ".field-cover_image", plain_png(1200, 675), "cover.png", "drop")
        dialog = desk.locator("dialog.desk-drop")
        expect(dialog).to_be_visible()
        dialog.locator("input[name=alt_kk]").fill("Астана, Бәйтерек")
        dialog.locator("input[name=alt_ru]").fill("Астана, Байтерек")
        dialog.get_by_role("button", name="Upload and insert").click()
        expect(dialog).to_be_hidden()
        trip.step(desk, "cover-chosen")
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_be_visible()

    cover = Article.objects.get(pk=article.pk).cover_image
    assert cover is not None and (cover.alt_kk, cover.alt_ru) == (
        "Астана, Бәйтерек",
        "Астана, Байтерек",
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_click_on_the_picture_sets_its_focal_point_and_the_crops_follow(
    live_server, request, roles
):
    session = session_of(make_user(superuser=True))
    image = make_image(plain_png(1600, 900), name="wide.png")
    change = live_server.url + reverse("admin:articles_image_change", args=[image.pk])

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        square = desk.locator(".desk-crop-1-1")
        # A centred square of a 1600×900 picture starts 350 px in.
        expect(square).to_have_attribute("data-crop", "350 0 900 900")
        picture = desk.locator(".desk-focal img")
        box = picture.bounding_box()
        picture.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.2})
        expect(desk.locator("#id_focal_x")).to_have_value("90")
        expect(desk.locator("#id_focal_y")).to_have_value("20")
        # Pushed to the right edge: 700 px in, as articles/media/crops.py cuts it.
        expect(square).to_have_attribute("data-crop", "700 0 900 900")
        trip.step(desk, "focal-point-on-the-right")
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_be_visible()

    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (90, 20)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_browse_in_the_figure_dialog_picks_a_library_picture_with_its_alt_text(
    live_server, request, roles
):
    session = session_of(make_user("Editors"))
    article = make_article(languages=["ru"], original_language="ru", body_ru="<p>Текст.</p>")
    picture = make_image(plain_png(800, 450), name="bridge.png", alt_ru="Новый мост")
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        desk.locator("#modeltranslation-main-switch").select_option(label="ru")
        editor = desk.locator(".prose-editor:has(#id_body_ru)")
        editor.locator(".ProseMirror[contenteditable=true]").click()
        editor.locator(
            ".prose-menubar__button[title='figure'], button:has(.material-icons:text('image'))"
        ).first.click()
        dialog = desk.locator("dialog[open]")
        with desk.context.expect_page() as opened:
            dialog.get_by_role("button", name="Browse...").click()
        picker = opened.value
        picker.wait_for_load_state()
        trip.step(picker, "picker")
        with picker.expect_event("close"):
            picker.locator(".desk-pick-choice").first.click()
        expect(dialog.locator("input[name=altText]")).to_have_value("Новый мост")
        dialog.get_by_role("button", name="Insert").click()
        expect(editor.locator("figure img")).to_have_attribute("alt", "Новый мост")
        trip.step(desk, "picked-into-the-text")
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_be_visible()

    assert picture.file.url in Article.objects.get(pk=article.pk).body_ru
