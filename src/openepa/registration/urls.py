"""URLs of openepa.registration, under /apprentices/."""

from django.urls import path

from openepa.registration import history, views

app_name = "registration"
urlpatterns = [
    path("", views.apprentice_list, name="list"),
    path("register/", views.register, name="create"),
    path("upload/", views.upload, name="upload"),
    path("upload/template.csv", views.template_csv, name="template_csv"),
    path("<int:pk>/", views.apprentice_detail, name="detail"),
    path("<int:pk>/history/", history.registration_history, name="history"),
]
