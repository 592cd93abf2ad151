"""Test settings: the project's settings with throw-away keys, so no test depends on a
developer's ./var/keys.env, and fast password hashing."""

import base64
import os
import tempfile

os.environ.setdefault("BANSOS_DATA_KEY", "t1:" + base64.b64encode(b"k" * 32).decode())
os.environ.setdefault("BANSOS_INDEX_KEY", base64.b64encode(b"i" * 32).decode())
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("BANSOS_VAR_DIR", tempfile.mkdtemp(prefix="bansos-test-var-"))

from bansos.settings import *  # noqa: E402,F403

# Jobs run where they are queued, so a test sees their effect at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

