"""Storage for files that only an authorising view may serve."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage without public addresses: Django's falls back to MEDIA_URL when base_url is
    None, which would hand out a /media/ link to a pitch deck."""

    def url(self, name):
        raise ValueError("Private files have no URL; an authorising view serves them.")
