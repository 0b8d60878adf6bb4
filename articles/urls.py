"""Public addresses, each inside a language prefix (see newsroom/urls.py)."""

from django.urls import path

from articles import feeds, search, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.LatestNewsView.as_view(), name="latest"),
    path("news/<int:pk>/", views.article_detail, name="article-short"),
    path("news/<int:pk>-<str:slug>/", views.article_detail, name="article"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("authors/", views.AuthorIndexView.as_view(), name="authors"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("search/", search.search, name="search"),
    path("rss/", feeds.LatestArticlesFeed(), name="feed"),
    path("category/<slug:slug>/rss/", feeds.CategoryFeed(), name="category-feed"),
    path("tags/<slug:slug>/rss/", feeds.TagFeed(), name="tag-feed"),
    path("atom/", feeds.LatestArticlesFeed(feeds.AtomFeed), name="feed-atom"),
    path("feed.json", feeds.LatestArticlesFeed(feeds.JSONFeed), name="feed-json"),
    path(
        "category/<slug:slug>/atom/",
        feeds.CategoryFeed(feeds.AtomFeed),
        name="category-feed-atom",
    ),
    path(
        "category/<slug:slug>/feed.json",
        feeds.CategoryFeed(feeds.JSONFeed),
        name="category-feed-json",
    ),
    path("authors/<slug:slug>/rss/", feeds.AuthorFeed(), name="author-feed"),
    path("authors/<slug:slug>/atom/", feeds.AuthorFeed(feeds.AtomFeed), name="author-feed-atom"),
    path(
        "authors/<slug:slug>/feed.json", feeds.AuthorFeed(feeds.JSONFeed), name="author-feed-json"
    ),
    path("tags/<slug:slug>/atom/", feeds.TagFeed(feeds.AtomFeed), name="tag-feed-atom"),
    path("tags/<slug:slug>/feed.json", feeds.TagFeed(feeds.JSONFeed), name="tag-feed-json"),
]
