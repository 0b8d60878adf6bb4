"""A plain Django article view over the same table: the floor the article page is measured against.

What a developer would write first: a DetailView, the article with its
category in one query, its bylines in a second, one small template. It shows
the same language's title, lead and body, unescaped as stored.
"""

from django.views.generic import DetailView

from articles.models import Article, Byline


class ArticleView(DetailView):
    template_name = "reference/article.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.select_related("category")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bylines"] = Byline.objects.filter(article=self.object).select_related("author")
        return context
