from django.urls import path

from newsroom.urls import urlpatterns as site
from tools.reference.views import ArticleView

urlpatterns = [path("reference/<int:pk>/", ArticleView.as_view(), name="reference"), *site]
