"""Settings for the test suite: the real settings, with fast hashing and private folders."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "true")

from openepa.settings import *  # noqa: F403

_TMP = Path(tempfile.mkdtemp(prefix="openepa-tests-"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
UPLOAD_DIR = _TMP / "uploads"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Close connections after each request so no thread (the live server's) keeps the test
# database open when it is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tasks run at once, inside the request or test that enqueues them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "documents"],
    }
}
# No test talks to the real assessment service: tests that send point it at the stand-in.
ASSESSMENT_SERVICE_URL = ""
ASSESSMENT_SERVICE_KEY = ""
