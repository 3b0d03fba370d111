"""URLs of openepa.submissions.

A registration's submitted files, the assessor's interview questions and notes, and the EPAO's
interview question banks.
"""

from django.urls import path

from openepa.submissions import views

app_name = "submissions"

urlpatterns = [
    path("questions/", views.questions, name="questions"),
    path("questions/add/", views.question_add, name="question_add"),
    path("questions/seed/", views.question_seed, name="question_seed"),
    path("questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/retire/", views.question_retire, name="question_retire"),
    path("<int:registration_pk>/", views.overview, name="overview"),
    path("<int:registration_pk>/<slug:method_id>/upload/", views.upload, name="upload"),
    path(
        "<int:registration_pk>/files/<int:submission_pk>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("<int:registration_pk>/<slug:method_id>/interview/", views.interview, name="interview"),
]
