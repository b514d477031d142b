"""The site into a stack's site bucket: each file put whole, with its content type and caching.

S3 gives every object put in one request the quoted MD5 of its body as ETag, and CloudFront
passes it on, so a client refreshing with `If-None-Match` gets 304 while a file is unchanged.
The function publishes after an ingestion that changed the lineup (lambda_handler.handler);
`festival publish --stack NAME` does the same from the operator's machine. The caller brings
the S3 client (made lazily, injected in tests). Calendars of stages that are gone stay in the
bucket (the function may put objects, not list or delete them): no link points to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from festival_cli.publish.site import SiteFile

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_s3.client import S3Client


def put_site(s3: S3Client, bucket: str, files: list[SiteFile]) -> int:
    """Put every file into `bucket` under its path; the number of files put. A refused or
    failed put raises the client's error, for the caller to translate (this package imports
    no botocore); the files before it are already put, each whole, and publishing again puts
    them all."""
    for site_file in files:
        s3.put_object(Bucket=bucket, Key=site_file.path, Body=site_file.body,
                      ContentType=site_file.content_type, CacheControl=site_file.cache_control)
    return len(files)
