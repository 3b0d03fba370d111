"""URL configuration: each area of OpenEPA has its own URLs module."""

from django.contrib import admin
from django.urls import include, path

from openepa.people.urls import auth_urlpatterns

urlpatterns = [
    path("", include("openepa.web.urls")),
    *auth_urlpatterns,
    path("", include("openepa.people.urls")),
    path("apprentices/", include("openepa.registration.urls")),
    path("gateway/", include("openepa.gateway.urls")),
    path("files/", include("openepa.files.urls")),
    path("planning/", include("openepa.planning.urls")),
    path("assessment/", include("openepa.assessment.urls")),
    path("results/", include("openepa.results.urls")),
    path("submissions/", include("openepa.submissions.urls")),
    path("claims/", include("openepa.claims.urls")),
    path("assessment-service/", include("openepa.assessment_service.urls")),
    path("documents/", include("openepa.documents.urls")),
    path("messages/", include("openepa.notifications.urls")),
    path("django-admin/", admin.site.urls),
]
