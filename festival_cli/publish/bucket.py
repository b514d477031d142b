"""The site into a stack's site bucket: each file put whole, with its content type and caching.

S3 gives every object put in one request the quoted MD5 of its body as ETag, and CloudFront
passes it on, so a client refreshing with `If-None-Match` gets 304 while a file is unchanged.
The function publishes after an ingestion that changed the lineup (lambda_handler.handler);
`festival publish --stack NAME` does the same from the operator's machine. The caller brings
the S3 client (made lazily, injected in tests). Calendars of stages that are gone are then
deleted (`remove_gone_calendars`): the function's role may list and delete within the stage
folders only. The folder of a festival no longer stored at all stays (nothing links to it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from festival_cli.publish.ics import STAGES_FOLDER
from festival_cli.publish.site import SiteFile

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_s3.client import S3Client


def publish_files(s3: S3Client, bucket: str, files: list[SiteFile]) -> tuple[int, list[str]]:
    """Put the site's files, then delete the calendars of stages that are gone: the number of
    files put and the keys deleted (what the function and `festival publish --stack` do)."""
    return put_site(s3, bucket, files), remove_gone_calendars(s3, bucket, files)


def put_site(s3: S3Client, bucket: str, files: list[SiteFile]) -> int:
    """Put every file into `bucket` under its path; the number of files put. A refused or
    failed put raises the client's error, for the caller to translate (this package imports
    no botocore); the files before it are already put, each whole, and publishing again puts
    them all."""
    for site_file in files:
        s3.put_object(Bucket=bucket, Key=site_file.path, Body=site_file.body,
                      ContentType=site_file.content_type, CacheControl=site_file.cache_control)
    return len(files)


def remove_gone_calendars(s3: S3Client, bucket: str, files: list[SiteFile]) -> list[str]:
    """Delete the calendars of stages that are gone from the stage folders `files` publish
    into (`stages/`, `<festival>/stages/`): the keys deleted. One list request per folder;
    a delete only where a stage is gone. Errors are raised as `put_site`'s are."""
    wanted = {f.path for f in files}
    folders = sorted({f.path[:f.path.rindex("/") + 1] for f in files
                      if f.path.rpartition("/")[0].rpartition("/")[2] == STAGES_FOLDER})
    gone: list[str] = []
    for folder in folders:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=folder)
        for page in pages:
            for listed in page.get("Contents", []):
                key = listed["Key"]
                if key.endswith(".ics") and "/" not in key[len(folder):] and key not in wanted:
                    s3.delete_object(Bucket=bucket, Key=key)
                    gone.append(key)
    return gone
