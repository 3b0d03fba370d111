"""URLs of openepa.results (iqa_urls): quality settings, IQA review and the release of results."""

from django.urls import URLPattern, path

from openepa.results import iqa_views, result_views

urlpatterns: list[URLPattern] = [
    path("quality-settings/", iqa_views.policy, name="policy"),
    path("iqa/", iqa_views.iqa_queue, name="iqa_queue"),
    path("iqa/records/<int:record_pk>/", iqa_views.iqa_review, name="iqa_review"),
    path("release/", result_views.release_queue, name="release_queue"),
    path("release/<int:registration_pk>/", result_views.release_result, name="release"),
    path("apprentices/<int:registration_pk>/", result_views.result, name="result"),
    path(
        "apprentices/<int:registration_pk>/record-of-achievement/",
        result_views.achievement,
        name="achievement",
    ),
]
