"""Public addresses, each inside a language prefix (see newsroom/urls.py)."""

from django.urls import path, register_converter
from django.urls.converters import IntConverter

from articles import search
from articles.caching.http_cache import public_page
from articles.models import LARGEST_ID
from articles.public import feeds, share, views


class ArticleIdConverter(IntConverter):
    """An article's id: a number beyond what ids can be matches no address (a 404)."""

    def to_python(self, value: str) -> int:
        pk = int(value)
        if pk > LARGEST_ID:
            raise ValueError("beyond any article id")
        return pk


register_converter(ArticleIdConverter, "article_id")

app_name = "articles"

urlpatterns = [
    path("", public_page(views.HomeView.as_view(), ranked=True), name="home"),
    path("news/", public_page(views.LatestNewsView.as_view()), name="latest"),
    path(
        "news/<article_id:pk>/",
        public_page(views.article_detail, ranked=True, aside=True),
        name="article-short",
    ),
    path(
        "news/<article_id:pk>-<str:slug>/",
        public_page(views.article_detail, ranked=True, aside=True),
        name="article",
    ),
    path("news/<article_id:pk>/share-<str:shape>.jpg", share.article_image, name="share-image"),
    path("share.jpg", share.site_image, name="site-share-image"),
    path("category/<slug:slug>/", public_page(views.CategoryView.as_view()), name="category"),
    path("authors/", public_page(views.AuthorIndexView.as_view()), name="authors"),
    path("authors/<slug:slug>/", public_page(views.AuthorView.as_view()), name="author"),
    path("tags/<slug:slug>/", public_page(views.TagView.as_view()), name="tag"),
    path("pages/<slug:slug>/", public_page(views.static_page), name="static-page"),
    path("search/", search.search, name="search"),
    path("rss/", public_page(feeds.LatestArticlesFeed()), name="feed"),
    path("category/<slug:slug>/rss/", public_page(feeds.CategoryFeed()), name="category-feed"),
    path("tags/<slug:slug>/rss/", public_page(feeds.TagFeed()), name="tag-feed"),
    path("atom/", public_page(feeds.LatestArticlesFeed(feeds.AtomFeed)), name="feed-atom"),
    path("feed.json", public_page(feeds.LatestArticlesFeed(feeds.JSONFeed)), name="feed-json"),
    path(
        "category/<slug:slug>/atom/",
        public_page(feeds.CategoryFeed(feeds.AtomFeed)),
        name="category-feed-atom",
    ),
    path(
        "category/<slug:slug>/feed.json",
        public_page(feeds.CategoryFeed(feeds.JSONFeed)),
        name="category-feed-json",
    ),
    path("authors/<slug:slug>/rss/", public_page(feeds.AuthorFeed()), name="author-feed"),
    path(
        "authors/<slug:slug>/atom/",
        public_page(feeds.AuthorFeed(feeds.AtomFeed)),
        name="author-feed-atom",
    ),
    path(
        "authors/<slug:slug>/feed.json",
        public_page(feeds.AuthorFeed(feeds.JSONFeed)),
        name="author-feed-json",
    ),
    path(
        "tags/<slug:slug>/atom/", public_page(feeds.TagFeed(feeds.AtomFeed)), name="tag-feed-atom"
    ),
    path(
        "tags/<slug:slug>/feed.json",
        public_page(feeds.TagFeed(feeds.JSONFeed)),
        name="tag-feed-json",
    ),
]
