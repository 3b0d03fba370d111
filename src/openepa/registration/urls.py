"""URLs of openepa.registration, under /apprentices/."""

from django.urls import path

from openepa.registration import history, lifecycle_views, service_views, views

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
    path("learner-checks/", service_views.learner_check_list, name="learner_checks"),
    path("<int:pk>/check-again/", service_views.check_again, name="check_again"),
    path("<int:pk>/certificate-permission/", service_views.consent_page, name="consent"),
    path(
        "<int:pk>/certificate-permission/record/",
        service_views.consent_record,
        name="consent_record",
    ),
    path(
        "<int:pk>/certificate-permission/withdraw/",
        service_views.consent_withdraw,
        name="consent_withdraw",
    ),
]
