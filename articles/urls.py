"""Public addresses, each inside a language prefix (see newsroom/urls.py)."""

from django.urls import path

from articles import feeds, views

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
    path("rss/", feeds.LatestArticlesFeed(), name="feed"),
    path("category/<slug:slug>/rss/", feeds.CategoryFeed(), name="category-feed"),
    path("tags/<slug:slug>/rss/", feeds.TagFeed(), name="tag-feed"),
]
