"""How the body of an upload is received: Django's own handlers, except that of a file larger
than ``settings.UPLOAD_MAX_BYTES`` no more than the limit and one byte is kept on disk. The
rest is counted, not stored, so the uploaded file still reports the size that was sent and
the refusal names it (``uploads.size_problem``), while a huge body cannot fill the disk.
The reverse proxy's body limit (README, "Production") stops such bodies before they get here."""

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class BoundedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        room = settings.UPLOAD_MAX_BYTES + 1 - start
        if room > 0:
            self.file.write(raw_data[:room])
        # file_complete() gets the size of every chunk received, kept or not

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        return self.file
