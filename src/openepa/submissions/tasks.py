"""Background work of submissions: counting an uploaded report's words.

On the ``documents`` queue, with the PDF batches: reading a long document takes seconds, and
a worker of its own keeps it from holding up emails.
"""

from __future__ import annotations

from django_tasks import task

from openepa.submissions import counting


@task(queue_name="documents")
def count_report(submission_id: int) -> str:
    """Count the words of the uploaded report ``submission_id``; safe to run twice."""
    return counting.count_report(submission_id)
