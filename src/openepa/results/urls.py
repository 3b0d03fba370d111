"""URLs of openepa.results: IQA and results (``iqa_urls``), resits, retakes and appeals."""

from openepa.results.appeal_urls import urlpatterns as appeal_urlpatterns
from openepa.results.iqa_urls import urlpatterns as iqa_urlpatterns

app_name = "results"

urlpatterns = [*iqa_urlpatterns, *appeal_urlpatterns]
