"""Media on S3-compatible storage (RAVABET_MEDIA_S3_BUCKET): the settings read from the
environment, a public logo stored in the bucket and linked from it, a private release image
stored in the bucket with a private ACL and served only through the checked /files/ view.

The bucket is moto's in-process S3 (`mock_aws`); the STORAGES and CSP used are those the real
settings module builds from the environment (run again here with the variables set).
"""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from moto import mock_aws

import ravabet.config.settings as settings_module
from ravabet.core import uploads
from ravabet.core.organisation.admin import AgencyAdminForm
from ravabet.newsroom import services
from ravabet.newsroom.media import IMAGE_FILES
from ravabet.newsroom.models import ReleaseImage
from tests.factories import make_release
from tests.files import image_bytes

BUCKET = "ravabet-media"
ENV = {
    "RAVABET_MEDIA_S3_BUCKET": BUCKET,
    "RAVABET_MEDIA_S3_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
}


def settings_with(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The settings module's names as it computes them with `env` set."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(settings_module.__file__)))


@pytest.fixture
def bucket(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's S3 with the bucket, and this process's storages as the S3 settings make them.
    File fields name their storage when the models load (private_storage()), so the release
    image's field is pointed at the new private storage, as a process started with these
    settings would have it."""
    computed = settings_with(ENV, monkeypatch)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-central-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        settings.STORAGES = computed["STORAGES"]
        settings.RAVABET_CSP = computed["RAVABET_CSP"]
        field = ReleaseImage._meta.get_field("image")
        monkeypatch.setattr(field, "storage", storages["private"])
        yield client


def keys(client: Any) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listed.get("Contents", [])]


@pytest.mark.django_db
def test_a_logo_lands_in_the_bucket_and_pages_link_to_it(world: Any, bucket: Any) -> None:
    data = {k: v for k, v in model_to_dict(world.roads).items() if v is not None and k != "logo"}
    form = AgencyAdminForm(
        data=data,
        files={"logo": SimpleUploadedFile("logo.png", image_bytes("PNG", (40, 40)))},
        instance=world.roads,
    )
    assert form.is_valid(), form.errors
    agency = form.save()
    key = f"media/{agency.logo.name}"
    assert keys(bucket) == [key]
    stored = bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["ContentType"] == "image/png"
    assert stored["Body"].read().startswith(b"\x89PNG")
    # Linked straight from the bucket, unsigned (a public logo: cacheable, never expiring).
    url = agency.logo.url
    assert url == f"https://{BUCKET}.s3.amazonaws.com/{key}"
    response = Client().get(f"/agencies/{agency.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert url in page
    # The page's Content-Security-Policy lets the browser load it from there.
    img_src = re.search(r"img-src ([^;]+)", response["Content-Security-Policy"])
    assert img_src is not None and f"https://{BUCKET}.s3.amazonaws.com" in img_src.group(1)


@pytest.mark.django_db
def test_a_release_image_is_private_in_the_bucket_and_served_only_when_allowed(
    world: Any, bucket: Any
) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    image = services.release_add_image(
        actor=world.officer_roads,
        release=release,
        upload=SimpleUploadedFile("photo.png", image_bytes("PNG", (30, 20))),
        alt_text="پل طبقاتی",
    )
    key = f"private/{image.image.name}"
    assert keys(bucket) == [key]
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner's only
    with pytest.raises(ValueError, match="no public URL"):
        image.image.url  # noqa: B018 - a link straight to the bucket must not exist
    link = uploads.file_url(IMAGE_FILES, image)
    assert Client().get(link).status_code == 404  # a draft's image: strangers see nothing
    officer = Client()
    officer.force_login(world.officer_roads)
    response = officer.get(link)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_settings_read_the_bucket_from_the_environment(tmp_path: Path) -> None:
    """A process started with the variables (as systemd starts one) runs on the bucket."""
    env = {
        **os.environ,
        **ENV,
        "RAVABET_MEDIA_S3_ENDPOINT_URL": "https://s3.example.ir",
        "RAVABET_VAR_DIR": str(tmp_path),
    }
    code = (
        "import json; from django.conf import settings;"
        "from django.core.files.storage import storages;"
        "print(json.dumps({'default': type(storages['default']).__name__,"
        " 'private': type(storages['private']).__name__,"
        " 'bucket': storages['default'].bucket_name,"
        " 'endpoint': storages['private'].endpoint_url,"
        " 'acl': storages['private'].default_acl,"
        " 'img': settings.RAVABET_CSP['img-src']}))"
    )
    ravabet = str(Path(sys.executable).parent / "ravabet")
    done = subprocess.run(
        [ravabet, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "default": "S3Storage",
        "private": "PrivateS3Storage",
        "bucket": BUCKET,
        "endpoint": "https://s3.example.ir",
        "acl": "private",
        "img": f"'self' https://s3.example.ir https://{BUCKET}.s3.example.ir",
    }
    checked = subprocess.run(
        [ravabet, "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stderr


def test_without_a_bucket_media_stay_on_the_file_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAVABET_MEDIA_S3_BUCKET", raising=False)
    computed = runpy.run_path(str(Path(settings_module.__file__)))
    assert computed["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert computed["STORAGES"]["private"]["BACKEND"].endswith("PrivateFileSystemStorage")
    assert computed["RAVABET_CSP"]["img-src"] == "'self'"
