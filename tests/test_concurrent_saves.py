"""Two editors saving the same article at the same instant: one save, one conflict, never a 500.

Run on both databases. On SQLite each save's transaction takes the write
lock as it begins and the other waits for it (newsroom/settings.py); on
PostgreSQL the form locks the article's row. Either way the second save
finds the first one's version and gets the conflict screen with its text.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5
CONFLICT = "Someone else saved this article while you were editing it."


def save_at_once(clients: list[Client], url: str, forms: list[dict]) -> list:
    """Post each form from its own thread, released together."""
    barrier = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def save(index: int) -> None:
        try:
            barrier.wait()
            answers[index] = clients[index].post(url, forms[index])
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=save, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_two_editors_saving_at_once_get_one_save_and_one_conflict_screen():
    article = make_article()
    clients = [
        signed_in(Client(raise_request_exception=False), make_user("Editors")) for _ in range(2)
    ]
    for round_ in range(ROUNDS):
        article.refresh_from_db()
        opened = change_form_data(article)
        texts = [f"<p>Editor {index}, round {round_}.</p>" for index in range(2)]
        forms = [{**opened, "body_en": text} for text in texts]

        answers = save_at_once(clients, change_url(article), forms)

        assert sorted(answer.status_code for answer in answers) == [200, 302], [
            answer.status_code for answer in answers
        ]
        saved = next(index for index, answer in enumerate(answers) if answer.status_code == 302)
        refused = answers[1 - saved].content.decode()
        assert CONFLICT in refused
        assert f"Editor {1 - saved}, round {round_}." in refused  # the loser's text, kept
        article.refresh_from_db()
        assert article.body_en == texts[saved]
