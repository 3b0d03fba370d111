"""URLs of openepa.registration, under /apprentices/."""

from django.urls import path

from openepa.registration import history, lifecycle_views, views

app_name = "registration"
urlpatterns = [
    path("", views.apprentice_list, name="list"),
    path("register/", views.register, name="create"),
    path("upload/", views.upload, name="upload"),
    path("upload/template.csv", views.template_csv, name="template_csv"),
    path("<int:pk>/", views.apprentice_detail, name="detail"),
    path("<int:pk>/history/", history.registration_history, name="history"),
    path("<int:pk>/correct/", lifecycle_views.correct, name="correct"),
    path("<int:pk>/hold/", lifecycle_views.hold_page, name="hold"),
    path("<int:pk>/resume/", lifecycle_views.resume_page, name="resume"),
    path("<int:pk>/withdraw/", lifecycle_views.withdraw_page, name="withdraw"),
    path("<int:pk>/transfer/", lifecycle_views.transfer_page, name="transfer"),
]
